// The Tables `skiff get` prints: asked of the server (kubectl's columns), or
// NAME and AGE built here from the objects when the server sends none.

import type { KubeObject } from '../../../controlplane/api/types.js';
import { isTable, type HttpClusterApi, type Table } from '../../client/index.js';
import { DEFAULT_CHUNK_SIZE, namespaceFor, readPages, type Scope } from './fetch.js';
import type { ResourceSelection } from './resource-args.js';
import { defaultTable } from './table-printer.js';

/** A selection's rows in one Table, and the failures of named objects that could not be fetched. */
export interface FetchedTable {
  readonly table: Table;
  readonly errors: unknown[];
}

/** `answer` as a Table: itself, or the default one of the object or list it is. */
export function asTable(
  answer: Table | KubeObject | { items: KubeObject[]; metadata: { resourceVersion?: string } },
): Table {
  if (isTable(answer)) return answer;
  if ('items' in answer && Array.isArray(answer.items))
    return defaultTable(answer.items, answer.metadata.resourceVersion);
  return defaultTable([answer as KubeObject]);
}

/**
 * The Table of `selection` in `scope`, each row carrying its object's metadata
 * (or the whole object, for sorting by any field). A failed list throws;
 * failed gets are collected.
 */
export async function fetchTable(
  api: HttpClusterApi,
  selection: ResourceSelection,
  scope: Scope,
  includeObject: 'Metadata' | 'Object' = 'Metadata',
  chunkSize = DEFAULT_CHUNK_SIZE,
): Promise<FetchedTable> {
  const client = api.resource(selection.type);
  const namespace = namespaceFor(selection, scope);
  if (selection.names.length === 0) {
    const pages = await readPages(async (page) => {
      const answer = await client.listTable({
        namespace,
        labelSelector: scope.labelSelector,
        fieldSelector: scope.fieldSelector,
        includeObject,
        ...page,
      });
      // A server without Tables answers with the list, whose continue the default Table keeps.
      const table = asTable(answer);
      return { ...table, metadata: { ...table.metadata, continue: answer.metadata.continue } };
    }, chunkSize);
    // The columns come with the first page; the revision to watch from is the first page's.
    const [first] = pages;
    const table: Table = {
      ...first,
      metadata: { resourceVersion: first.metadata.resourceVersion },
      rows: pages.flatMap((page) => page.rows),
    };
    return { table, errors: [] };
  }
  const tables: Table[] = [];
  const errors: unknown[] = [];
  for (const name of selection.names) {
    try {
      tables.push(asTable(await client.getTable(name, { namespace, includeObject })));
    } catch (error) {
      errors.push(error);
    }
  }
  const first = tables[0];
  const table: Table = {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'Table',
    // Watching one named object starts from the version just printed.
    metadata: {
      resourceVersion:
        first?.metadata.resourceVersion || first?.rows[0]?.object?.metadata?.resourceVersion,
    },
    columnDefinitions: first?.columnDefinitions ?? [],
    rows: tables.flatMap((t) => t.rows),
  };
  return { table, errors };
}
