// `kubectl get`'s tables from the server's `Table`: the columns of priority 0
// (all with -o wide), upper-case headers, NAMESPACE first with -A, `kind/`
// before the first cell when several types print, a column per -L label and
// LABELS with --show-labels; aligned as kubectl's tabwriter does (3 spaces of
// padding, columns at least 6 wide, widths remembered across the rows of a
// watch).

import type { KubeObject } from '../../../controlplane/api/types.js';
import type { Table, TableColumnDefinition, TableRow } from '../../client/index.js';
import { ageOf } from './age.js';

/** How a table is printed (kubectl's print options). */
export interface TableView {
  /** Show the columns of priority > 0 too (`-o wide`). */
  readonly wide?: boolean;
  /** Put each row's namespace first (`-A`). */
  readonly withNamespace?: boolean;
  /**
   * Prefix the name cell (the column of format `name`) with `<kind>/`
   * (several types printed together), as kubectl does; nothing when that
   * column is not shown (an event's, outside -o wide).
   */
  readonly kindPrefix?: string;
  /** Label keys shown as columns of their own (`-L`). */
  readonly labelColumns?: readonly string[];
  /** Add a LABELS column. */
  readonly showLabels?: boolean;
}

/** The columns to show of `columns`. */
export function visibleColumns(
  columns: readonly TableColumnDefinition[],
  view: TableView,
): TableColumnDefinition[] {
  return columns.filter((column) => view.wide || !column.priority);
}

/** Headers of a table printed with `view`. */
export function tableHeaders(columns: readonly TableColumnDefinition[], view: TableView): string[] {
  const headers = visibleColumns(columns, view).map((column) => column.name.toUpperCase());
  if (view.withNamespace) headers.unshift('NAMESPACE');
  // kubectl titles -L columns with the key's last path segment, upper-cased.
  for (const key of view.labelColumns ?? [])
    headers.push(key.split('/').pop()?.toUpperCase() ?? key);
  if (view.showLabels) headers.push('LABELS');
  return headers;
}

/** The printed cells of each row of `rows` (cells of `columns`, in their order). */
export function tableCells(
  rows: readonly TableRow[],
  columns: readonly TableColumnDefinition[],
  view: TableView,
): string[][] {
  const shown = columns.flatMap((column, index) => (view.wide || !column.priority ? [index] : []));
  const nameCell = shown.findIndex((index) => columns[index]?.format === 'name');
  return rows.map((row) => {
    const cells = shown.map((index) => formatCell(row.cells[index]));
    if (view.kindPrefix && nameCell >= 0) cells[nameCell] = `${view.kindPrefix}/${cells[nameCell]}`;
    const metadata = row.object?.metadata;
    if (view.withNamespace) cells.unshift(metadata?.namespace ?? '');
    for (const key of view.labelColumns ?? []) cells.push(metadata?.labels?.[key] ?? '');
    if (view.showLabels) cells.push(formatLabels(metadata?.labels));
    return cells;
  });
}

/** A cell as kubectl prints it: strings as they are, `<none>` for nothing. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '<none>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** `a=1,b=2` (sorted), or `<none>`. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([key, value]) => `${key}=${value}`).join(',') : '<none>';
}

/**
 * The Table a server without tables would have sent: NAME and AGE, as
 * Kubernetes' default table convertor renders any resource.
 */
export function defaultTable(
  objects: readonly KubeObject[],
  resourceVersion = '',
  now = Date.now(),
): Table {
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    metadata: { resourceVersion },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name of the object' },
      { name: 'Age', type: 'string', description: 'Time since the object was created' },
    ],
    rows: objects.map((object) => ({
      cells: [object.metadata.name ?? '', ageOf(object.metadata.creationTimestamp, now)],
      object: { apiVersion: object.apiVersion, kind: object.kind, metadata: object.metadata },
    })),
  };
}

/** Terminal columns a cell takes (Go's tabwriter counts runes). */
function width(cell: string): number {
  return [...cell].length;
}

/**
 * Aligned lines, remembering column widths across calls (kubectl's
 * `tabwriter.NewWriter(out, 6, 4, 3, ' ', tabwriter.RememberWidths)`): a
 * column is as wide as its widest cell plus 3, at least 6; the last cell of a
 * line is not padded.
 */
export class TableWriter {
  private widths: number[] = [];

  /** `lines` aligned with every line written before; each line ends with `\n`. */
  format(lines: readonly (readonly string[])[]): string {
    for (const cells of lines) {
      cells.slice(0, -1).forEach((cell, column) => {
        this.widths[column] = Math.max(this.widths[column] ?? 6, width(cell) + 3);
      });
    }
    return lines
      .map(
        (cells) =>
          cells
            .map((cell, column) =>
              column < cells.length - 1
                ? cell + ' '.repeat(Math.max(0, (this.widths[column] ?? 0) - width(cell)))
                : cell,
            )
            .join('') + '\n',
      )
      .join('');
  }
}
