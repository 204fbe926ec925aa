// How the LMDB store writes its records (layout 2): JSON text, with the value
// embedded as the JSON it was written as.
//
//   data record   [revision,createRevision,<value>]
//   log entry     ["ADDED",key,revision,createRevision,<value>]
//                 ["MODIFIED",key,revision,createRevision,<value>,previousRevision,<previous>]
//                 ["DELETED",key,revision,createRevision,previousRevision,<previous>]
//
// Why text: a write serialises its value once (JSON.stringify, native) and
// puts those characters in both records; the value before an update goes
// into the log entry as the characters read from the data record, never
// decoded and re-encoded. With msgpack (layout 1) each write encoded the
// value twice and, with record structures not shared between values, spent
// ~30 µs of the main thread per pod create doing it (measured).

import type { LogEntry } from './log-entry.js';

/** A data record whose value is still text: what a write needs of the key's current state. */
export interface RecordText {
  readonly revision: number;
  readonly createRevision: number;
  /** The value as JSON. */
  readonly valueJson: string;
}

/** A data record decoded. */
export interface DataRecord {
  readonly value: unknown;
  readonly revision: number;
  readonly createRevision: number;
}

/** The text of a data record. */
export function encodeRecord(revision: number, createRevision: number, valueJson: string): string {
  return `[${revision},${createRevision},${valueJson}]`;
}

/** Reads a data record's revisions and cuts out its value's JSON without parsing it. */
export function splitRecord(text: string): RecordText {
  const first = text.indexOf(',');
  const second = text.indexOf(',', first + 1);
  if (text[0] !== '[' || first < 0 || second < 0 || text[text.length - 1] !== ']') {
    throw new Error(`malformed data record: ${text.slice(0, 40)}`);
  }
  return {
    revision: Number(text.slice(1, first)),
    createRevision: Number(text.slice(first + 1, second)),
    valueJson: text.slice(second + 1, -1),
  };
}

/** A data record decoded (the value freshly parsed: the caller's). */
export function decodeRecord(text: string): DataRecord {
  const [revision, createRevision, value] = JSON.parse(text) as [number, number, unknown];
  return { value, revision, createRevision };
}

/** What a log entry is written from: the write's revisions, its value's JSON, and the key's previous state. */
export interface LogEntryText {
  readonly key: string;
  readonly revision: number;
  readonly createRevision: number;
  /** The new value's JSON; undefined for a delete. */
  readonly valueJson: string | undefined;
  /** The key's record before the write; undefined when it was absent. */
  readonly previous: RecordText | undefined;
}

/** The text of the log entry of a write. */
export function encodeLogEntry(entry: LogEntryText): string {
  const { revision, createRevision, valueJson, previous } = entry;
  const key = JSON.stringify(entry.key);
  if (previous === undefined) {
    if (valueJson === undefined)
      throw new Error(`a delete of ${entry.key} without a previous value`);
    return `["ADDED",${key},${revision},${createRevision},${valueJson}]`;
  }
  const before = `${previous.revision},${previous.valueJson}`;
  if (valueJson === undefined) return `["DELETED",${key},${revision},${createRevision},${before}]`;
  return `["MODIFIED",${key},${revision},${createRevision},${valueJson},${before}]`;
}

/** A log entry decoded (values freshly parsed). */
export function decodeLogEntry(text: string): LogEntry {
  const fields = JSON.parse(text) as unknown[];
  const [type, key, revision, createRevision] = fields as [string, string, number, number];
  switch (type) {
    case 'ADDED':
      return { type, key, revision, createRevision, value: fields[4] };
    case 'MODIFIED':
      return {
        type,
        key,
        revision,
        createRevision,
        value: fields[4],
        previousRevision: fields[5] as number,
        previous: fields[6],
      };
    case 'DELETED':
      return {
        type,
        key,
        revision,
        createRevision,
        previousRevision: fields[4] as number,
        previous: fields[5],
      };
    default:
      throw new Error(`malformed log entry of ${key}: type ${String(type)}`);
  }
}
