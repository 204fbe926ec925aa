// Small helpers for JSON-shaped API objects: type guards, deep copy and
// equality, and the timestamps Kubernetes writes (RFC 3339, whole seconds).

import { copyJson, deepEqual, isRecord, rfc3339 } from '../api/json-values.js';
import type { KubeObject } from '../api/types.js';

// The API package's JSON helpers, for the services' modules to import from one place.
export { deepEqual, isRecord, rfc3339 };

/** True for anything shaped like an API object: a record with a metadata record. */
export function isKubeObject(value: unknown): value is KubeObject {
  return isRecord(value) && isRecord(value['metadata']);
}

/** A deep copy of a JSON value (objects handed to and from callers are never shared). */
export function clone<T>(value: T): T {
  return copyJson(value);
}

/** The record at `object[key]`, created empty when absent or not a record. */
export function recordAt(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = object[key];
  if (isRecord(existing)) return existing;
  const created: Record<string, unknown> = {};
  object[key] = created;
  return created;
}

/** `object.a.b.c` as a string, when every step exists and the leaf is a string, number or boolean. */
export function stringAt(object: unknown, path: readonly string[]): string | undefined {
  let current: unknown = object;
  for (const step of path) {
    if (!isRecord(current)) return undefined;
    current = current[step];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return undefined;
}
