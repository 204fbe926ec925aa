// Which objects a list or watch returns: label and field selectors compiled
// once per request into one predicate. The namespace is not part of it: the
// store prefix already selects it.

import type { ListOptions } from '../api/cluster-api.js';
import { badRequest } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { TypeContext } from './context.js';
import {
  isSelectableField,
  selectableFieldValue,
  unsupportedFieldMessage,
} from '../api/selectors/index.js';

export interface Selection {
  /** False when no selector was given: every object matches. */
  readonly filtering: boolean;
  matches(object: KubeObject): boolean;
}

/** Compiles the selectors of `options`; a 400 when one does not parse or names an unsupported field. */
export function compileSelection(ctx: TypeContext, options: ListOptions): Selection {
  const { schema } = ctx.services;
  const labelText = options.labelSelector?.trim() ?? '';
  const fieldText = options.fieldSelector?.trim() ?? '';
  const labels = labelText === '' ? undefined : schema.parseLabelSelector(labelText);
  const fields = fieldText === '' ? [] : schema.parseFieldSelector(fieldText);
  for (const requirement of fields) {
    if (!isSelectableField(ctx.type, requirement.field)) {
      throw badRequest(unsupportedFieldMessage(ctx.type, requirement.field));
    }
  }
  if (!labels && fields.length === 0) return { filtering: false, matches: () => true };
  return {
    filtering: true,
    matches(object) {
      if (labels && !labels(object.metadata.labels ?? {})) return false;
      return fields.every((r) => {
        const value = selectableFieldValue(ctx.type, object, r.field);
        return r.operator === '=' ? value === r.value : value !== r.value;
      });
    },
  };
}
