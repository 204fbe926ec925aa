// ResourceClient over HTTP: each method is one Kubernetes REST call (see
// paths.ts for the URLs), plus the Table variants kubectl-style printers use.

import type {
  DeleteOptions,
  ListOptions,
  PatchType,
  ResourceClient,
  Scale,
  WatchOptions,
} from '../../controlplane/api/cluster-api.js';
import { PATCH_CONTENT_TYPES } from '../../controlplane/api/cluster-api.js';
import { badRequest } from '../../controlplane/api/errors.js';
import type { ResourceType } from '../../controlplane/api/resources.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../../controlplane/api/types.js';
import { listQuery, resourcePath, watchQuery, writeQuery } from './paths.js';
import { TABLE_ACCEPT, type Table } from './table.js';
import type { Transport } from './transport.js';
import { watchStream, type StreamedEvent } from './watch-stream.js';

/** What each Table row carries besides its cells (Kubernetes' `includeObject`). */
export interface TableOptions {
  /** `Metadata` (the server's default): the row's object is its PartialObjectMetadata. */
  readonly includeObject?: 'None' | 'Metadata' | 'Object';
}

/** A ResourceClient over HTTP, with the Table calls `skiff get` prints. */
export interface HttpResourceClient<T extends KubeObject = KubeObject> extends ResourceClient<T> {
  /** One object as a Table of one row; the object itself from a server that renders no tables. */
  getTable(
    name: string,
    options?: { readonly namespace?: string } & TableOptions,
  ): Promise<Table | T>;
  /** A list as a Table; the plain list from a server that renders no tables. */
  listTable(options?: ListOptions & TableOptions): Promise<Table | KubeList<T>>;
  /** A watch whose events carry one-row Tables (or objects, from a server without tables). */
  watchTable(
    options: WatchOptions & TableOptions,
    signal: AbortSignal,
  ): AsyncIterable<StreamedEvent<Table | T>>;
}

/** The HttpResourceClient of `type`; `defaultNamespace` serves single-object calls that name none. */
export function createResourceClient<T extends KubeObject>(
  transport: Transport,
  type: ResourceType,
  defaultNamespace = 'default',
): HttpResourceClient<T> {
  /** The namespace of a single-object call: explicit, else the object's, else the default. */
  const single = (...candidates: (string | undefined)[]) =>
    type.namespaced ? (candidates.find((ns) => ns) ?? defaultNamespace) : undefined;
  const path = (
    namespace: string | undefined,
    name?: string,
    sub?: 'status' | 'scale' | 'binding',
  ) => resourcePath(type, namespace, name, sub);
  const nameOf = (object: KubeObject, verb: string) => {
    const name = object.metadata?.name;
    if (!name) throw badRequest(`resource name may not be empty (${verb} ${type.plural})`);
    return name;
  };
  const tableQuery = (options: TableOptions) => ({ includeObject: options.includeObject });

  return {
    type,
    get(name, options = {}) {
      return transport.json<T>('GET', path(single(options.namespace), name));
    },
    list(options = {}) {
      return transport.json<KubeList<T>>('GET', path(options.namespace), {
        query: listQuery(options),
      });
    },
    create(object, options = {}) {
      return transport.json<T>(
        'POST',
        path(single(options.namespace, object.metadata?.namespace)),
        {
          query: writeQuery(options),
          body: object,
        },
      );
    },
    update(object, options = {}) {
      const ns = single(options.namespace, object.metadata?.namespace);
      return transport.json<T>('PUT', path(ns, nameOf(object, 'update')), {
        query: writeQuery(options),
        body: object,
      });
    },
    updateStatus(object, options = {}) {
      const ns = single(options.namespace, object.metadata?.namespace);
      return transport.json<T>('PUT', path(ns, nameOf(object, 'update'), 'status'), {
        query: writeQuery(options),
        body: object,
      });
    },
    patch(name, patch, patchType: PatchType, options = {}) {
      return transport.json<T>(
        'PATCH',
        path(single(options.namespace), name, options.subresource),
        {
          query: writeQuery(options),
          body: patch,
          contentType: PATCH_CONTENT_TYPES[patchType],
        },
      );
    },
    delete(name, options = {}) {
      return transport.json<T | Status>('DELETE', path(single(options.namespace), name), {
        body: deleteOptionsBody(options),
      });
    },
    deleteCollection(options = {}) {
      return transport.json<KubeList<T>>('DELETE', path(options.namespace), {
        query: listQuery(options),
        body: deleteOptionsBody(options),
      });
    },
    async *watch(options: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
      yield* watchStream<T>(
        transport,
        path(options.namespace),
        watchQuery(options),
        undefined,
        signal,
      );
    },
    getScale(name, options = {}) {
      return transport.json<Scale>('GET', path(single(options.namespace), name, 'scale'));
    },
    updateScale(name, scale, options = {}) {
      const ns = single(options.namespace, scale.metadata?.namespace);
      const body: Scale = {
        ...scale,
        metadata: { ...scale.metadata, name, ...(ns ? { namespace: ns } : {}) },
      };
      return transport.json<Scale>('PUT', path(ns, name, 'scale'), {
        query: writeQuery(options),
        body,
      });
    },
    bind(name, nodeName, options = {}) {
      const ns = single(options.namespace);
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, ...(ns ? { namespace: ns } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      return transport.json<Status>('POST', path(ns, name, 'binding'), {
        query: writeQuery(options),
        body: binding,
      });
    },
    getTable(name, options = {}) {
      return transport.json<Table | T>('GET', path(single(options.namespace), name), {
        accept: TABLE_ACCEPT,
        query: tableQuery(options),
      });
    },
    listTable(options = {}) {
      return transport.json<Table | KubeList<T>>('GET', path(options.namespace), {
        accept: TABLE_ACCEPT,
        query: { ...listQuery(options), ...tableQuery(options) },
      });
    },
    watchTable(options, signal) {
      const query = { ...watchQuery(options), ...tableQuery(options) };
      return watchStream<Table | T>(
        transport,
        path(options.namespace),
        query,
        TABLE_ACCEPT,
        signal,
      );
    },
  };
}

/** `metav1.DeleteOptions` as the body of DELETE. */
function deleteOptionsBody(options: DeleteOptions): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    ...(options.gracePeriodSeconds === undefined
      ? {}
      : { gracePeriodSeconds: options.gracePeriodSeconds }),
    ...(options.preconditions ? { preconditions: options.preconditions } : {}),
    ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
    ...(options.dryRun ? { dryRun: [options.dryRun] } : {}),
  };
}
