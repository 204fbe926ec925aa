// The StreamFactory other providers (wasi:filesystem, sockets, HTTP bodies) use
// to make wasi:io resources, so every stream and pollable a guest sees is an
// instance of the classes in this provider set's `wasi:io/*` imports.

import type { ByteSink, ByteSource } from '../../context.js';
import type { StreamFactory } from '../provider-types.js';
import { InputStream } from './input-stream.js';
import { OutputStream } from './output-stream.js';
import type { ActivityWaiter } from './poll.js';
import { Pollable } from './poll.js';

/** The StreamFactory contract, with the concrete classes as return types. */
export interface WasiStreamFactory extends StreamFactory {
  inputStream(source: ByteSource): InputStream;
  outputStream(sink: ByteSink): OutputStream;
  pollable(isReady: () => boolean): Pollable;
  /** A pollable that becomes ready by itself at `deadlineNs` (monotonic clock). */
  deadlinePollable(deadlineNs: bigint, isReady: () => boolean): Pollable;
}

/** Makes streams and pollables that block through `waiter`. */
export function createStreamFactory(waiter: ActivityWaiter): WasiStreamFactory {
  return {
    inputStream: (source) => new InputStream(source, waiter),
    outputStream: (sink) => new OutputStream(sink),
    pollable: (isReady) => new Pollable(waiter, isReady),
    deadlinePollable: (deadlineNs, isReady) => new Pollable(waiter, isReady, deadlineNs),
  };
}
