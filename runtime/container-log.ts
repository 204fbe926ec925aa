// A container's output in memory: the most recent bytes for `logs`, and live
// delivery to followers. Shared by every runtime. (Logs on disk with rotation
// belong to the node agent.)

import type { LogChunk, LogOptions, LogStream } from './runtime.js';

/** Receives every chunk as it is appended. */
export type LogSubscriber = (chunk: LogChunk) => void;

export class ContainerLog {
  readonly #chunks: LogChunk[] = [];
  readonly #followers = new Set<{ push: (chunk: LogChunk | null) => void }>();
  readonly #subscribers = new Set<LogSubscriber>();
  #bytes = 0;
  #ended = false;

  /** Keeps at most `maxBytes` of the most recent output. */
  constructor(readonly maxBytes = 1024 * 1024) {}

  append(stream: LogStream, data: Uint8Array): void {
    if (this.#ended || data.length === 0) return;
    const chunk: LogChunk = { stream, data, time: new Date() };
    this.#chunks.push(chunk);
    this.#bytes += data.length;
    while (this.#bytes > this.maxBytes && this.#chunks.length > 1) {
      this.#bytes -= this.#chunks.shift()?.data.length ?? 0;
    }
    for (const subscriber of this.#subscribers) subscriber(chunk);
    for (const follower of this.#followers) follower.push(chunk);
  }

  /** Calls `subscriber` for every chunk appended from now on; returns an unsubscribe. */
  subscribe(subscriber: LogSubscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  /** No more output will come (the container exited); followers finish. */
  end(): void {
    this.#ended = true;
    for (const follower of this.#followers) follower.push(null);
    this.#followers.clear();
  }

  /** Everything kept so far, then (with `follow`) new chunks until `end` or abort. */
  async *read(options: LogOptions = {}): AsyncIterable<LogChunk> {
    const backlog = [...this.#chunks];
    if (!options.follow || this.#ended) {
      yield* backlog;
      return;
    }
    const queue: (LogChunk | null)[] = [...backlog];
    let wake: (() => void) | undefined;
    const follower = {
      push: (chunk: LogChunk | null) => {
        queue.push(chunk);
        wake?.();
      },
    };
    const onAbort = () => follower.push(null);
    this.#followers.add(follower);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const next = queue.shift();
        if (next === null) return;
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.#followers.delete(follower);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
