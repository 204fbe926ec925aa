// An informer, as client-go's: list a resource, then watch from the list's
// resourceVersion, keeping an in-memory cache and telling handlers of each
// change. A 410 (the watch fell below the store's compaction window) or an
// ERROR event re-lists; other failures retry with exponential backoff; a watch
// the server ends (its timeout) resumes from the last resourceVersion seen.

import type { ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import { InformerCache, objectKey, type InformerHandlers } from './informer-cache.js';

export { objectKey, type InformerHandlers } from './informer-cache.js';

/** What an informer watches, and how it recovers. */
export interface InformerOptions<T extends KubeObject> {
  /** Absent or '': all namespaces (or a cluster-scoped type). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Handlers registered before the first list, so they see every object as an add. */
  readonly handlers?: InformerHandlers<T>;
  /** Stops the informer when aborted (as stop() does). */
  readonly signal?: AbortSignal;
  /** Told of each failure the informer recovers from (list, watch, a handler's throw). */
  readonly onError?: (error: unknown) => void;
  /** Objects per list page (`limit`); 500 by default, as client-go. */
  readonly pageSize?: number;
  /** Each watch asks the server to end it after this long, then resumes; 300 by default. */
  readonly watchTimeoutSeconds?: number;
  /** Retry delays after a failure: doubling from `initialMs` up to `maxMs` (200 ms .. 30 s). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
}

/** A live, cached view of one resource type (one namespace, one selector). */
export interface Informer<T extends KubeObject> {
  /** Resolves once the first list is in the cache and its adds were dispatched; rejects if stopped before. */
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  /** The cached object by `namespace/name` (or `name` when cluster-scoped). */
  getByKey(key: string): T | undefined;
  get(name: string, namespace?: string): T | undefined;
  /** Every cached object (a snapshot array; the objects are the cache's own: do not mutate). */
  list(): T[];
  /** The resourceVersion the next watch resumes from ('' before the first list). */
  lastResourceVersion(): string;
  /** Adds handlers; they first hear of every cached object as an add. Returns the unsubscribe. */
  addEventHandler(handlers: InformerHandlers<T>): () => void;
  /** Stops listing and watching; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/** Starts an informer on `client` at once (the first list is sent immediately). */
export function createInformer<T extends KubeObject>(
  client: ResourceClient<T>,
  options: InformerOptions<T> = {},
): Informer<T> {
  const onError = options.onError ?? (() => undefined);
  const cache = new InformerCache<T>(onError);
  if (options.handlers) cache.subscribe(options.handlers);
  const stopper = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, stopper.signal])
    : stopper.signal;
  const selectors = {
    namespace: options.namespace,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
  };
  const initialMs = options.backoff?.initialMs ?? 200;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  let resourceVersion = '';
  let synced = false;
  let resolveSynced: () => void = () => undefined;
  let rejectSynced: (error: Error) => void = () => undefined;
  const syncedPromise = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  // Nobody may be waiting for it; a stop before the sync must not crash the process.
  syncedPromise.catch(() => undefined);

  async function relist(): Promise<void> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let listVersion = '';
    do {
      const page = await client.list({
        ...selectors,
        limit: options.pageSize ?? 500,
        continue: continueToken,
      });
      items.push(...page.items);
      continueToken = page.metadata.continue || undefined;
      listVersion = page.metadata.resourceVersion ?? listVersion;
    } while (continueToken && !signal.aborted);
    if (signal.aborted) return;
    cache.replace(items);
    resourceVersion = listVersion;
    if (!synced) {
      synced = true;
      resolveSynced();
    }
  }

  /** One watch, until the server ends it; returns the number of events. Throws the ApiError of an ERROR event. */
  async function watchOnce(): Promise<number> {
    let count = 0;
    const events = client.watch(
      {
        ...selectors,
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: options.watchTimeoutSeconds ?? 300,
      },
      signal,
    );
    for await (const event of events) {
      count++;
      if (event.type === 'ERROR') throw new ApiError(event.object as Status);
      const object = event.object as T;
      if (event.type === 'ADDED' || event.type === 'MODIFIED') cache.applyUpsert(object);
      else if (event.type === 'DELETED') cache.applyDelete(object);
      resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
    }
    return count;
  }

  async function run(): Promise<void> {
    let needList = true;
    let delay = initialMs;
    while (!signal.aborted) {
      try {
        if (needList) await relist();
        needList = false;
        const started = Date.now();
        const count = await watchOnce();
        // A server that ends watches at once (no timeout honoured) must not make this spin.
        if (count === 0 && Date.now() - started < 1000) {
          await sleep(delay, signal);
          delay = Math.min(delay * 2, maxMs);
        } else delay = initialMs;
      } catch (error) {
        if (signal.aborted) break;
        // Every failed watch re-lists, as client-go's reflector does; only a 410 does so at once.
        needList = true;
        if (error instanceof ApiError && error.code === 410) continue;
        onError(error);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxMs);
      }
    }
    if (!synced)
      rejectSynced(new Error(`informer for ${client.type.plural} stopped before it synced`));
  }

  const loop = run();
  return {
    synced: syncedPromise,
    hasSynced: () => synced,
    getByKey: (key) => cache.get(key),
    get: (name, namespace) => cache.get(objectKey({ metadata: { name, namespace } })),
    list: () => cache.values(),
    lastResourceVersion: () => resourceVersion,
    addEventHandler: (handlers) => cache.subscribe(handlers),
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
