// What every group of preview 1 imports shares for one guest instance.

import type { GuestContext } from '../context.js';
import type { FdTable } from './fd-table.js';
import type { GuestMemory } from './memory.js';

/** The guest's context, its memory and its fd table. */
export interface Preview1State {
  readonly ctx: GuestContext;
  readonly memory: GuestMemory;
  readonly fds: FdTable;
}

/**
 * A preview 1 import body: wasm numbers in (i64 as bigint), an errno out. It
 * reports failures by throwing (`WasiErrno`, `FsError`, `GuestIoError`); the
 * guard around it turns those into the returned errno.
 */
export type WasiFunction = (...args: never[]) => number;

/** Import bodies by their `wasi_snapshot_preview1` name. */
export type WasiFunctions = Record<string, WasiFunction>;
