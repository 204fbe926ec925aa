// Request bodies in Kubernetes' protobuf encoding
// (application/vnd.kubernetes.protobuf), as kubectl's typed commands send
// them, read into the JSON objects the rest of the API handles.
//
// A body is "k8s\0" and a runtime.Unknown {1: TypeMeta {1: apiVersion,
// 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}, raw being the
// object's message. Go writes every field that is not a pointer, zero or
// not; a zero of a field not in messages.ts is skipped (it says nothing),
// anything else not in messages.ts is refused with 415 naming the field, so
// no value a client sent is silently dropped.

import protobuf from 'protobufjs/minimal.js';
import { ApiError, badRequest, failure } from '../../api/errors.js';
import { rfc3339 } from '../../api/json-values.js';
import type { FieldSpec, MessageName, ScalarType } from './messages.js';
import { MESSAGES, TOP_LEVEL_KINDS } from './messages.js';

type Reader = protobuf.Reader;

/** The prefix of every Kubernetes protobuf object: "k8s" and a zero byte. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const SEND_JSON = 'send it as JSON or YAML (`kubectl create -f` or `kubectl apply -f`)';

function notRead(what: string): ApiError {
  return new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `${what} is not read from protobuf by Skiff; ${SEND_JSON}`,
    ),
  );
}

function malformed(detail: string): ApiError {
  return badRequest(`the protobuf body is malformed: ${detail}`);
}

/** A 64-bit wire value as a number (exact up to 2^53). */
function toNumber(value: protobuf.Long | number): number {
  if (typeof value === 'number') return value;
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return high * 2 ** 32 + (value.low >>> 0);
}

function isZeroLong(value: protobuf.Long | number): boolean {
  return typeof value === 'number' ? value === 0 : value.low === 0 && value.high === 0;
}

/** Reads the fields of one message up to `end`, handing each to `visit`. */
function eachField(
  reader: Reader,
  end: number,
  visit: (number: number, wire: number) => void,
): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    visit(tag >>> 3, tag & 7);
  }
  if (reader.pos !== end) throw malformed('a message runs past its length');
}

function expectWire(wire: number, expected: number, at: string): void {
  if (wire !== expected) throw malformed(`${at} has wire type ${wire}, expected ${expected}`);
}

/** The end of the length-delimited value that starts at the reader. */
function lengthEnd(reader: Reader, at: string): number {
  const end = reader.uint32() + reader.pos;
  if (end > reader.len) throw malformed(`${at} runs past the end of the body`);
  return end;
}

/** Passes over a field this decoder does not know; refuses it unless it holds a zero. */
function skipZero(reader: Reader, wire: number, number: number, at: string): void {
  let zero: boolean;
  if (wire === VARINT) zero = isZeroLong(reader.uint64());
  else if (wire === FIXED64) zero = isZeroLong(reader.fixed64());
  else if (wire === FIXED32) zero = reader.fixed32() === 0;
  else if (wire === LENGTH_DELIMITED) {
    const end = lengthEnd(reader, at);
    zero = end === reader.pos;
    reader.pos = end;
  } else throw malformed(`${at} has field ${number} of wire type ${wire}`);
  if (!zero) throw notRead(`field ${number} of ${at}`);
}

function readQuantity(reader: Reader, end: number, at: string): string {
  let quantity = '';
  eachField(reader, end, (number, wire) => {
    if (number === 1 && wire === LENGTH_DELIMITED) quantity = reader.string();
    else skipZero(reader, wire, number, at);
  });
  return quantity;
}

function readIntOrString(reader: Reader, end: number, at: string): number | string {
  let type = 0;
  let intValue = 0;
  let stringValue = '';
  eachField(reader, end, (number, wire) => {
    if (number === 1 && wire === VARINT) type = toNumber(reader.int64());
    else if (number === 2 && wire === VARINT) intValue = reader.int32();
    else if (number === 3 && wire === LENGTH_DELIMITED) stringValue = reader.string();
    else skipZero(reader, wire, number, at);
  });
  return type === 1 ? stringValue : intValue;
}

/** RFC 3339 in whole seconds (as metav1.Time writes JSON); undefined for the zero time. */
function readTime(reader: Reader, end: number, at: string): string | undefined {
  let seconds = 0;
  eachField(reader, end, (number, wire) => {
    if (number === 1 && wire === VARINT) seconds = toNumber(reader.int64());
    else if (number === 2 && wire === VARINT) reader.int32();
    else skipZero(reader, wire, number, at);
  });
  return seconds === 0 ? undefined : rfc3339(new Date(seconds * 1000));
}

