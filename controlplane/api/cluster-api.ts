// ClusterApi: the one interface through which every component talks to the
// cluster, served in-process (controlplane/services) and over HTTP
// (sdk/client), like containerd's local/service split. The scheduler, the node
// agent and the controllers depend on this interface only.

import type { ResourceType } from './resources.js';
import type { KubeList, KubeObject, Status, WatchEvent } from './types.js';

/** Query parameters of list and watch, with Kubernetes' names and meanings. */
export interface ListOptions {
  /** Absent or '' for cluster-scoped types or all namespaces. */
  readonly namespace?: string;
  /** `app=kubia,tier in (web,api),!canary` */
  readonly labelSelector?: string;
  /** `metadata.name=x,spec.nodeName=n1,status.phase!=Running` */
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  /** list: '' / absent = latest; watch: start after this revision. */
  readonly resourceVersion?: string;
  /**
   * list only, with a resourceVersion other than '0': `Exact` serves the list
   * as of that revision (410 Expired once compacted); `NotOlderThan` (also
   * what a resourceVersion alone means) the latest, 504 while the store has
   * not reached it. Not with `continue`.
   */
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions extends ListOptions {
  readonly allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long (the client re-watches). */
  readonly timeoutSeconds?: number;
}

/**
 * The patch formats of `PATCH`, by their Content-Type. `apply` is
 * server-side apply: the body is the manager's whole configuration of the
 * object (a fieldManager is required; see WriteOptions.force).
 */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface WriteOptions {
  readonly namespace?: string;
  /** `All`: validate and default, store nothing. */
  readonly dryRun?: 'All';
  /**
   * Who is writing: recorded in managedFields (of objects that have them, see
   * server-side apply); required by an `apply` patch.
   */
  readonly fieldManager?: string;
  /** An `apply` patch only: take over the fields other managers own instead of a 409 Conflict. */
  readonly force?: boolean;
}

export interface DeleteOptions {
  readonly namespace?: string;
  /** Pods: how long the kubelet gets to stop the containers; 0 = now. */
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly dryRun?: 'All';
}

/**
 * One resource type's operations. Every method throws ApiError (errors.ts) with
 * the Kubernetes Status for its failure: NotFound, AlreadyExists, Conflict,
 * Invalid (422 with field causes), Gone (410) for a compacted resourceVersion.
 */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  readonly type: ResourceType;
  get(name: string, options?: { readonly namespace?: string }): Promise<T>;
  list(options?: ListOptions): Promise<KubeList<T>>;
  /** Validates, defaults and stores; `metadata.generateName` is honoured. */
  create(object: T, options?: WriteOptions): Promise<T>;
  /** Replaces the object (status ignored when the type has a status subresource); CAS on metadata.resourceVersion when set. */
  update(object: T, options?: WriteOptions): Promise<T>;
  /** Replaces only `status`. */
  updateStatus(object: T, options?: WriteOptions): Promise<T>;
  patch(
    name: string,
    patch: unknown,
    type: PatchType,
    options?: WriteOptions & { readonly subresource?: 'status' },
  ): Promise<T>;
  /**
   * Deletes, or starts a graceful deletion (pods on a node, finalizers): then
   * the object is returned with `metadata.deletionTimestamp` set.
   */
  delete(name: string, options?: DeleteOptions): Promise<T | Status>;
  deleteCollection(options?: ListOptions & DeleteOptions): Promise<KubeList<T>>;
  /**
   * Events after `options.resourceVersion` (or from now): replayed, then live,
   * until `signal` aborts or the server's timeout. A compacted resourceVersion
   * yields an ERROR event with a 410 Status, then ends.
   */
  watch(options: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent<T>>;
  /** The `scale` subresource (types that have one; others: 404). */
  getScale(name: string, options?: { readonly namespace?: string }): Promise<Scale>;
  updateScale(name: string, scale: Scale, options?: WriteOptions): Promise<Scale>;
  /** Pods only: `pods/<name>/binding`, what the scheduler calls to place a pod on a node. */
  bind(name: string, nodeName: string, options?: WriteOptions): Promise<Status>;
}

/**
 * What a ResourceClient may offer besides `watch`: the same events a batch at
 * a time (what one commit produced). The in-process services' clients offer
 * it; the API server streams through it when present, so that many watchers
 * of a busy type cost a promise turn per batch each, not per event.
 */
export interface BatchedWatchSource<T extends KubeObject = KubeObject> {
  watchBatches(options: WatchOptions, signal: AbortSignal): AsyncIterable<readonly WatchEvent<T>[]>;
}

/** `autoscaling/v1` Scale. */
export interface Scale {
  apiVersion: 'autoscaling/v1';
  kind: 'Scale';
  metadata: KubeObject['metadata'];
  spec: { replicas?: number };
  status?: { replicas: number; selector?: string };
}

/** The cluster, resource by resource. */
export interface ClusterApi {
  /** The client for any served type (see resources.ts). */
  resource<T extends KubeObject = KubeObject>(type: ResourceType): ResourceClient<T>;
}
