// Builds bodies in Kubernetes' protobuf encoding for tests: the "k8s\0"
// envelope around a message, and messages from [field number, value] pairs.

import protobuf from 'protobufjs/minimal.js';

/** A field's value: text, a varint (number or bigint), a bool, or an encoded message or bytes. */
export type WireValue = string | number | bigint | boolean | Uint8Array;

/** A message of the given fields, in order (a repeated field is given once per item). */
export function message(...fields: ReadonlyArray<readonly [number, WireValue]>): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const [number, value] of fields) {
    if (typeof value === 'string') writer.uint32((number << 3) | 2).string(value);
    else if (value instanceof Uint8Array) writer.uint32((number << 3) | 2).bytes(value);
    else if (typeof value === 'boolean') writer.uint32(number << 3).bool(value);
    else writer.uint32(number << 3).int64(value.toString());
  }
  return writer.finish();
}

/** The body kubectl sends: "k8s\0" and a runtime.Unknown holding `raw`. */
export function kubeProtobuf(
  apiVersion: string,
  kind: string,
  raw: Uint8Array,
  contentEncoding = '',
): Buffer {
  const typeMeta = message([1, apiVersion], [2, kind]);
  const unknown = message([1, typeMeta], [2, raw], [3, contentEncoding]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}
