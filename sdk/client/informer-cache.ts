// The informer's in-memory copy of a resource's objects, keyed like
// client-go's MetaNamespaceKeyFunc, and the handlers told about each change.

import type { KubeObject } from '../../controlplane/api/types.js';

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: Pick<KubeObject, 'metadata'>): string {
  const { namespace, name = '' } = object.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * What an informer tells its handlers. Handlers run synchronously, in event
 * order, after the cache holds the change; one that throws does not stop the
 * others (the informer's onError hears of it).
 */
export interface InformerHandlers<T extends KubeObject> {
  add?(object: T): void;
  /** `oldObject` is the cache's copy before the event. */
  update?(oldObject: T, newObject: T): void;
  /** The object's last state (the DELETED event's, or the cache's after a re-list). */
  delete?(object: T): void;
}

/** The cache and its handlers; every change goes through apply* so both stay in step. */
export class InformerCache<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  private readonly handlers = new Set<InformerHandlers<T>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  values(): T[] {
    return [...this.objects.values()];
  }

  /** Adds `handlers`, first telling them of every cached object as an add. */
  subscribe(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    for (const object of this.objects.values()) this.call(handlers, 'add', object);
    return () => void this.handlers.delete(handlers);
  }

  /** ADDED or MODIFIED: an add when the key is new, else an update. */
  applyUpsert(object: T): void {
    const key = objectKey(object);
    const old = this.objects.get(key);
    this.objects.set(key, object);
    if (old) this.notify('update', old, object);
    else this.notify('add', object);
  }

  applyDelete(object: T): void {
    this.objects.delete(objectKey(object));
    this.notify('delete', object);
  }

  /**
   * A fresh list replaces the cache: new keys are adds, keys whose
   * resourceVersion changed are updates, vanished keys are deletes.
   */
  replace(items: readonly T[]): void {
    const fresh = new Map(items.map((item) => [objectKey(item), item]));
    for (const [key, old] of this.objects) {
      if (!fresh.has(key)) {
        this.objects.delete(key);
        this.notify('delete', old);
      }
    }
    for (const [key, item] of fresh) {
      const old = this.objects.get(key);
      this.objects.set(key, item);
      if (!old) this.notify('add', item);
      else if (old.metadata.resourceVersion !== item.metadata.resourceVersion)
        this.notify('update', old, item);
    }
  }

  private notify(kind: 'add' | 'delete', object: T): void;
  private notify(kind: 'update', old: T, object: T): void;
  private notify(kind: keyof InformerHandlers<T>, first: T, second?: T): void {
    for (const handlers of this.handlers) this.call(handlers, kind, first, second);
  }

  private call(
    handlers: InformerHandlers<T>,
    kind: keyof InformerHandlers<T>,
    first: T,
    second?: T,
  ): void {
    try {
      if (kind === 'update') handlers.update?.(first, second ?? first);
      else handlers[kind]?.(first);
    } catch (error) {
      this.onError(error);
    }
  }
}
