// An in-thread GuestContext for provider tests: byte sources and sinks in
// memory, real clocks, and a waitForActivity that really blocks (Atomics.wait)
// so deadline behaviour can be measured.

import { randomFillSync } from 'node:crypto';
import type { ByteSink, ByteSource, GuestContext } from '../../../runtime/wasm/guest/context.js';

/** A source handing out `bytes` in chunks, then end of stream. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  let offset = 0;
  return {
    read(max) {
      if (offset >= bytes.length) return null;
      const chunk = bytes.subarray(offset, offset + max);
      offset += chunk.length;
      return chunk;
    },
    ready: () => true,
  };
}

/** A source that has nothing until `feed` gives it bytes, and ends on `close`. */
export interface ScriptedSource extends ByteSource {
  feed(bytes: Uint8Array): void;
  close(): void;
}

export function scriptedSource(): ScriptedSource {
  let pending = new Uint8Array(0);
  let closed = false;
  return {
    read(max) {
      if (pending.length === 0) return closed ? null : new Uint8Array(0);
      const chunk = pending.slice(0, max);
      pending = pending.slice(chunk.length);
      return chunk;
    },
    ready: () => pending.length > 0 || closed,
    feed(bytes) {
      const next = new Uint8Array(pending.length + bytes.length);
      next.set(pending);
      next.set(bytes, pending.length);
      pending = next;
    },
    close() {
      closed = true;
    },
  };
}

/** A sink collecting everything written to it. */
export interface CollectingSink extends ByteSink {
  readonly chunks: Uint8Array[];
  text(): string;
}

export function collectingSink(): CollectingSink {
  const chunks: Uint8Array[] = [];
  return {
    chunks,
    write(data) {
      chunks.push(data.slice());
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

export interface FakeGuestOptions {
  readonly args?: readonly string[];
  readonly env?: readonly (readonly [string, string])[];
  readonly workingDir?: string;
  readonly stdin?: ByteSource;
  readonly stdout?: ByteSink;
  readonly stderr?: ByteSink;
  /** Called on every waitForActivity, before it blocks (to feed sources, count waits). */
  readonly onWait?: (deadlineNs: bigint | undefined) => void;
}

export interface FakeGuest {
  readonly ctx: GuestContext;
  readonly stdout: CollectingSink;
  readonly stderr: CollectingSink;
  /** How many times the guest blocked in waitForActivity. */
  waits(): number;
}

// Without a deadline a real context waits for input; here nothing else can feed
// the guest while it blocks the thread, so waits are short and spurious.
const IDLE_WAIT_MS = 2;

export function fakeGuest(options: FakeGuestOptions = {}): FakeGuest {
  const stdout = collectingSink();
  const stderr = collectingSink();
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const origin = process.hrtime.bigint();
  let waits = 0;
  const monotonicNs = () => process.hrtime.bigint() - origin;
  const ctx: GuestContext = {
    args: options.args ?? ['guest'],
    env: options.env ?? [],
    ...(options.workingDir === undefined ? {} : { workingDir: options.workingDir }),
    stdin: options.stdin ?? bytesSource(new Uint8Array(0)),
    stdout: options.stdout ?? stdout,
    stderr: options.stderr ?? stderr,
    fs: {} as unknown as GuestContext['fs'],
    clocks: {
      realtimeNs: () => BigInt(Date.now()) * 1_000_000n,
      monotonicNs,
      cpuTimeNs: () => BigInt(process.cpuUsage().user) * 1000n,
      resolutionNs: 1000n,
    },
    randomFill: (target) => void randomFillSync(target),
    waitForActivity(deadlineNs) {
      waits++;
      options.onWait?.(deadlineNs);
      const ms = deadlineNs === undefined ? IDLE_WAIT_MS : Number(deadlineNs - monotonicNs()) / 1e6;
      if (ms > 0) Atomics.wait(cell, 0, 0, ms);
    },
  };
  return { ctx, stdout, stderr, waits: () => waits };
}

/** The value `fn` throws (failing when it returns). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (thrown) {
    return thrown;
  }
  throw new Error('expected the call to throw');
}
