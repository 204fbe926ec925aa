// The broadcaster behind every watch: a store publishes each committed event
// once, and the hub appends it to the queue of each subscription whose prefix
// matches. Subscriptions are grouped by prefix, so the per-event cost grows
// with the number of distinct prefixes, not of watchers. A queue that grows
// past its limit is dropped and its subscription fails with WatcherTooSlow:
// a stalled consumer costs bounded memory.

import { tooSlow } from './errors.js';
import type { StoreError, StoreEvent } from './types.js';

/** Events a watcher may fall behind by default before it fails. */
export const DEFAULT_MAX_BUFFERED_EVENTS = 10_000;

/** One watcher's live feed. */
export class Subscription {
  #queue: StoreEvent[] = [];
  #head = 0;
  #waiter: (() => void) | undefined;
  #ended = false;
  #failure: StoreError | undefined;
  readonly #limit: number;
  readonly #detach: (subscription: Subscription) => void;

  constructor(
    readonly prefix: string,
    limit: number,
    detach: (subscription: Subscription) => void,
  ) {
    this.#limit = limit;
    this.#detach = detach;
  }

  /** Why the subscription failed (it fell too far behind), if it did. */
  get failure(): StoreError | undefined {
    return this.#failure;
  }

  /** Called by the hub. */
  push(event: StoreEvent): void {
    if (this.#ended) return;
    if (this.#queue.length - this.#head >= this.#limit) {
      this.#failure = tooSlow(this.prefix, this.#limit);
      this.close();
      return;
    }
    this.#queue.push(event);
    this.#wake();
  }

  /**
   * The next queued event, or undefined when none is queued (see `ended`
   * and `arrival`). Throws WatcherTooSlow when it fell behind. Synchronous, so
   * a consumer drains a burst of events without a promise per event.
   */
  take(): StoreEvent | undefined {
    if (this.#failure) throw this.#failure;
    if (this.#head >= this.#queue.length) return undefined;
    const event = this.#queue[this.#head] as StoreEvent;
    this.#head++;
    // Drop consumed slots now and then instead of shifting per event.
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return event;
  }

  /** True once the subscription ended (closed, aborted, hub closed, or failed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves when an event is queued or the subscription ends. */
  arrival(): Promise<void> {
    if (this.#ended || this.#head < this.#queue.length) return Promise.resolve();
    return new Promise<void>((resolve) => (this.#waiter = resolve));
  }

  /** Ends the subscription; queued events are dropped. Idempotent. */
  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#queue = [];
    this.#head = 0;
    this.#detach(this);
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

/** Fans committed events out to subscriptions. */
export class WatchHub {
  readonly #byPrefix = new Map<string, Set<Subscription>>();
  readonly #limit: number;
  #closed = false;

  constructor(maxBufferedEvents = DEFAULT_MAX_BUFFERED_EVENTS) {
    this.#limit = maxBufferedEvents;
  }

  /** Live events under `prefix` from now on, until `signal` aborts or the hub closes. */
  subscribe(prefix: string, signal: AbortSignal): Subscription {
    const onAbort = (): void => subscription.close();
    const subscription = new Subscription(prefix, this.#limit, (s) => {
      signal.removeEventListener('abort', onAbort);
      const group = this.#byPrefix.get(prefix);
      group?.delete(s);
      if (group?.size === 0) this.#byPrefix.delete(prefix);
    });
    if (this.#closed || signal.aborted) {
      subscription.close();
      return subscription;
    }
    let group = this.#byPrefix.get(prefix);
    if (!group) this.#byPrefix.set(prefix, (group = new Set()));
    group.add(subscription);
    signal.addEventListener('abort', onAbort, { once: true });
    return subscription;
  }

  /** Delivers `event` (frozen: it is shared) to every matching subscription. */
  publish(event: StoreEvent): void {
    for (const [prefix, group] of this.#byPrefix) {
      if (!event.key.startsWith(prefix)) continue;
      for (const subscription of group) subscription.push(event);
    }
  }

  /** How many subscriptions are open (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const group of this.#byPrefix.values()) n += group.size;
    return n;
  }

  /** Ends every subscription, now and later. */
  close(): void {
    this.#closed = true;
    for (const group of [...this.#byPrefix.values()]) {
      for (const subscription of [...group]) subscription.close();
    }
  }
}
