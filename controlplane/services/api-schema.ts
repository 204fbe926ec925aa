// The ApiSchema the services use by default: the API package's defaulting
// (api/defaults), validation (api/validation) and selector grammar
// (api/selectors), with selector syntax errors as the 400 Kubernetes answers.

import { applyDefaults } from '../api/defaults/index.js';
import { badRequest } from '../api/errors.js';
import {
  formatLabelSelector,
  matchesRequirements,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from '../api/selectors/index.js';
import { validateObject } from '../api/validation/index.js';
import type { ApiSchema } from './schema.js';

/** Runs a selector parser; its SelectorError is the client's mistake (400). */
function parsing<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

/** The schema every ApiServices uses unless told otherwise (`ApiServicesOptions.schema`). */
export const defaultApiSchema: ApiSchema = {
  applyDefaults: (type, object) => applyDefaults(type, object),
  validate: (type, object, context) => validateObject(type, object, context),
  parseLabelSelector(text) {
    const requirements = parsing(() => parseLabelSelector(text));
    return (labels) => matchesRequirements(requirements, labels);
  },
  parseFieldSelector: (text) => parsing(() => parseFieldSelector(text)),
  formatLabelSelector,
};
