// Fetching what resource arguments select: each named object (failures
// collected, so the others still print), or the list of a type in a scope.

import { apiVersionOf, type ResourceType } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import type { HttpClusterApi } from '../../client/index.js';
import type { ResourceSelection } from './resource-args.js';

/** Where and what to list: `namespace` undefined means every namespace (`-A`). */
export interface Scope {
  readonly namespace: string | undefined;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** The namespace to send for `selection`: its own, else the scope's; none for cluster-scoped types. */
export function namespaceFor(selection: ResourceSelection, scope: Scope): string | undefined {
  return selection.type.namespaced ? (selection.namespace ?? scope.namespace) : undefined;
}

/** `object` with apiVersion and kind (list items of Kubernetes' typed lists have neither). */
export function withTypeMeta(object: KubeObject, type: ResourceType): KubeObject {
  return {
    ...object,
    apiVersion: object.apiVersion || apiVersionOf(type),
    kind: object.kind || type.kind,
  };
}

/** What a selection fetched, and the failures of the named objects that could not be. */
export interface Fetched {
  readonly objects: KubeObject[];
  readonly errors: unknown[];
  /** The list's resourceVersion (lists only), to watch from. */
  readonly resourceVersion?: string;
}

/** kubectl's --chunk-size: lists are read this many objects a request (0: all at once). */
export const DEFAULT_CHUNK_SIZE = 500;

/**
 * Reads a list a page at a time (`limit`/`continue`, all pages at the first
 * page's revision, as kubectl reads them) and returns the pages in order.
 */
export async function readPages<P extends { metadata: { continue?: string } }>(
  read: (page: { limit?: number; continue?: string }) => Promise<P>,
  chunkSize: number,
): Promise<[P, ...P[]]> {
  const pages: [P, ...P[]] = [await read(chunkSize > 0 ? { limit: chunkSize } : {})];
  for (let next = pages[0].metadata.continue; next;) {
    const page = await read({ limit: chunkSize, continue: next });
    pages.push(page);
    next = page.metadata.continue;
  }
  return pages;
}

/** The objects of `selection` in `scope`. A failed list throws; failed gets are collected. */
export async function fetchObjects(
  api: HttpClusterApi,
  selection: ResourceSelection,
  scope: Scope,
  chunkSize = DEFAULT_CHUNK_SIZE,
): Promise<Fetched> {
  const client = api.resource(selection.type);
  const namespace = namespaceFor(selection, scope);
  if (selection.names.length === 0) {
    const pages = await readPages(
      (page) =>
        client.list({
          namespace,
          labelSelector: scope.labelSelector,
          fieldSelector: scope.fieldSelector,
          ...page,
        }),
      chunkSize,
    );
    return {
      objects: pages.flatMap((list) =>
        list.items.map((item) => withTypeMeta(item, selection.type)),
      ),
      errors: [],
      resourceVersion: pages[0].metadata.resourceVersion,
    };
  }
  const objects: KubeObject[] = [];
  const errors: unknown[] = [];
  for (const name of selection.names) {
    try {
      objects.push(withTypeMeta(await client.get(name, { namespace }), selection.type));
    } catch (error) {
      errors.push(error);
    }
  }
  return { objects, errors };
}