function readScalar(reader: Reader, wire: number, type: ScalarType, at: string): unknown {
  switch (type) {
    case 'string':
      expectWire(wire, LENGTH_DELIMITED, at);
      return reader.string();
    case 'bytes':
      expectWire(wire, LENGTH_DELIMITED, at);
      return Buffer.from(reader.bytes()).toString('base64');
    case 'bool':
      expectWire(wire, VARINT, at);
      return reader.bool();
    case 'int32':
      expectWire(wire, VARINT, at);
      return reader.int32();
    case 'int64': {
      expectWire(wire, VARINT, at);
      const value = toNumber(reader.int64());
      if (!Number.isSafeInteger(value)) throw malformed(`${at} is beyond 2^53`);
      return value;
    }
    case 'quantity':
    case 'intOrString':
    case 'time': {
      expectWire(wire, LENGTH_DELIMITED, at);
      const end = lengthEnd(reader, at);
      if (type === 'quantity') return readQuantity(reader, end, at);
      if (type === 'intOrString') return readIntOrString(reader, end, at);
      return readTime(reader, end, at);
    }
  }
}

function isMessageName(type: FieldSpec['type']): type is MessageName {
  return type in MESSAGES;
}

function readValue(reader: Reader, wire: number, type: FieldSpec['type'], at: string): unknown {
  if (!isMessageName(type)) return readScalar(reader, wire, type, at);
  expectWire(wire, LENGTH_DELIMITED, at);
  return readMessage(reader, lengthEnd(reader, at), type, at);
}

/** One entry of a map<string, …> field: {1: key, 2: value}. */
function readMapEntry(
  reader: Reader,
  wire: number,
  field: FieldSpec,
  at: string,
): [string, unknown] {
  expectWire(wire, LENGTH_DELIMITED, at);
  const end = lengthEnd(reader, at);
  let key = '';
  let value: unknown;
  eachField(reader, end, (number, entryWire) => {
    if (number === 1) {
      expectWire(entryWire, LENGTH_DELIMITED, at);
      key = reader.string();
    } else if (number === 2) value = readValue(reader, entryWire, field.type, `${at}[${key}]`);
    else skipZero(reader, entryWire, number, at);
  });
  // An entry whose value is empty leaves it out on the wire (map values here
  // are strings, bytes or quantities, all '' when empty).
  return [key, value ?? ''];
}

function isZeroScalar(value: unknown): boolean {
  return value === '' || value === 0 || value === false || value === undefined;
}

function readMessage(
  reader: Reader,
  end: number,
  name: MessageName,
  at: string,
): Record<string, unknown> {
  const spec = MESSAGES[name];
  const object: Record<string, unknown> = {};
  eachField(reader, end, (number, wire) => {
    const field = spec[number];
    if (field === undefined) return skipZero(reader, wire, number, at);
    if (field.map) {
      const [key, value] = readMapEntry(reader, wire, field, `${at}.${field.json}`);
      const entries = (object[field.json] ??= {}) as Record<string, unknown>;
      entries[key] = value;
    } else if (field.repeated) {
      const items = (object[field.json] ??= []) as unknown[];
      items.push(readValue(reader, wire, field.type, `${at}.${field.json}[${items.length}]`));
    } else if (field.inline) {
      Object.assign(object, readValue(reader, wire, field.type, at));
    } else {
      const value = readValue(reader, wire, field.type, `${at}.${field.json}`);
      if (field.optional ? value !== undefined : !isZeroScalar(value)) object[field.json] = value;
    }
  });
  return object;
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function readEnvelope(reader: Reader): Envelope {
  const envelope: Envelope = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(),
    contentEncoding: '',
  };
  eachField(reader, reader.len, (number, wire) => {
    if (number === 1 && wire === LENGTH_DELIMITED) {
      eachField(reader, lengthEnd(reader, 'typeMeta'), (typeField, typeWire) => {
        if (typeField === 1 && typeWire === LENGTH_DELIMITED) envelope.apiVersion = reader.string();
        else if (typeField === 2 && typeWire === LENGTH_DELIMITED) envelope.kind = reader.string();
        else skipZero(reader, typeWire, typeField, 'typeMeta');
      });
    } else if (number === 2 && wire === LENGTH_DELIMITED) envelope.raw = reader.bytes();
    else if (number === 3 && wire === LENGTH_DELIMITED) envelope.contentEncoding = reader.string();
    else reader.skipType(wire);
  });
  return envelope;
}

/**
 * The object a Kubernetes protobuf body holds, as JSON (with its apiVersion
 * and kind). 400 when the bytes are not such a body; 415 naming the kind or
 * the field when it holds what Skiff does not read from protobuf.
 */
export function decodeKubernetesProtobuf(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length < MAGIC.length || !MAGIC.equals(bytes.subarray(0, MAGIC.length))) {
    throw malformed('it does not start with the "k8s\\0" prefix of Kubernetes objects');
  }
  try {
    const envelope = readEnvelope(protobuf.Reader.create(bytes.subarray(MAGIC.length)));
    const { apiVersion, kind } = envelope;
    if (envelope.contentEncoding !== '') {
      throw notRead(`a body in content encoding ${envelope.contentEncoding}`);
    }
    const name = TOP_LEVEL_KINDS.get(`${apiVersion}/${kind}`);
    if (name === undefined) throw notRead(`a ${kind || 'body without a kind'} (${apiVersion})`);
    const reader = protobuf.Reader.create(envelope.raw);
    return { apiVersion, kind, ...readMessage(reader, reader.len, name, kind) };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw malformed(error instanceof Error ? error.message : String(error));
  }
}
