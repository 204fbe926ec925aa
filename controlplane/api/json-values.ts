// Helpers for JSON-shaped values (decoded request bodies, stored objects),
// shared by validation, defaulting and selectors.

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy of a JSON value (records, arrays, scalars; an `undefined` field
 * stays). Written out because it is ~5× faster than structuredClone on API
 * objects, and a write copies its object several times.
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = copyJson(value[i] as unknown);
    return items as T;
  }
  const copy: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  // for…in over own keys: Object.entries would double the cost.
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    // JSON.parse makes `__proto__` an own field; an assignment would set the prototype.
    if (key === '__proto__') {
      Object.defineProperty(copy, key, {
        value: copyJson(record[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else copy[key] = copyJson(record[key]);
  }
  return copy as T;
}

/** Structural equality of JSON values; key order does not matter, array order does, absent equals undefined. */
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

/** The JSON type name of a value as OpenAPI says it: `integer` for whole numbers. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

// The last stamp made: every create of one second stamps the same string.
let lastSecond = Number.NaN;
let lastStamp = '';

/** `2024-05-01T12:00:00Z`: Kubernetes' metav1.Time is RFC 3339 with whole seconds. */
export function rfc3339(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second === lastSecond) return lastStamp;
  const iso = date.toISOString();
  // `YYYY-MM-DDTHH:mm:ss.sssZ` for years 0-9999 (a slice, not a regex);
  // `±YYYYYY-…` beyond.
  const stamp = iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
  lastSecond = second;
  lastStamp = stamp;
  return stamp;
}
