// Small helpers for JSON-shaped API objects: type guards, deep copy and
// equality, and the timestamps Kubernetes writes (RFC 3339, whole seconds).

import type { KubeObject } from '../api/types.js';

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for anything shaped like an API object: a record with a metadata record. */
export function isKubeObject(value: unknown): value is KubeObject {
  return isRecord(value) && isRecord(value['metadata']);
}

/** A deep copy of a JSON value (objects handed to and from callers are never shared). */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of JSON values; key order does not matter, array order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const aKeys = Object.keys(a).filter((k) => a[k] !== undefined);
    const bKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return aKeys.length === bKeys.length && aKeys.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** `2024-05-01T12:00:00Z`: Kubernetes' metav1.Time is RFC 3339 with whole seconds. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
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
