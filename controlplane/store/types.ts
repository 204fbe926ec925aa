// The Store: the etcd of Skiff. kine's model: one global revision that every
// write increments; compare-and-set on a key's revision; watch from a
// revision (replay from the log, then live); a compacted past.
//
// The store knows keys and JSON values, nothing of Kubernetes: the services
// layer builds keys (`/registry/pods/default/kubia-1`) and turns a value's
// revision into its `metadata.resourceVersion`.

/** A stored value and the revisions that describe it. */
export interface Stored {
  readonly key: string;
  readonly value: unknown;
  /** Revision of the write that produced this value (its resourceVersion). */
  readonly revision: number;
  /** Revision of the write that created the key. */
  readonly createRevision: number;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change, in revision order. For DELETED, `value` is the last value.
 * One event object goes to every watcher that receives it: it is frozen.
 */
export interface StoreEvent {
  readonly type: StoreEventType;
  readonly key: string;
  readonly value: unknown;
  readonly revision: number;
  /** The value before this change (MODIFIED, DELETED). */
  readonly previous?: unknown;
}

export type StoreErrorCode =
  'AlreadyExists' | 'NotFound' | 'Conflict' | 'Compacted' | 'Closed' | 'WatcherTooSlow';

/** Why a store operation refused. The services layer maps these to API Status. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    readonly key: string,
    message: string,
    /** For Conflict: the key's current revision. For Compacted: the oldest revision kept. */
    readonly revision?: number,
  ) {
    super(message);
  }
}

export interface ListOptions {
  /** At most this many items; `continue` of the result resumes after the last. */
  readonly limit?: number;
  /** An opaque token from a previous list with the same prefix (a RangeError when malformed). */
  readonly continue?: string;
  /**
   * Read as of this past revision rather than the latest: StoreError
   * Compacted below the compaction point, a RangeError above the latest.
   * Ignored with `continue` (the token carries its page's revision).
   */
  readonly revision?: number;
}

export interface ListResult {
  /** In key order. */
  readonly items: readonly Stored[];
  /** The store's revision when the list was read (consistent across pages). */
  readonly revision: number;
  /** Present when more items follow. */
  readonly continue?: string;
  /** How many items follow, when known. */
  readonly remaining?: number;
}

/**
 * A consistent, durable key-value store with a revision log. Every method is
 * atomic; a write resolves only once it is durable (a process kill after the
 * promise settled never loses it).
 *
 * Values are JSON. The store keeps its own copy of what it is given: a
 * create or update resolves with the caller's object as its value, and a
 * get, list or delete with copies the caller may change; only watch events
 * share (frozen) values.
 */
export interface Store {
  /** The latest revision (0 for an empty store). */
  revision(): number;
  get(key: string): Promise<Stored | undefined>;
  /** Keys starting with `prefix`, in key order, all read at one revision. */
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** StoreError AlreadyExists when the key exists. */
  create(key: string, value: unknown): Promise<Stored>;
  /**
   * StoreError NotFound when the key is absent; Conflict when `expectedRevision`
   * is given and is not the key's current revision.
   */
  update(key: string, value: unknown, expectedRevision?: number): Promise<Stored>;
  /** Same failures as update; resolves with the deleted value (revision = the delete's). */
  delete(key: string, expectedRevision?: number): Promise<Stored>;
  /**
   * Events for keys under `prefix` with revision > `afterRevision`: replayed
   * from the log, then live, until `signal` aborts. Throws (from the iterator)
   * StoreError Compacted when `afterRevision` is below the compaction point,
   * and WatcherTooSlow when the consumer falls too far behind.
   */
  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent>;
  /**
   * The events of `watch`, in the same order and with the same failures, a
   * batch at a time: what was queued when the consumer asked (a commit's
   * burst, a log read) comes as one array, never empty.
   */
  watchBatches(
    prefix: string,
    afterRevision: number,
    signal: AbortSignal,
  ): AsyncIterable<readonly StoreEvent[]>;
  /** Forgets log entries at or below `revision` (never the current value of a key). */
  compact(revision: number): Promise<void>;
  /** The oldest revision a watch can start after. */
  compactedRevision(): number;
  /** Ends every watch (its iterator finishes); later calls reject with StoreError Closed. */
  close(): Promise<void>;
}
