// `wasi:http/types.fields`: headers and trailers. Fields a guest constructs are
// mutable; fields it obtains from a request or response are immutable views
// (WASI: set/append/delete fail with `immutable`).

import type {
  FieldName,
  FieldValue,
  Fields as FieldsApi,
  HeaderError,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import { failWith } from '../wit.js';
import { isForbiddenFieldName, isValidFieldName, isValidFieldValue } from './field-rules.js';

/** One header line: a lower-case name and its value. */
export type FieldEntry = readonly [name: string, value: Uint8Array];

const INVALID_SYNTAX: HeaderError = Object.freeze({ tag: 'invalid-syntax' });
const FORBIDDEN: HeaderError = Object.freeze({ tag: 'forbidden' });
const IMMUTABLE: HeaderError = Object.freeze({ tag: 'immutable' });

/** The lower-cased name, after checking that a guest may use it with these values. */
function checkedName(name: string, values: readonly Uint8Array[]): string {
  if (!isValidFieldName(name) || !values.every(isValidFieldValue)) failWith(INVALID_SYNTAX);
  if (isForbiddenFieldName(name)) failWith(FORBIDDEN);
  return name.toLowerCase();
}

/** A `fields` resource. */
export class Fields implements FieldsApi {
  #entries: FieldEntry[] = [];
  #immutable = false;

  /** An empty, mutable set of fields (the WIT constructor). */
  constructor() {}

  /**
   * Host side: fields holding `entries` as they are (names must be lower-case
   * already; they are not checked), immutable unless said otherwise.
   */
  static fromHost(entries: Iterable<FieldEntry>, options: { mutable?: boolean } = {}): Fields {
    const fields = new Fields();
    fields.#entries = Array.from(entries, ([name, value]): FieldEntry => [name, value]);
    fields.#immutable = options.mutable !== true;
    return fields;
  }

  /** Mutable fields from a guest's list; fails with `invalid-syntax` or `forbidden`. */
  static fromList(entries: [FieldName, FieldValue][]): Fields {
    const checked = entries.map(([name, value]): FieldEntry => [checkedName(name, [value]), value]);
    return Fields.fromHost(checked, { mutable: true });
  }

  /** Every value of `name`, in order (none for an invalid or absent name). */
  get(name: FieldName): FieldValue[] {
    const key = name.toLowerCase();
    return this.#entries.filter(([n]) => n === key).map(([, value]) => value);
  }

  /** True when `name` has at least one value. */
  has(name: FieldName): boolean {
    const key = name.toLowerCase();
    return this.#entries.some(([n]) => n === key);
  }

  /** Replaces all values of `name` with `values`. */
  set(name: FieldName, values: FieldValue[]): void {
    this.#assertMutable();
    const key = checkedName(name, values);
    this.#entries = this.#entries.filter(([n]) => n !== key);
    for (const value of values) this.#entries.push([key, value]);
  }

  /** Removes every value of `name`. */
  delete(name: FieldName): void {
    this.#assertMutable();
    const key = checkedName(name, []);
    this.#entries = this.#entries.filter(([n]) => n !== key);
  }

  /** Adds a value to `name`, after any existing ones. */
  append(name: FieldName, value: FieldValue): void {
    this.#assertMutable();
    this.#entries.push([checkedName(name, [value]), value]);
  }

  /** Every header line, in order; a name with several values appears several times. */
  entries(): [FieldName, FieldValue][] {
    return this.#entries.map(([name, value]): [string, Uint8Array] => [name, value]);
  }

  /** A mutable deep copy. */
  clone(): Fields {
    return Fields.fromHost(this.#copy(), { mutable: true });
  }

  /** Host side: an immutable copy, as handed out by a request's or response's `headers()`. */
  frozenCopy(): Fields {
    return Fields.fromHost(this.#copy());
  }

  /** Host side: the header lines, for sending. */
  toEntries(): readonly FieldEntry[] {
    return this.#copy();
  }

  #copy(): FieldEntry[] {
    return this.#entries.map(([name, value]): FieldEntry => [name, value.slice()]);
  }

  #assertMutable(): void {
    if (this.#immutable) failWith(IMMUTABLE);
  }
}
