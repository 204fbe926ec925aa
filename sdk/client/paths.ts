// Where each resource lives on a Kubernetes API server, and the query strings
// of list, watch and write calls, with Kubernetes' parameter names.

import type {
  ListOptions,
  WatchOptions,
  WriteOptions,
} from '../../controlplane/api/cluster-api.js';
import type { ResourceType, Subresource } from '../../controlplane/api/resources.js';

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
}

/**
 * `/api/v1/namespaces/<ns>/pods[/<name>[/<subresource>]]`. `namespace` is
 * ignored for cluster-scoped types; for namespaced ones, absent or '' means
 * the collection across all namespaces (`/api/v1/pods`).
 */
export function resourcePath(
  type: ResourceType,
  namespace: string | undefined,
  name?: string,
  subresource?: Subresource,
): string {
  let path = groupVersionPath(type);
  if (type.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${type.plural}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) path += `/${subresource}`;
  return path;
}

/** Query parameters; undefined values are left out, an array repeats its key (`command=ls&command=-l`). */
export type Query = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>;

/** The query of a list call. */
export function listQuery(options: ListOptions): Query {
  return {
    labelSelector: options.labelSelector || undefined,
    fieldSelector: options.fieldSelector || undefined,
    limit: options.limit,
    continue: options.continue || undefined,
    resourceVersion: options.resourceVersion || undefined,
    resourceVersionMatch: options.resourceVersionMatch,
  };
}

/** The query of a watch call: a list query with `watch=1` (a watch takes no resourceVersionMatch). */
export function watchQuery(options: WatchOptions): Query {
  return {
    ...listQuery(options),
    resourceVersionMatch: undefined,
    watch: 1,
    allowWatchBookmarks: options.allowWatchBookmarks || undefined,
    timeoutSeconds: options.timeoutSeconds,
  };
}

/** The query of create, update and patch. */
export function writeQuery(options: WriteOptions): Query {
  return {
    dryRun: options.dryRun,
    fieldManager: options.fieldManager,
    force: options.force,
  };
}

/** `?a=1&b=x` (or '') from the defined values of `query`. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value))
      for (const item of value as readonly string[]) params.append(key, item);
    else if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
