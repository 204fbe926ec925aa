// A GuestContext for running WASI guests on the test's own thread (no sandbox
// worker): stdout/stderr collected in memory, stdin from a buffer, real temp
// directories as mounts, and waits that really block (Atomics.wait).
//
// Delayed stdin is delivered by a helper thread that writes the bytes into
// shared memory and notifies the waiting guest, exactly as the sandbox worker's
// host side does, so tests can check that a blocked read or poll wakes up.

import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Mount } from '../../runtime/runtime.js';
import type {
  ByteSink,
  ByteSource,
  GuestClocks,
  GuestContext,
} from '../../runtime/wasm/guest/context.js';
import { GuestExit } from '../../runtime/wasm/guest/context.js';
import { createGuestFileSystem } from '../../runtime/wasm/guest/fs/index.js';
import type { GuestFileSystem } from '../../runtime/wasm/guest/fs/index.js';
import { WasiPreview1 } from '../../runtime/wasm/guest/wasi-p1/index.js';

/** What the test guest is given. */
export interface TestGuestOptions {
  /** argv including argv[0] (default `['guest']`). */
  readonly args?: readonly string[];
  readonly env?: readonly (readonly [string, string])[];
  readonly mounts?: readonly Mount[];
  /** Everything the guest will read on stdin before end-of-file (default: nothing). */
  readonly stdin?: string | Uint8Array;
  /** Deliver `stdin` from another thread this many ms after the context is made. */
  readonly stdinDelayMs?: number;
  /** Longest a wait without a deadline may block before the test fails (default 20 s). */
  readonly maxWaitMs?: number;
}

/** A test guest's context plus what it wrote. */
export interface TestGuest {
  readonly ctx: GuestContext;
  readonly fs: GuestFileSystem;
  stdout(): string;
  stderr(): string;
  /** How many times the guest blocked in waitForActivity. */
  waits(): number;
  /** Closes the filesystem and stops the stdin thread. */
  dispose(): void;
}

// Shared stdin cells (Int32 indices) and where the bytes start.
const ACTIVITY = 0;
const DELIVERED = 1;
const LENGTH = 2;
const DATA_OFFSET = 16;

/** A sink that keeps what the guest wrote. */
class CollectingSink implements ByteSink {
  readonly #chunks: Uint8Array[] = [];
  write(data: Uint8Array): void {
    this.#chunks.push(data.slice());
  }
  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

/**
 * stdin over shared memory: nothing until the DELIVERED cell is set, then the
 * bytes, then end-of-file. Remembers the activity count it last saw so a wait
 * cannot miss a delivery that happened after the guest looked.
 */
class SharedStdin implements ByteSource {
  readonly cells: Int32Array;
  readonly #bytes: Uint8Array;
  #offset = 0;
  seenActivity = 0;

  constructor(shared: SharedArrayBuffer) {
    this.cells = new Int32Array(shared, 0, 4);
    this.#bytes = new Uint8Array(shared, DATA_OFFSET);
  }

  #delivered(): boolean {
    this.seenActivity = Atomics.load(this.cells, ACTIVITY);
    return Atomics.load(this.cells, DELIVERED) === 1;
  }

