// Selectors as list and watch requests carry them (`?labelSelector=`,
// `?fieldSelector=`): parsed once into what filtering needs, with a parse
// failure turned into the 400 BadRequest Kubernetes answers with.

import { badRequest } from '../errors.js';
import { parseFieldSelector, type FieldRequirement } from './field-selector.js';
import { parseLabelSelector } from './label-parser.js';
import { matchesRequirements, SelectorError } from './label-requirements.js';

/** Runs `parse`, turning a SelectorError into Kubernetes' 400 with the same message. */
function asBadRequest<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

/**
 * A matcher for a `labelSelector` query parameter (`app=web,tier in (api)`);
 * throws an ApiError (400 BadRequest, Kubernetes' message) when it does not parse.
 */
export function labelSelectorMatcher(
  text: string,
): (labels: Readonly<Record<string, string>>) => boolean {
  const requirements = asBadRequest(() => parseLabelSelector(text));
  return (labels) => matchesRequirements(requirements, labels);
}

/**
 * The terms of a `fieldSelector` query parameter (`spec.nodeName=n1,status.phase!=Failed`);
 * throws an ApiError (400 BadRequest) when it does not parse. Whether a kind
 * lets selectors name a field is `isSelectableField`'s question.
 */
export function fieldSelectorRequirements(text: string): FieldRequirement[] {
  return asBadRequest(() => parseFieldSelector(text));
}
