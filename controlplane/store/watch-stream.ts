// A watch: replay from the log, then live events from the hub, without gaps
// or duplicates. The hub subscription is taken before the first log read, so
// every event committed after that read is in the subscription's queue; the
// replay ends at the revision its last read saw, and live events at or below
// the last revision yielded are skipped.

import { closedError } from './errors.js';
import type { StoreEvent } from './types.js';
import type { WatchHub } from './watch-hub.js';

/** Log events per read while replaying (bounds the memory of one read). */
export const REPLAY_CHUNK = 1000;

/** One read of the log. */
export interface LogRead {
  /** Events under the prefix after the requested revision, in revision order (frozen). */
  readonly events: readonly StoreEvent[];
  /** The revision the read covered the log up to (every later event is newer). */
  readonly through: number;
}

/** Where a watch replays from. */
export interface ReplaySource {
  /** True once the store closed: the watch ends. */
  isClosed(): boolean;
  /**
   * At most `limit` events under `prefix` with revision > `after`, read at one
   * revision. Throws StoreError Compacted when `after` is below the
   * compaction point.
   */
  readLog(prefix: string, after: number, limit: number): LogRead;
}

/** The watch of a store that was closed before `watch` was called. */
export async function* closedStream(prefix: string): AsyncGenerator<StoreEvent> {
  throw closedError(prefix);
}

/** What a store's `watch` returns. */
export async function* watchStream(
  hub: WatchHub,
  source: ReplaySource,
  prefix: string,
  afterRevision: number,
  signal: AbortSignal,
): AsyncGenerator<StoreEvent> {
  if (source.isClosed() || signal.aborted) return;
  // Read per event: a flag is cheaper than the signal's validating getter.
  let aborted = false;
  const onAbort = () => (aborted = true);
  signal.addEventListener('abort', onAbort, { once: true });
  const subscription = hub.subscribe(prefix, signal);
  try {
    let last = afterRevision;
    for (;;) {
      if (source.isClosed() || aborted) return;
      if (subscription.failure) throw subscription.failure;
      const read = source.readLog(prefix, last, REPLAY_CHUNK);
      for (const event of read.events) {
        yield event;
        if (aborted) return;
        last = event.revision;
      }
      last = Math.max(last, read.through);
      if (read.events.length < REPLAY_CHUNK) break;
    }
    for (;;) {
      // Queued events are taken without a promise each; the watch waits only
      // when the queue is empty.
      const event = subscription.take();
      if (event === undefined) {
        if (subscription.ended || aborted) return;
        await subscription.arrival();
        continue;
      }
      if (aborted) return;
      if (event.revision <= last) continue;
      yield event;
      if (aborted) return;
      last = event.revision;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    subscription.close();
  }
}
