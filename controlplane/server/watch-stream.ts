// Streaming a watch as the apiserver does: HTTP 200 with a chunked body of
// one `{"type":...,"object":...}` JSON document per line, each sent by the
// end of the event-loop turn it arrived in. The stream ends when the
// client's timeoutSeconds (or the server's default, 30-60 minutes chosen at
// random so that watchers do not all reconnect at once) passes, when the
// client disconnects, or when the server shuts down; each ends the ClusterApi
// watch through its signal.

import type { Request, Response } from 'express';
import type { BatchedWatchSource, ResourceClient, WatchOptions } from '../api/cluster-api.js';
import { statusOf } from '../api/errors.js';
import type { WatchEvent } from '../api/types.js';

/** How long a watch lasts when the client does not say, as a range to draw from. */

// Writes arrive in bursts (one store commit carries many events): the lines a
// watcher gets within one turn of the event loop leave at the end of that
// turn as one chunk of the body (one TLS record, one syscall), not as a chunk
// each (a chunk is three buffers to frame, copy and encrypt).
const BATCH_LIMIT_BYTES = 64 * 1024;

/** The lines of one watch waiting for the end of this turn of the event loop. */
class LineBatch {
  #lines: string[] = [];
  #bytes = 0;
  #scheduled = false;

  constructor(private readonly response: Response) {}

  add(line: string): void {
    this.#lines.push(line);
    this.#bytes += line.length;
    if (this.#bytes >= BATCH_LIMIT_BYTES) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  /** Writes what is waiting now. */
  flush(): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.join('');
    this.#lines = [];
    this.#bytes = 0;
    if (!this.response.writableEnded && !this.response.destroyed) this.response.write(text);
  }
}

// Watchers of a type receive the same event objects (the services share one
// frozen API object per store event): each event is serialised once, not once
// per watcher.
const lines = new WeakMap<object, Map<string, string>>();

/** The JSON line of an untransformed watch event, cached by its object and type. */
function eventLine(event: WatchEvent): string {
  let byType = lines.get(event.object);
  if (byType === undefined) {
    byType = new Map();
    lines.set(event.object, byType);
  }
  let line = byType.get(event.type);
  if (line === undefined) {
    line = `${JSON.stringify(event)}\n`;
    byType.set(event.type, line);
  }
  return line;
}

export interface WatchTimeoutRange {
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

/** Kubernetes' default: `--min-request-timeout` 1800 s, times a random factor in [1, 2). */
export const DEFAULT_WATCH_TIMEOUT: WatchTimeoutRange = { minSeconds: 1800, maxSeconds: 3600 };

/** What a watch stream needs besides its events. */
export interface WatchStreamOptions {
  /** The client's `timeoutSeconds`, if it gave one. */
  readonly timeoutSeconds?: number;
  readonly defaultTimeout: WatchTimeoutRange;
  /** Aborts when the server shuts down. */
  readonly serverSignal: AbortSignal;
  /** Turns each event into what is written (Tables, metadata); undefined drops it. */
  readonly transform: (event: WatchEvent) => unknown;
  /** Called for each event written. */
  readonly onEvent?: () => void;
}

type Next = IteratorResult<readonly WatchEvent[]> | { readonly failed: unknown };

function timeoutMs(options: WatchStreamOptions): number {
  if (options.timeoutSeconds !== undefined) return options.timeoutSeconds * 1000;
  const { minSeconds, maxSeconds } = options.defaultTimeout;
  return (minSeconds + Math.random() * Math.max(0, maxSeconds - minSeconds)) * 1000;
}

function settle(promise: Promise<IteratorResult<readonly WatchEvent[]>>): Promise<Next> {
  return promise.then(
    (result) => result,
    (failed: unknown) => ({ failed }),
  );
}

/** Resolves on the next turn of the event loop: what failed by then failed at setup. */
function nextTurn(): Promise<'pending'> {
  return new Promise((resolve) => setImmediate(() => resolve('pending')));
}

/** Resolves when the socket can take more, or the connection is gone. */
function drained(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}

/** Whether `client` streams its watch in batches too (the in-process services' clients do). */
function hasBatchedWatch(client: ResourceClient): client is ResourceClient & BatchedWatchSource {
  return typeof (client as Partial<BatchedWatchSource>).watchBatches === 'function';
}

/** One event per batch: the watch of a client that only streams events one at a time. */
async function* singleBatches(
  events: AsyncIterable<WatchEvent>,
): AsyncGenerator<readonly WatchEvent[]> {
  for await (const event of events) yield [event];
}

/** The watch of `client` a batch at a time: its own batches when it has them. */
export function watchBatchesOf(
  client: ResourceClient,
  options: WatchOptions,
  signal: AbortSignal,
): AsyncIterable<readonly WatchEvent[]> {
  return hasBatchedWatch(client)
    ? client.watchBatches(options, signal)
    : singleBatches(client.watch(options, signal));
}

/**
 * Streams the events of `watch(signal)` to `response`, a batch at a time.
 * Errors that happen before the first byte (a malformed selector) are
 * thrown, for the caller to answer with their Status; later ones end the
 * stream with an ERROR event, as the apiserver does.
 */
export async function streamWatch(
  request: Request,
  response: Response,
  watch: (signal: AbortSignal) => AsyncIterable<readonly WatchEvent[]>,
  options: WatchStreamOptions,
): Promise<void> {
  const controller = new AbortController();
  // A watch that cannot start (a malformed selector throws at once) must not
  // leave its timer and listeners behind: the iterator is created after them.
  const iterator = watch(controller.signal)[Symbol.asyncIterator]();
  let stopped = false;
  const stop = () => {
    stopped = true;
    controller.abort();
  };
  options.serverSignal.addEventListener('abort', stop, { once: true });
  if (options.serverSignal.aborted) stop();
  response.on('close', stop);
  const timer = setTimeout(stop, timeoutMs(options));
  const batch = new LineBatch(response);
  try {
    let next = settle(iterator.next());
    const first = await Promise.race([next, nextTurn()]);
    if (controller.signal.aborted) return;
    if (first !== 'pending' && 'failed' in first) throw first.failed;

    response.status(200);
    response.setHeader('Content-Type', 'application/json');
    response.setHeader('Cache-Control', 'no-cache, private');
    // Each event must leave at once, not wait for more bytes to fill a packet.
    request.socket.setNoDelay(true);
    response.flushHeaders();

    for (;;) {
      // The source ends when the signal aborts (client gone, timeout,
      // shutdown): no race against the signal per event is needed.
      const result = await next;
      if (stopped || ('done' in result && result.done)) break;
      if ('failed' in result) {
        batch.add(`${JSON.stringify({ type: 'ERROR', object: statusOf(result.failed) })}\n`);
        break;
      }
      for (const event of result.value) {
        const written = options.transform(event);
        if (written === undefined) continue;
        options.onEvent?.();
        batch.add(written === event ? eventLine(event) : `${JSON.stringify(written)}\n`);
      }
      if (response.writableNeedDrain) await drained(response);
      next = settle(iterator.next());
    }
  } finally {
    clearTimeout(timer);
    options.serverSignal.removeEventListener('abort', stop);
    response.off('close', stop);
    controller.abort();
    // Lets the source release what it holds; it ends on the aborted signal anyway.
    void iterator.return?.().catch(() => undefined);
    if (response.headersSent && !response.writableEnded) {
      batch.flush();
      response.end();
    }
  }
}
