// JSON values and the two operations apply needs on them: deep equality, and
// RFC 7386 merge patches (the diff that turns one object into another).

import { sortKeys as sortJsonKeys } from '../../../controlplane/api/last-applied.js';

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  readonly [key: string]: Json;
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values (key order ignored, array order not). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => key in b && deepEqual(a[key], b[key]))
    );
  }
  return false;
}

/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`: changed and new
 * fields with their new values, removed ones as null, arrays whole. `{}` when
 * they are equal. `to` must hold no nulls of its own (a merge patch cannot set one).
 */
export function createMergePatch(from: JsonObject, to: JsonObject): JsonObject {
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    const old = from[key];
    if (deepEqual(old, value)) continue;
    patch[key] = isObject(old) && isObject(value) ? createMergePatch(old, value) : value;
  }
  return patch;
}

/** `value` with its keys sorted at every level, as Go's encoding/json writes maps. */
export function sortKeys(value: Json): Json {
  return sortJsonKeys(value) as Json;
}
