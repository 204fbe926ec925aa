// Field errors worded as apimachinery's field.Error prints them, so that
// `kubectl` users read the messages they know: `<field>: Invalid value:
// 70000: must be between 1 and 65535, inclusive`, `<field>: Required value`.
// Paths are built as Kubernetes' field.Path prints them: `spec.containers[0]`,
// `metadata.labels[app]`.

import type { FieldError } from '../errors.js';

/** Kubernetes' `metav1.CauseType` values for field errors. */
export type FieldErrorReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueNotFound'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong';

/** `path.child(...)`: `spec` + `containers` = `spec.containers`. */
export function child(path: string, ...names: readonly string[]): string {
  return names.reduce((p, name) => (p === '' ? name : `${p}.${name}`), path);
}

/** `path.index(i)`: `spec.containers[0]`. */
export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** `path.key(k)`: `metadata.labels[app]` (map keys are printed as they are). */
export function key(path: string, k: string): string {
  return `${path}[${k}]`;
}

/**
 * A value as Go's field.Error shows it: numbers and booleans bare, strings
 * quoted, anything else as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/**
 * A string map as Go's `%#v` prints one (`map[string]string{"app":"web"}`,
 * keys sorted; `map[string]string(nil)` when absent): how Kubernetes shows
 * label sets in messages.
 */
export function goStringMap(map: Readonly<Record<string, string>> | undefined): string {
  if (map === undefined) return 'map[string]string(nil)';
  const entries = Object.keys(map)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(map[k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

function withDetail(body: string, detail: string): string {
  return detail === '' ? body : `${body}: ${detail}`;
}

/** `Required value[: detail]`: a value that must be given is absent or empty. */
export function required(field: string, detail = ''): FieldError {
  return { field, reason: 'FieldValueRequired', message: withDetail('Required value', detail) };
}

/** `Invalid value: <value>: <detail>`: a malformed or out-of-range value. */
export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return {
    field,
    reason: 'FieldValueInvalid',
    message: withDetail(`Invalid value: ${formatValue(value)}`, detail),
  };
}

/** `Invalid value: <value>: <detail>` with reason FieldValueTypeInvalid: the JSON type is wrong. */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return {
    field,
    reason: 'FieldValueTypeInvalid',
    message: withDetail(`Invalid value: ${formatValue(value)}`, detail),
  };
}

/** `Unsupported value: "x": supported values: "a", "b"`: a value outside an enumeration. */
export function notSupported(
  field: string,
  value: unknown,
  supported: readonly string[],
): FieldError {
  const detail =
    supported.length === 0
      ? ''
      : `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}`;
  return {
    field,
    reason: 'FieldValueNotSupported',
    message: withDetail(`Unsupported value: ${formatValue(value)}`, detail),
  };
}

/** `Duplicate value: <value>`: a value that must be unique is repeated. */
export function duplicate(field: string, value: unknown): FieldError {
  return {
    field,
    reason: 'FieldValueDuplicate',
    message: `Duplicate value: ${formatValue(value)}`,
  };
}

/** `Not found: <value>`: a reference to something that does not exist (a volume, a container). */
export function notFound(field: string, value: unknown): FieldError {
  return { field, reason: 'FieldValueNotFound', message: `Not found: ${formatValue(value)}` };
}

/** `Forbidden: <detail>`: a valid value that is not allowed here. */
export function forbidden(field: string, detail: string): FieldError {
  return { field, reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail) };
}

/** `Too long: may not be more than <n> bytes` (the value itself is not shown). */
export function tooLong(field: string, maxLength: number): FieldError {
  const unit = maxLength === 1 ? 'byte' : 'bytes';
  return {
    field,
    reason: 'FieldValueTooLong',
    message: `Too long: may not be more than ${maxLength} ${unit}`,
  };
}

/** One FieldValueInvalid per message, as Kubernetes reports each failed rule of a value. */
export function invalidEach(
  field: string,
  value: unknown,
  messages: readonly string[],
): FieldError[] {
  return messages.map((m) => invalidValue(field, value, m));
}

/** `must be greater than or equal to 0` for a negative number (ValidateNonnegativeField). */
export function nonNegative(field: string, value: number | undefined): FieldError[] {
  return value !== undefined && value < 0
    ? [invalidValue(field, value, 'must be greater than or equal to 0')]
    : [];
}
