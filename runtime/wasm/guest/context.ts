// What a guest's WASI bindings (preview 1 and 0.2) get from the sandbox worker
// they run in. Everything here lives inside one worker thread and serves one
// guest instance: no process-global state, nothing shared with other guests.
//
// Blocking model: a guest runs synchronously on its worker thread, so every
// "blocking" WASI call (a sleep, a read of stdin that has no data yet) blocks the
// thread with Atomics.wait through `GuestContext.waitForActivity`. The host side
// wakes it when input arrives; `worker.terminate()` ends it at any point, which is
// how a stop interrupts a sleeping or spinning guest.

import type { GuestFileSystem } from './fs/types.js';

/** Bytes flowing into the guest (stdin, a request body, a file read). */
export interface ByteSource {
  /**
   * Returns up to `max` bytes available now without blocking: an empty array when
   * none are available yet, `null` at end of stream.
   */
  read(max: number): Uint8Array | null;
  /** True when `read` would return data or `null` (i.e. it would not block). */
  ready(): boolean;
}

/** Bytes flowing out of the guest (stdout, stderr, a response body, a file write). */
export interface ByteSink {
  /**
   * Accepts all of `data` (copying it if kept). May block the worker briefly for flow
   * control. Throws `GuestIoError` when the sink is closed or broken.
   */
  write(data: Uint8Array): void;
}

/** An I/O failure the WASI binding reports to the guest as an error code. */
export class GuestIoError extends Error {
  override readonly name = 'GuestIoError';
  constructor(
    readonly code: 'EPIPE' | 'EIO' | 'EBADF',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The guest asked to exit (WASI `proc_exit`, `wasi:cli/exit`). Thrown through the
 * guest's frames to the worker's top level, which reports `code`.
 */
export class GuestExit extends Error {
  override readonly name = 'GuestExit';
  constructor(readonly code: number) {
    super(`guest exited with code ${code}`);
  }
}

/** Clocks as the guest sees them, in nanoseconds. */
export interface GuestClocks {
  /** Nanoseconds since the Unix epoch. */
  realtimeNs(): bigint;
  /** Monotonic nanoseconds from an arbitrary origin fixed for this guest. */
  monotonicNs(): bigint;
  /** CPU time used by this guest's thread, in nanoseconds (approximate). */
  cpuTimeNs(): bigint;
  /** Resolution of the clocks above, in nanoseconds. */
  readonly resolutionNs: bigint;
}

/** One guest instance's view of the world: exactly what its spec grants. */
export interface GuestContext {
  /** argv, including argv[0]. */
  readonly args: readonly string[];
  /** Environment in order; names are unique. */
  readonly env: readonly (readonly [string, string])[];
  /** Initial working directory (guest path), when the spec sets one. */
  readonly workingDir?: string;
  readonly stdin: ByteSource;
  readonly stdout: ByteSink;
  readonly stderr: ByteSink;
  /** The guest's mounts (preopened directories). */
  readonly fs: GuestFileSystem;
  readonly clocks: GuestClocks;
  /** Fills `target` with cryptographically secure random bytes. */
  randomFill(target: Uint8Array): void;
  /**
   * Blocks the worker until input may have arrived for some ByteSource, or until
   * the monotonic clock reaches `deadlineNs` (no deadline: wait for input only).
   * May return early (spuriously); callers re-check their condition in a loop.
   */
  waitForActivity(deadlineNs?: bigint): void;
}
