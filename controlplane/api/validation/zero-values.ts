// Kubernetes decodes a missing scalar field as Go's zero value ('' or 0) and
// lets validation judge that value: a Service port without `port` is
// `spec.ports[0].port: Invalid value: 0: must be between 1 and 65535,
// inclusive`, and a container status without `imageID` is fine. The OpenAPI
// `required` lists of built-in kinds are never enforced by the server. So the
// kind rules run on a copy in which the schema's required scalars and lists
// are filled with those zero values, and the schema's own `Required value`
// for them is dropped. Required objects are left absent (Go pointers there),
// for the rules or the schema to report.

import { isRecord } from '../json-values.js';
import { child } from './field-errors.js';
import { KIND_SCHEMA_IDS } from '../generated/schemas.js';
import {
  fieldPosition,
  rootPosition,
  schemaTypes,
  walkWithSchema,
  type SchemaPosition,
} from './schema-positions.js';

/** The zero value of a field of this schema node, or undefined when Go would have a nil pointer. */
function zeroOf(position: SchemaPosition): unknown {
  const types = schemaTypes(position.node);
  if (types.includes('integer') || types.includes('number')) return 0;
  if (types.includes('string')) return '';
  if (types.includes('boolean')) return false;
  if (types.includes('array')) return [];
  return undefined;
}

/**
 * Fills, in place, the required scalar and list fields `object` (of `kind`)
 * leaves out with their zero values, at any depth, and returns the field
 * paths it filled with a value the schema allows (a missing enumerated field
 * is not among them). Run it on a copy: the stored object must not gain
 * these fields.
 */
export function fillZeroValues(kind: string, object: unknown): Set<string> {
  const filled = new Set<string>();
  const id = KIND_SCHEMA_IDS[kind];
  if (id === undefined) return filled;
  walkWithSchema(object, rootPosition(id), (value, position, path) => {
    const required = position.node?.['required'];
    if (!isRecord(value) || !Array.isArray(required)) return value;
    for (const name of required) {
      if (typeof name !== 'string' || value[name] !== undefined) continue;
      const zero = zeroOf(fieldPosition(position, name).position);
      if (zero === undefined) continue;
      value[name] = zero;
      // A zero value outside the field's enumeration stays the schema's `Required value`.
      const allowed = fieldPosition(position, name).position.node?.['enum'];
      if (!Array.isArray(allowed) || allowed.includes(zero)) filled.add(child(path, name));
    }
    return value;
  });
  return filled;
}
