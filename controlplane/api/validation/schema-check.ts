// The structural half of validation: a kind's JSON Schema, run by ajv
// (compiled once per kind, on first use). ajv's errors become Kubernetes
// field errors; fields the schema does not know are reported apart, so the
// server can refuse, warn about or silently drop them (`fieldValidation`).

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldError } from '../errors.js';
import { API_SCHEMAS, KIND_SCHEMA_IDS } from '../generated/schemas.js';
import { jsonTypeOf } from '../json-values.js';
import { QUANTITY_FORMAT_MESSAGE } from '../quantity.js';
import { formatValue, invalidValue, notSupported, required, typeInvalid } from './field-errors.js';
import { base64Error, FORMATS, INT32_RANGE, INT64_RANGE } from './formats.js';
import { inclusiveRangeError } from './names.js';
import { fieldPathOf } from './schema-paths.js';

/** What the schema says about one object. */
export interface SchemaReport {
  /** Wrong types, missing required fields, values outside an enumeration, malformed formats. */
  readonly errors: FieldError[];
  /** Field paths the schema does not know (`spec.containers[0].foo`), in document order. */
  readonly unknownFields: string[];
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv) return ajv;
  // allErrors: report every problem at once, as Kubernetes does; verbose: the
  // failing value comes with each error, for the message.
  const created = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  for (const [name, format] of Object.entries(FORMATS)) created.addFormat(name, format);
  for (const schema of API_SCHEMAS) created.addSchema(schema);
  ajv = created;
  return created;
}

/** The compiled validator of a schema; throws for an unknown `$id` (a programming error). */
function validatorAt(id: string): ValidateFunction {
  let validate = compiled.get(id);
  if (!validate) {
    validate = instance().getSchema(id);
    if (!validate) throw new Error(`schema ${id} did not compile`);
    compiled.set(id, validate);
  }
  return validate;
}

function formatMessage(format: unknown, value: unknown): { value: unknown; detail: string } {
  switch (format) {
    case 'quantity':
      return { value, detail: QUANTITY_FORMAT_MESSAGE };
    case 'byte':
      // Secret data is never echoed back.
      return {
        value: '<value omitted>',
        detail: base64Error(String(value)) ?? 'must be base64-encoded',
      };
    case 'date-time':
      return { value, detail: "must be an RFC 3339 date-time (e.g. '2006-01-02T15:04:05Z')" };
    case 'int32':
      return { value, detail: inclusiveRangeError(INT32_RANGE.min, INT32_RANGE.max) };
    case 'int64':
      return { value, detail: inclusiveRangeError(INT64_RANGE.min, INT64_RANGE.max) };
    default:
      return { value, detail: `must be a valid ${String(format)}` };
  }
}

function translate(error: ErrorObject, field: string): FieldError {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const expected = String(params['type']).split(',').join(' or ');
      const where = field === '' ? 'body' : `${field} in body`;
      // As Kubernetes words it for schema-validated kinds: the value shown is the type found.
      const found = jsonTypeOf(error.data);
      return typeInvalid(field, found, `${where} must be of type ${expected}: "${found}"`);
    }
    case 'const':
      return notSupported(field, error.data, [String(params['allowedValue'])]);
    case 'enum':
      return notSupported(field, error.data, (params['allowedValues'] as unknown[]).map(String));
    case 'format': {
      const { value, detail } = formatMessage(params['format'], error.data);
      return invalidValue(field, value, detail);
    }
    case 'minimum':
      return invalidValue(
        field,
        error.data,
        `must be greater than or equal to ${formatValue(params['limit'])}`,
      );
    case 'maximum':
      return invalidValue(
        field,
        error.data,
        `must be less than or equal to ${formatValue(params['limit'])}`,
      );
    default:
      return invalidValue(field, error.data, error.message ?? `failed ${error.keyword}`);
  }
}

/** Checks `object` against the schema of `kind`. */
export function checkSchema(kind: string, object: unknown): SchemaReport {
  const id = KIND_SCHEMA_IDS[kind];
  if (id === undefined) throw new Error(`no JSON Schema for kind ${kind}`);
  return checkSchemaAt(id, object);
}

/** Checks `object` against the schema with `$id` `id` (a served version's form, for instance). */
export function checkSchemaAt(id: string, object: unknown): SchemaReport {
  const validate = validatorAt(id);
  const report: SchemaReport = { errors: [], unknownFields: [] };
  if (validate(object)) return report;
  for (const error of validate.errors ?? []) {
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      report.unknownFields.push(
        fieldPathOf(id, object, error.instancePath, String(params['additionalProperty'])),
      );
    } else if (error.keyword === 'required') {
      report.errors.push(
        required(fieldPathOf(id, object, error.instancePath, String(params['missingProperty']))),
      );
    } else {
      report.errors.push(translate(error, fieldPathOf(id, object, error.instancePath)));
    }
  }
  return report;
}
