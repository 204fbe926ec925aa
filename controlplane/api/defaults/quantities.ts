// Every quantity field of an object, wherever the schema puts one (container
// resources, pod overhead, emptyDir size limits, node capacity, HPA targets),
// rewritten in Kubernetes' canonical form: what `kubectl get -o yaml` shows
// after Kubernetes stored the object.

import { KIND_SCHEMA_IDS } from '../generated/schemas.js';
import { isRecord } from '../json-values.js';
import {
  childPositions,
  fieldPosition,
  itemPosition,
  rootPosition,
  valuePosition,
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

function isQuantityPosition(position: SchemaPosition): boolean {
  return position.refs.includes(QUANTITY) || position.refs.includes(RESOURCE_LIST);
}

// Whether a quantity can sit at or below a position, decided once per
// position (positions are resolved once, so they key a WeakMap): the walk
// skips every field that cannot hold one (all of metadata, most of a pod).
const holdsQuantities = new WeakMap<SchemaPosition, boolean>();

function mayHoldQuantity(position: SchemaPosition, visiting = new Set<SchemaPosition>()): boolean {
  const known = holdsQuantities.get(position);
  if (known !== undefined) return known;
  if (!position.node) return false;
  // A schema that contains itself: assume so while deciding (never prunes wrongly).
  if (visiting.has(position)) return true;
  visiting.add(position);
  const result =
    isQuantityPosition(position) ||
    childPositions(position).some((child) => mayHoldQuantity(child, visiting));
  visiting.delete(position);
  holdsQuantities.set(position, result);
  return result;
}

// Where to look below a position, decided once per position: its declared
// fields that may hold a quantity, and the position of its map values and
// of its items when those may. The walk visits only these, so a pod without
// resources costs a few map lookups, not a visit of each of its fields.
interface QuantityPlan {
  readonly fields: readonly (readonly [string, SchemaPosition])[];
  readonly values: SchemaPosition | undefined;
  readonly items: SchemaPosition | undefined;
}

const plans = new WeakMap<SchemaPosition, QuantityPlan>();

function planOf(position: SchemaPosition): QuantityPlan {
  let plan = plans.get(position);
  if (plan !== undefined) return plan;
  const properties = position.node?.['properties'];
  const fields: (readonly [string, SchemaPosition])[] = [];
  if (isRecord(properties)) {
    for (const name of Object.keys(properties)) {
      const next = fieldPosition(position, name);
      if (mayHoldQuantity(next.position)) fields.push([name, next.position]);
    }
  }
  const values = valuePosition(position);
  const items = itemPosition(position);
  plan = {
    fields,
    values: values && mayHoldQuantity(values) ? values : undefined,
    items: mayHoldQuantity(items) ? items : undefined,
  };
  plans.set(position, plan);
  return plan;
}

function canonicalizeAt(value: unknown, position: SchemaPosition): unknown {
  const current = canonicalize(value, position);
  const plan = planOf(position);
  if (Array.isArray(current)) {
    if (plan.items === undefined) return current;
    for (let i = 0; i < current.length; i++) {
      const item: unknown = current[i];
      const replaced = canonicalizeAt(item, plan.items);
      if (replaced !== item) current[i] = replaced;
    }
  } else if (isRecord(current)) {
    for (const [name, fieldAt] of plan.fields) {
      if (!Object.prototype.hasOwnProperty.call(current, name)) continue;
      const field = current[name];
      const replaced = canonicalizeAt(field, fieldAt);
      if (replaced !== field) current[name] = replaced;
    }
    if (plan.values !== undefined) {
      const properties = position.node?.['properties'];
      for (const name of Object.keys(current)) {
        // Declared fields were walked above (or cannot hold a quantity).
        if (isRecord(properties) && Object.prototype.hasOwnProperty.call(properties, name))
          continue;
        const field = current[name];
        const replaced = canonicalizeAt(field, plan.values);
        if (replaced !== field) current[name] = replaced;
      }
    }
  }
  return current;
}

/**
 * Rewrites, in place, the quantities of `object` (of `kind`) in canonical
 * form. Malformed quantities are left as they are, for validation to report.
 */
export function canonicalizeQuantities<T>(kind: string, object: T): T {
  const id = KIND_SCHEMA_IDS[kind];
  if (id !== undefined) canonicalizeAt(object, rootPosition(id));
  return object;
}
