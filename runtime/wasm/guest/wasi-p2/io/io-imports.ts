// The `wasi:io/*` part of the import object.

import { IoError } from './error.js';
import { InputStream } from './input-stream.js';
import { OutputStream } from './output-stream.js';
import type { ActivityWaiter } from './poll.js';
import { Pollable, pollList } from './poll.js';

/** `wasi:io/error`, `wasi:io/poll` and `wasi:io/streams` for one guest. */
export function createIoImports(waiter: ActivityWaiter): Record<string, object> {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll: (pollables: Pollable[]) => pollList(waiter, pollables) },
    'wasi:io/streams': { InputStream, OutputStream },
  };
}
