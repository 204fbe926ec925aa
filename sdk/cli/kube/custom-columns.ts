// kubectl's `-o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image`:
// a header per column, a row per object, each cell the matches of its
// JSONPath joined by commas, `<none>` when nothing matches. Maps and lists
// print as Go prints them there (`map[app:web]`, `[80 443]`), as kubectl does.

import { jsonPathMatches, TemplateError } from './jsonpath.js';

/** One column: its header and the path of its values. */
export interface CustomColumn {
  readonly header: string;
  readonly path: string;
}

/** Parses `HEADER:PATH,...`; a column without both parts is a TemplateError. */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.trim() === '')
    throw new TemplateError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) {
      throw new TemplateError(
        `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`,
      );
    }
    // kubectl accepts `{.path}` and `path` as well as `.path`.
    const path = part.slice(colon + 1).replace(/^\{(.*)\}$/, '$1');
    return { header: part.slice(0, colon), path };
  });
}

/** The cells of `objects` under `columns` (header row first unless `headers` is false). */
export function customColumnRows(
  columns: readonly CustomColumn[],
  objects: readonly unknown[],
  headers: boolean,
): string[][] {
  const rows = objects.map((object) =>
    columns.map((column) => {
      const values = jsonPathMatches(column.path, object).filter(
        (v) => v !== undefined && v !== null,
      );
      return values.length === 0 ? '<none>' : values.map(goValue).join(',');
    }),
  );
  return headers ? [columns.map((column) => column.header), ...rows] : rows;
}

/** A JSON value as Go's `%v` prints its decoded form: maps with sorted keys. */
function goValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, v]) => `${k}:${goValue(v)}`).join(' ')}]`;
  }
  return value === null ? '<nil>' : String(value);
}
