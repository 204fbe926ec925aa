// The state every verb of every type shares, and the options the services
// accept beyond the ClusterApi contract.

import type { DeleteOptions, WriteOptions } from '../api/cluster-api.js';
import type { ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Store } from '../store/types.js';
import type { ApiSchema } from './schema.js';
import type { KindStrategy } from './strategies/strategy.js';

/** Kubernetes' `fieldValidation` query parameter: what to do with fields the schema does not know. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * WriteOptions plus what the HTTP layer forwards from the request:
 * `fieldValidation` (default Warn, as Kubernetes 1.27+) and a sink for the
 * warnings Kubernetes sends as `Warning:` headers.
 */
export interface ServiceWriteOptions extends WriteOptions {
  readonly fieldValidation?: FieldValidation;
  readonly onWarning?: (message: string) => void;
  /** Called when a patch created its object (a server-side apply of a missing one): HTTP answers 201. */
  readonly onCreated?: () => void;
  /**
   * For a server-side apply converted from a version the type is served in
   * (autoscaling/v1 HPAs): the configuration as the client sent it, which a
   * kubectl apply's last-applied-configuration annotation records.
   */
  readonly appliedAs?: KubeObject;
  /**
   * For such an apply: the served form's own rules (events.k8s.io/v1's),
   * run on the stored object the apply would write and the one it replaces;
   * they throw to refuse it.
   */
  readonly servedRules?: (next: KubeObject, current?: KubeObject) => void;
}

/** Delete options of the services (the contract's, unchanged today). */
export type ServiceDeleteOptions = DeleteOptions;

/** How far a watch of one type may report having got (watch-progress.ts). */
export interface WatchProgressSource {
  /** Starts following the store, ahead of the first `progress` call. */
  start(): void;
  /** The revision a watcher of type `segment` that received every event up to `last` may report. */
  progress(segment: string, last: number): number;
}

/** What happens around objects of other types, which one type's verbs sometimes need. */
export interface NamespaceHooks {
  /** Throws NotFound (404) or Forbidden (403, terminating) unless `namespace` accepts new objects. */
  assertAcceptsNew(namespace: string, type: ResourceType, name: string): Promise<void>;
  /** Called after an object of a namespaced type left the store for good. */
  objectRemoved(namespace: string): Promise<void>;
  /** The Namespace `delete` verb: Terminating, then the content, then the namespace. */
  deleteNamespace(name: string, options: ServiceDeleteOptions): Promise<KubeObject>;
}

/** Shared by every type. */
export interface ServicesContext {
  readonly store: Store;
  readonly now: () => Date;
  readonly newUid: () => string;
  readonly schema: ApiSchema;
  /** How often a watch with allowWatchBookmarks sends a BOOKMARK. */
  readonly bookmarkIntervalMs: number;
  /** The resourceVersion a BOOKMARK may carry (see watch-progress.ts). */
  readonly watchProgress: WatchProgressSource;
  readonly namespaces: NamespaceHooks;
  /** Resolves once the bootstrap namespaces exist; every verb waits for it. */
  readonly ready: Promise<void>;
}

/** One type's view. */
export interface TypeContext {
  readonly services: ServicesContext;
  readonly type: ResourceType;
  readonly strategy: KindStrategy;
}

/** An object as read from the store: stamped with its revision as resourceVersion. */
export interface StoredObject {
  readonly object: KubeObject;
  readonly revision: number;
}
