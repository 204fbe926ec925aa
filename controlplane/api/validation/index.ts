// Validation of a write, in Kubernetes' terms: the structural half (the
// kind's JSON Schema: types, enums, formats, unknown fields) and the semantic
// half (ValidateObjectMeta and the kind's own rules, on create and update).
// The result lists every problem at once, as Kubernetes' 422 does.

import type { FieldError } from '../errors.js';
import { copyJson, isRecord } from '../json-values.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { KIND_RULES } from './kinds.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';
import { checkSchema } from './schema-check.js';
import { fillZeroValues } from './zero-values.js';

export { checkSchema, checkSchemaAt, type SchemaReport } from './schema-check.js';
export { KIND_RULES, type KindRules } from './kinds.js';

/** What validating one object found. */
export interface ObjectValidation {
  /** The field errors of a 422 Invalid, in the order found. */
  readonly errors: readonly FieldError[];
  /** Fields the schema does not know (`spec.containers[0].foo`): for `fieldValidation` to refuse, warn about or drop. */
  readonly unknownFields: readonly string[];
}

/** The write being validated: a create, or an update of `old`. */
export interface ValidationContext {
  readonly operation: 'create' | 'update';
  readonly old?: KubeObject;
}

/** Each (field, message) once, in the order first found. */
function distinct(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const id = `${e.field}\u0000${e.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Whether `field` is `under` or inside it (`spec.ports[0].port` is inside `spec.ports[0]`). */
function within(field: string, under: string): boolean {
  return field === under || field.startsWith(`${under}.`) || field.startsWith(`${under}[`);
}

/** The kind's semantic rules on `object` (a copy whose missing required scalars are zero values). */
function semanticErrors(
  type: ResourceType,
  object: KubeObject,
  context: ValidationContext,
): FieldError[] {
  const rules = KIND_RULES[type.kind];
  if (!rules) return [];
  const old = context.operation === 'update' ? context.old : undefined;
  const errors: FieldError[] = [];
  if (rules.checksMetadata)
    errors.push(...validateObjectMeta(object.metadata, type.namespaced, rules.name));
  errors.push(...rules.validate(object));
  if (old) {
    errors.push(...validateObjectMetaUpdate(object.metadata, old.metadata));
    if (rules.validateUpdate) errors.push(...rules.validateUpdate(object, old));
  }
  return errors;
}

/**
 * Validates `object`, of `type`, for a create or an update. When the schema
 * finds values of the wrong JSON type, only the schema's findings are
 * returned: the kind rules assume the types are right (Kubernetes never gets
 * that far either: its decoder refuses such bodies). A missing required
 * scalar is judged as its zero value, as Kubernetes does (`Invalid value: 0`
 * for a missing port; nothing for a missing container status `imageID`).
 */
export function validateObject(
  type: ResourceType,
  object: KubeObject,
  context: ValidationContext,
): ObjectValidation {
  const schema = checkSchema(type.kind, object);
  const structural = schema.errors.some((e) => e.reason === 'FieldValueTypeInvalid');
  if (structural || !isRecord(object.metadata)) {
    return { errors: distinct(schema.errors), unknownFields: schema.unknownFields };
  }
  // The rules judge a missing required scalar as its zero value, on a copy
  // that has them filled in; when the schema passed, none is missing and the
  // object itself is judged (the rules only read it).
  const passed = schema.errors.length === 0 && schema.unknownFields.length === 0;
  const judged = passed ? object : copyJson(object);
  const zeroFilled = passed ? new Set<string>() : fillZeroValues(type.kind, judged);
  const semantic = semanticErrors(type, judged, context);
  // A missing scalar is judged by the rules, as its zero value; where the
  // rules report a field (or, for a missing object, inside it), their wording
  // (Kubernetes') replaces the schema's.
  const schemaErrors = schema.errors.filter((e) =>
    e.reason === 'FieldValueRequired'
      ? !zeroFilled.has(e.field) && !semantic.some((s) => within(s.field, e.field))
      : !semantic.some((s) => s.field === e.field),
  );
  return { errors: distinct([...schemaErrors, ...semantic]), unknownFields: schema.unknownFields };
}
