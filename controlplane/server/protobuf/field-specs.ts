// The vocabulary of the protobuf message tables (messages.ts and the files
// it gathers): the types a field may have, how a field is described, and
// short constructors that keep the tables readable.

import type { MessageName } from './messages.js';

/** Scalars, and the small messages whose JSON form is a scalar. */
export type ScalarType =
  | 'string'
  | 'bool'
  | 'int32'
  | 'int64'
  /** JSON: base64 (Go's []byte). */
  | 'bytes'
  /** resource.Quantity {1: string} → "100m". */
  | 'quantity'
  /** intstr.IntOrString {1: type, 2: intVal, 3: strVal} → 8080 or "http". */
  | 'intOrString'
  /** metav1.Time {1: seconds, 2: nanos} → RFC 3339; the zero time is absent. */
  | 'time';

/** One field of a message. */
export interface FieldSpec {
  /** The field's name in JSON. */
  readonly json: string;
  /** A scalar type, or the name of a message in MESSAGES. */
  readonly type: ScalarType | MessageName;
  /** A list (each occurrence on the wire is one item). */
  readonly repeated?: true;
  /** map<string, type>: each occurrence is an entry {1: key, 2: value}. */
  readonly map?: true;
  /**
   * An embedded struct in Go (`json:",inline"`): a message on the wire whose
   * fields JSON writes into the parent object.
   */
  readonly inline?: true;
  /**
   * A pointer in Go (`*int32`, `*bool`): present on the wire only when set,
   * so a zero value is kept. Other zero scalars are what Go writes for unset
   * fields, and JSON omits them.
   */
  readonly optional?: true;
}

/** A message: its fields by number. */
export type MessageSpec = Readonly<Record<number, FieldSpec>>;

export const s = (json: string): FieldSpec => ({ json, type: 'string' });
export const b = (json: string): FieldSpec => ({ json, type: 'bool' });
export const i32 = (json: string): FieldSpec => ({ json, type: 'int32' });
export const i64 = (json: string): FieldSpec => ({ json, type: 'int64' });
export const opt = (field: FieldSpec): FieldSpec => ({ ...field, optional: true });
export const list = (field: FieldSpec): FieldSpec => ({ ...field, repeated: true });
export const map = (json: string, type: FieldSpec['type']): FieldSpec => ({
  json,
  type,
  map: true,
});
export const msg = (json: string, type: MessageName): FieldSpec => ({ json, type });
export const inline = (type: MessageName): FieldSpec => ({ json: '', type, inline: true });
