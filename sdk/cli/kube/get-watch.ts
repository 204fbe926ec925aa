// `skiff get -w`: after the first listing, one line (or document) per watch
// event, until the server ends the watch or the user interrupts. Tables
// arrive as one-row Tables; from a server that sends plain objects in
// watches, the row is asked for (or, for a deletion, the last row seen reused).

import { ApiError } from '../../../controlplane/api/errors.js';
import type { KubeObject, Status } from '../../../controlplane/api/types.js';
import {
  isTable,
  type Table,
  type TableColumnDefinition,
  type TableRow,
} from '../../client/index.js';
import { CliError } from '../cli-error.js';
import type { KubeContext } from '../commands/kube-context.js';
import { namespaceFor, withTypeMeta, type Scope } from './fetch.js';
import { asTable } from './get-tables.js';
import { withoutManagedFields, type ObjectPrinter } from './object-printer.js';
import type { ResourceSelection } from './resource-args.js';
import {
  defaultTable,
  tableCells,
  tableHeaders,
  type TableView,
  type TableWriter,
} from './table-printer.js';

/**
 * How the first listing was printed, so that the events print alike; the
 * resourceVersion it was read at (absent: watch from now, `--watch-only`).
 */
export type WatchPrinting =
  | {
      readonly printer: ObjectPrinter;
      readonly resourceVersion?: string;
      readonly showManagedFields?: boolean;
    }
  | {
      readonly printer?: undefined;
      readonly view: TableView;
      readonly columns: readonly TableColumnDefinition[];
      readonly writer: TableWriter;
      readonly headerPrinted: boolean;
      readonly resourceVersion?: string;
    };

/** Follows the watch of `selection` from `printing.resourceVersion`, printing each event. */
export async function watchSelection(
  context: KubeContext,
  selection: ResourceSelection,
  scope: Scope,
  printing: WatchPrinting,
): Promise<void> {
  if (selection.names.length > 1)
    throw new CliError(
      `watch is only supported on individual resources and resource collections, but ${selection.names.length} resources were found`,
    );
  const name = selection.names[0];
  const fieldSelector = [scope.fieldSelector, name ? `metadata.name=${name}` : undefined]
    .filter(Boolean)
    .join(',');
  const options = {
    namespace: namespaceFor(selection, scope),
    labelSelector: scope.labelSelector,
    fieldSelector: fieldSelector || undefined,
    resourceVersion: printing.resourceVersion,
  };
  const client = context.api.resource(selection.type);
  // The user ends a watch with Ctrl-C, which ends the process; nothing else aborts it.
  const signal = new AbortController().signal;

  if (printing.printer !== undefined) {
    for await (const event of client.watch(options, signal)) {
      if (event.type === 'BOOKMARK') continue;
      if (event.type === 'ERROR') throw new ApiError(event.object as Status);
      const object = withTypeMeta(event.object as KubeObject, selection.type);
      const shown = printing.showManagedFields ? object : withoutManagedFields(object);
      process.stdout.write(printing.printer.print(shown, selection.type));
    }
    return;
  }

  let columns = printing.columns;
  let headerPrinted = printing.headerPrinted;
  const lastRows = new Map<string, TableRow>();
  for await (const event of client.watchTable({ ...options, includeObject: 'Metadata' }, signal)) {
    if (event.type === 'BOOKMARK') continue;
    if (event.type === 'ERROR') throw new ApiError(event.object as Status);
    let table: Table;
    if (isTable(event.object)) table = event.object;
    else {
      const object = event.object as KubeObject;
      const key = `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
      const last = lastRows.get(key);
      table =
        event.type === 'DELETED' && last
          ? { ...defaultTable([]), columnDefinitions: columns, rows: [last] }
          : await client
              .getTable(object.metadata.name ?? '', {
                namespace: object.metadata.namespace,
                includeObject: 'Metadata',
              })
              .then(asTable, () => defaultTable([object]));
    }
    if (table.columnDefinitions?.length) columns = table.columnDefinitions;
    for (const row of table.rows) {
      const metadata = row.object?.metadata;
      if (metadata) lastRows.set(`${metadata.namespace ?? ''}/${metadata.name ?? ''}`, row);
    }
    const lines = tableCells(table.rows, columns, printing.view);
    if (!headerPrinted && lines.length > 0) {
      lines.unshift(tableHeaders(columns, printing.view));
      headerPrinted = true;
    }
    process.stdout.write(printing.writer.format(lines));
  }
}
