// Every quantity field of an object, wherever the schema puts one (container
// resources, pod overhead, emptyDir size limits, node capacity, HPA targets),
// rewritten in Kubernetes' canonical form: what `kubectl get -o yaml` shows
// after Kubernetes stored the object.

import { KIND_SCHEMA_IDS } from '../generated/schemas.js';
import { isRecord } from '../json-values.js';
import {
  rootPosition,
  walkWithSchema,
  type SchemaPosition,
} from '../validation/schema-positions.js';
import { canonicalQuantity } from './canonical-quantity.js';

const QUANTITY = 'meta.schema.json#/definitions/Quantity';
const RESOURCE_LIST = 'pod-spec.schema.json#/definitions/ResourceList';

function canonicalize(value: unknown, position: SchemaPosition): unknown {
  if (position.refs.includes(RESOURCE_LIST) && isRecord(value)) {
    // Resource lists are rounded up to thousandths first (SetDefaults_ResourceList).
    for (const [name, quantity] of Object.entries(value)) {
      if (typeof quantity !== 'string' && typeof quantity !== 'number') continue;
      value[name] = canonicalQuantity(quantity, true) ?? quantity;
    }
    return value;
  }
  if (
    position.refs.includes(QUANTITY) &&
    (typeof value === 'string' || typeof value === 'number')
  ) {
    return canonicalQuantity(value) ?? value;
  }
  return value;
}

/**
 * Rewrites, in place, the quantities of `object` (of `kind`) in canonical
 * form. Malformed quantities are left as they are, for validation to report.
 */
export function canonicalizeQuantities<T>(kind: string, object: T): T {
  const id = KIND_SCHEMA_IDS[kind];
  if (id !== undefined) walkWithSchema(object, rootPosition(id), canonicalize);
  return object;
}
