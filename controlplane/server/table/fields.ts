// Safe reads of untyped JSON objects: the table printers look at fields of
// stored objects of every kind without trusting their shape (a missing or
// mistyped field prints as kubectl would print it absent).

/** A JSON object, or an empty one for anything else. */
export function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The JSON objects of an array (others skipped), or none. */
export function records(value: unknown): readonly Readonly<Record<string, unknown>>[] {
  return Array.isArray(value)
    ? value.filter((v) => typeof v === 'object' && v !== null).map(record)
    : [];
}

/** A string field, or '' when absent or not a string. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A numeric field, or undefined. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A string map (labels, selectors, data), or an empty one. */
export function stringMap(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === 'string') out[key] = v;
  return out;
}

/** Reads `path` (dot-separated) below `value`. */
export function at(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) current = record(current)[key];
  return current;
}

/** `<none>`, as kubectl prints an empty value. */
export const NONE = '<none>';

/** The value, or `<none>` when empty. */
export function orNone(value: string): string {
  return value === '' ? NONE : value;
}
