// Compute resources: resource names, quantities (`100m`, `1Gi`), and a
// container's requests never above its limits (core validation's
// ValidateResourceRequirements, with its messages).

import type { FieldError } from '../errors.js';
import type { Quantity, ResourceList, ResourceRequirements } from '../generated/index.js';
import {
  parseQuantity,
  QUANTITY_FORMAT_MESSAGE,
  type Quantity as ParsedQuantity,
} from '../quantity.js';
import { child, invalidEach, invalidValue, key } from './field-errors.js';
import { isQualifiedName } from './names.js';

/** The resources a container may request without a domain prefix. */
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** A quantity field's value as text (`2`, `100m`): JSON numbers are quantities too. */
export function quantityText(value: Quantity): string {
  return typeof value === 'number' ? String(value) : value;
}

/** The parsed quantity, or undefined when malformed (the schema already reported it). */
export function parsedQuantity(value: Quantity): ParsedQuantity | undefined {
  try {
    return parseQuantity(quantityText(value));
  } catch {
    return undefined;
  }
}

/** a < b, a = b, a > b as -1, 0, 1 (exact: quantities are fractions of bigints). */
export function compareQuantities(a: ParsedQuantity, b: ParsedQuantity): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A quantity that must parse and must not be negative (`ValidateNonnegativeQuantity`). */
export function validateNonNegativeQuantity(value: Quantity, field: string): FieldError[] {
  const parsed = parsedQuantity(value);
  if (!parsed) return [invalidValue(field, quantityText(value), QUANTITY_FORMAT_MESSAGE)];
  return parsed.numerator < 0n
    ? [invalidValue(field, quantityText(value), 'must be greater than or equal to 0')]
    : [];
}

function validateContainerResourceName(name: string, field: string): FieldError[] {
  const errors = invalidEach(field, name, isQualifiedName(name));
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-')) {
      errors.push(invalidValue(field, name, 'must be a standard resource for containers'));
    }
  } else if (name.startsWith('kubernetes.io/') || name.startsWith('requests.')) {
    errors.push(invalidValue(field, name, "doesn't follow extended resource name standard"));
  }
  return errors;
}

function validateResourceList(list: ResourceList | undefined, field: string): FieldError[] {
  return Object.entries(list ?? {}).flatMap(([name, value]) => [
    ...validateContainerResourceName(name, key(field, name)),
    ...validateNonNegativeQuantity(value, key(field, name)),
  ]);
}

/** Node capacity, pod overhead and the like: any quantities, none negative. */
export function validateResourceQuantities(
  list: ResourceList | undefined,
  field: string,
): FieldError[] {
  return Object.entries(list ?? {}).flatMap(([name, value]) =>
    validateNonNegativeQuantity(value, key(field, name)),
  );
}

/** A container's `resources`: names, quantities, and requests ≤ limits. */
export function validateResourceRequirements(
  resources: ResourceRequirements | undefined,
  field: string,
): FieldError[] {
  const limitsPath = child(field, 'limits');
  const requestsPath = child(field, 'requests');
  const errors = [
    ...validateResourceList(resources?.limits, limitsPath),
    ...validateResourceList(resources?.requests, requestsPath),
  ];
  for (const [name, request] of Object.entries(resources?.requests ?? {})) {
    const limit = resources?.limits?.[name];
    if (limit === undefined) continue;
    const requested = parsedQuantity(request);
    const limited = parsedQuantity(limit);
    if (!requested || !limited) continue;
    if (name.startsWith('hugepages-') && compareQuantities(requested, limited) !== 0) {
      errors.push(
        invalidValue(
          requestsPath,
          quantityText(request),
          `must be equal to ${name} limit of ${quantityText(limit)}`,
        ),
      );
    } else if (compareQuantities(requested, limited) > 0) {
      errors.push(
        invalidValue(
          requestsPath,
          quantityText(request),
          `must be less than or equal to ${name} limit of ${quantityText(limit)}`,
        ),
      );
    }
  }
  return errors;
}
