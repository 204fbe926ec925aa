// A watch: replay from the log, then live events from the hub, without gaps
// or duplicates, in batches (`watch` is the same one event at a time). The hub subscription is taken before the first log read, so
// every event committed after that read is in the subscription's queue; the
// replay ends at the revision its last read saw, and live events at or below
// the last revision yielded are skipped.

import { checkRevision, closedError } from './errors.js';
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
async function* closedStream<T>(prefix: string): AsyncGenerator<T> {
  throw closedError(prefix);
}

/**
 * What a store's `watchBatches` returns: the events in revision order, each
 * batch what one log read or one wake-up found (a commit's burst arrives as
 * one batch, so a consumer pays its promise turns per batch, not per event).
 */
export async function* watchBatchStream(
  hub: WatchHub,
  source: ReplaySource,
  prefix: string,
  afterRevision: number,
  signal: AbortSignal,
): AsyncGenerator<readonly StoreEvent[]> {
  if (source.isClosed() || signal.aborted) return;
  // Read per batch: a flag is cheaper than the signal's validating getter.
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
      if (read.events.length > 0) {
        yield read.events;
        if (aborted) return;
        last = (read.events[read.events.length - 1] as StoreEvent).revision;
      }
      last = Math.max(last, read.through);
      if (read.events.length < REPLAY_CHUNK) break;
    }
    for (;;) {
      // What is queued now is one batch; the watch waits only when nothing is.
      const batch: StoreEvent[] = [];
      for (let event = subscription.take(); event; event = subscription.take()) {
        // Live events the replay already covered are skipped.
        if (event.revision > last) batch.push(event);
      }
      if (aborted) return;
      if (batch.length > 0) {
        yield batch;
        if (aborted) return;
        last = (batch[batch.length - 1] as StoreEvent).revision;
        continue;
      }
      if (subscription.ended) return;
      await subscription.arrival();
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    subscription.close();
  }
}

/**
 * A store's `watchBatches`: a RangeError for a malformed revision (at once),
 * a stream that throws Closed for a closed store, the watch otherwise.
 */
export function openWatch(
  hub: WatchHub,
  source: ReplaySource,
  prefix: string,
  afterRevision: number,
  signal: AbortSignal,
): AsyncIterable<readonly StoreEvent[]> {
  checkRevision(afterRevision, 'the revision a watch starts after');
  if (source.isClosed()) return closedStream(prefix);
  return watchBatchStream(hub, source, prefix, afterRevision, signal);
}

/** The events of `batches` one at a time (a store's `watch`), until `signal` aborts. */
export async function* eventsOf<T>(
  batches: AsyncIterable<readonly T[]>,
  signal: AbortSignal,
): AsyncGenerator<T> {
  for await (const batch of batches) {
    for (const event of batch) {
      if (signal.aborted) return;
      yield event;
    }
  }
}