  read(max: number): Uint8Array | null {
    if (!this.#delivered()) return new Uint8Array(0);
    const length = Atomics.load(this.cells, LENGTH);
    if (this.#offset >= length) return null;
    const end = Math.min(length, this.#offset + max);
    const chunk = this.#bytes.slice(this.#offset, end);
    this.#offset = end;
    return chunk;
  }

  ready(): boolean {
    return this.#delivered();
  }
}

// Runs on the helper thread: waits, copies the bytes in, wakes the guest.
const DELIVERY_THREAD = `
const { workerData } = require('node:worker_threads');
const { shared, bytes, delayMs } = workerData;
setTimeout(() => {
  const cells = new Int32Array(shared, 0, 4);
  new Uint8Array(shared, ${DATA_OFFSET}).set(bytes);
  Atomics.store(cells, ${LENGTH}, bytes.length);
  Atomics.store(cells, ${DELIVERED}, 1);
  Atomics.add(cells, ${ACTIVITY}, 1);
  Atomics.notify(cells, ${ACTIVITY});
}, delayMs);
`;

function testClocks(): GuestClocks {
  return {
    realtimeNs: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)),
    monotonicNs: () => process.hrtime.bigint(),
    cpuTimeNs: () => {
      const usage = process.cpuUsage();
      return BigInt(usage.user + usage.system) * 1000n;
    },
    resolutionNs: 1000n,
  };
}

/** Makes a guest context on this thread. Call `dispose()` when the guest is done. */
export function createTestGuest(options: TestGuestOptions = {}): TestGuest {
  const input =
    typeof options.stdin === 'string'
      ? Buffer.from(options.stdin)
      : (options.stdin ?? new Uint8Array(0));
  const shared = new SharedArrayBuffer(DATA_OFFSET + input.length);
  const stdin = new SharedStdin(shared);
  let deliverer: Worker | undefined;
  if (options.stdinDelayMs === undefined) {
    new Uint8Array(shared, DATA_OFFSET).set(input);
    Atomics.store(stdin.cells, LENGTH, input.length);
    Atomics.store(stdin.cells, DELIVERED, 1);
  } else {
    deliverer = new Worker(DELIVERY_THREAD, {
      eval: true,
      workerData: { shared, bytes: input, delayMs: options.stdinDelayMs },
    });
  }
  const stdout = new CollectingSink();
  const stderr = new CollectingSink();
  const fs = createGuestFileSystem(options.mounts ?? []);
  const clocks = testClocks();
  const maxWaitMs = options.maxWaitMs ?? 20_000;
  let waits = 0;
  const ctx: GuestContext = {
    args: options.args ?? ['guest'],
    env: options.env ?? [],
    stdin,
    stdout,
    stderr,
    fs,
    clocks,
    randomFill: (target) => {
      randomFillSync(target);
    },
    waitForActivity(deadlineNs) {
      waits += 1;
      let timeoutMs = maxWaitMs;
      if (deadlineNs !== undefined) {
        timeoutMs = Math.max(0, Number(deadlineNs - clocks.monotonicNs()) / 1e6);
      }
      const outcome = Atomics.wait(stdin.cells, ACTIVITY, stdin.seenActivity, timeoutMs);
      if (outcome === 'timed-out' && deadlineNs === undefined) {
        throw new Error(`test guest waited ${maxWaitMs} ms for input that never came`);
      }
    },
  };
  return {
    ctx,
    fs,
    stdout: () => stdout.text(),
    stderr: () => stderr.text(),
    waits: () => waits,
    dispose: () => {
      fs.closeAll();
      void deliverer?.terminate();
    },
  };
}

/** How a preview 1 guest run ended. */
export interface Preview1Run {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** Times the guest blocked in waitForActivity. */
  readonly waits: number;
}

const modules = new Map<string, WebAssembly.Module>();

/** Compiles a .wasm file once per test process. */
export function loadModule(path: string): WebAssembly.Module {
  let module = modules.get(path);
  if (module === undefined) {
    module = new WebAssembly.Module(readFileSync(path));
    modules.set(path, module);
  }
  return module;
}

/**
 * Runs a preview 1 command module to completion on this thread. A trap or a
 * host bug propagates; `GuestExit` (proc_exit, a fatal signal) becomes its code.
 */
export function runPreview1(wasmPath: string, options: TestGuestOptions = {}): Preview1Run {
  const guest = createTestGuest(options);
  const started = performance.now();
  let exitCode = 0;
  try {
    const wasi = new WasiPreview1(guest.ctx);
    const instance = new WebAssembly.Instance(loadModule(wasmPath), {
      wasi_snapshot_preview1: wasi.imports,
    });
    const { memory, _start: start } = instance.exports;
    if (!(memory instanceof WebAssembly.Memory) || typeof start !== 'function') {
      throw new Error(`${wasmPath} is not a WASI command`);
    }
    wasi.attach(memory);
    try {
      start();
    } catch (err) {
      if (!(err instanceof GuestExit)) throw err;
      exitCode = err.code;
    }
  } finally {
    guest.dispose();
  }
  return {
    exitCode,
    stdout: guest.stdout(),
    stderr: guest.stderr(),
    elapsedMs: performance.now() - started,
    waits: guest.waits(),
  };
}
