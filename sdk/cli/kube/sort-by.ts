// `get --sort-by=JSONPATH`: objects (or table rows, by the object each
// carries) in the order of one field, as kubectl sorts them: numbers by
// value, strings (timestamps included: RFC 3339 sorts as text) by their
// characters, false before true, objects without the field first; ties keep
// the server's order.

import { CliError } from '../cli-error.js';
import { jsonPathMatches } from './jsonpath.js';

/** `{.metadata.name}` or kubectl's relaxed `.metadata.name`, as a path. */
function pathOf(expression: string): string {
  const trimmed = expression.trim();
  const path = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1) : trimmed;
  if (path.trim() === '') throw new CliError('--sort-by needs a JSONPath expression');
  return path;
}

/**
 * `items` sorted by the field `expression` leads to in `objectOf(item)`; a
 * CliError, as kubectl's, when no item has it.
 */
export function sortByField<T>(
  items: readonly T[],
  objectOf: (item: T) => unknown,
  expression: string,
): T[] {
  const path = pathOf(expression);
  const keyed = items.map((item, index) => ({
    item,
    index,
    key: jsonPathMatches(path, objectOf(item))[0],
  }));
  if (keyed.length > 0 && keyed.every(({ key }) => key === undefined))
    throw new CliError(`couldn't find any field with path "{${path}}" in the list of objects`);
  keyed.sort((a, b) => compareKeys(a.key, b.key) || a.index - b.index);
  return keyed.map(({ item }) => item);
}

/** The order of two field values: absent first, then by kind, then by value. */
function compareKeys(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const [x, y] = [textOf(a), textOf(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
