// Where a pod may run: tolerations and required / preferred node affinity
// (node selector terms on labels and fields), with core validation's rules.

import type { FieldError } from '../errors.js';
import type {
  Affinity,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Toleration,
} from '../generated/index.js';
import { child, forbidden, index, invalidEach, invalidValue, required } from './field-errors.js';
import { validateQualifiedName } from './metadata.js';
import { isValidLabelValue, nameIsDNSSubdomain } from './names.js';

/** Tolerations: key syntax, operator / value / effect combinations. */
export function validateTolerations(
  tolerations: readonly Toleration[] | undefined,
  field: string,
): FieldError[] {
  return (tolerations ?? []).flatMap((toleration, i) => {
    const path = index(field, i);
    const key = toleration.key ?? '';
    const operator = toleration.operator ?? 'Equal';
    const errors = key === '' ? [] : validateQualifiedName(key, child(path, 'key'));
    if (key === '' && operator !== 'Exists') {
      errors.push(
        invalidValue(
          child(path, 'operator'),
          toleration.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (toleration.tolerationSeconds !== undefined && toleration.effect !== 'NoExecute') {
      errors.push(
        invalidValue(
          child(path, 'effect'),
          toleration.effect ?? '',
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
    if (operator === 'Equal') {
      const messages = isValidLabelValue(toleration.value ?? '');
      if (messages.length > 0)
        errors.push(
          invalidValue(child(path, 'operator'), toleration.value ?? '', messages.join(';')),
        );
    } else if ((toleration.value ?? '') !== '') {
      errors.push(
        invalidValue(
          child(path, 'operator'),
          toleration,
          "value must be empty when `operator` is 'Exists'",
        ),
      );
    }
    return errors;
  });
}

function validateLabelRequirement(
  requirement: NodeSelectorRequirement,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const values = requirement.values ?? [];
  const valuesPath = child(field, 'values');
  switch (requirement.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        errors.push(required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errors.push(
          forbidden(
            valuesPath,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      }
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) {
        errors.push(
          required(valuesPath, "must be specified single value when `operator` is 'Lt' or 'Gt'"),
        );
      }
      break;
    default:
      errors.push(
        invalidValue(
          child(field, 'operator'),
          requirement.operator,
          'not a valid selector operator',
        ),
      );
  }
  errors.push(...validateQualifiedName(requirement.key, child(field, 'key')));
  return errors;
}

/** `matchFields` may only name `metadata.name`, with exactly one value for In / NotIn. */
function validateFieldRequirement(
  requirement: NodeSelectorRequirement,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const values = requirement.values ?? [];
  if (requirement.operator === 'In' || requirement.operator === 'NotIn') {
    if (values.length !== 1) {
      errors.push(
        required(
          child(field, 'values'),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
    }
  } else {
    errors.push(
      invalidValue(child(field, 'operator'), requirement.operator, 'not a valid selector operator'),
    );
  }
  if (requirement.key !== 'metadata.name') {
    errors.push(
      invalidValue(child(field, 'key'), requirement.key, 'not a valid field selector key'),
    );
  } else {
    values.forEach((v, i) =>
      errors.push(
        ...invalidEach(index(child(field, 'values'), i), v, nameIsDNSSubdomain(v, false)),
      ),
    );
  }
  return errors;
}

function validateTerm(term: NodeSelectorTerm, field: string): FieldError[] {
  return [
    ...(term.matchExpressions ?? []).flatMap((r, i) =>
      validateLabelRequirement(r, index(child(field, 'matchExpressions'), i)),
    ),
    ...(term.matchFields ?? []).flatMap((r, i) =>
      validateFieldRequirement(r, index(child(field, 'matchFields'), i)),
    ),
  ];
}

/** `affinity.nodeAffinity`: at least one required term; preference weights 1-100. */
export function validateAffinity(affinity: Affinity | undefined, field: string): FieldError[] {
  const nodeAffinity = affinity?.nodeAffinity;
  if (!nodeAffinity) return [];
  const path = child(field, 'nodeAffinity');
  const errors: FieldError[] = [];
  const requiredTerms = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (requiredTerms) {
    const termsPath = child(
      path,
      'requiredDuringSchedulingIgnoredDuringExecution',
      'nodeSelectorTerms',
    );
    if (requiredTerms.nodeSelectorTerms.length === 0) {
      errors.push(required(termsPath, 'must have at least one node selector term'));
    }
    requiredTerms.nodeSelectorTerms.forEach((term, i) =>
      errors.push(...validateTerm(term, index(termsPath, i))),
    );
  }
  (nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((preferred, i) => {
    const itemPath = index(child(path, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
    if (preferred.weight < 1 || preferred.weight > 100) {
      errors.push(
        invalidValue(child(itemPath, 'weight'), preferred.weight, 'must be in the range 1-100'),
      );
    }
    // A missing preference is Go's empty term, which matches every node.
    errors.push(...validateTerm(preferred.preference ?? {}, child(itemPath, 'preference')));
  });
  return errors;
}
