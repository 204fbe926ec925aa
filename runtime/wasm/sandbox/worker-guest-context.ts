// Builds a GuestContext inside a sandbox worker from the task's GuestSetup.
//
// Output goes to the host as messages, with back-pressure through the control
// block; input comes from a SharedByteQueue; waits are Atomics.wait on the
// control block's activity cell, so both a host notify and worker.terminate()
// end them.

import { randomFillSync } from 'node:crypto';
import type { ByteSink, ByteSource, GuestClocks, GuestContext } from '../guest/context.js';
import type { GuestFileSystem } from '../guest/fs/types.js';
import { ControlCell, OUTPUT_HIGH_WATER_BYTES } from './control-block.js';
import type { GuestSetup, WorkerMessage } from './protocol.js';
import { SharedByteQueue } from './shared-byte-queue.js';

/** Sends a message to the host thread, transferring the listed buffers. */
export type PostToHost = (message: WorkerMessage, transfer?: ArrayBuffer[]) => void;

const EMPTY_SOURCE: ByteSource = { read: () => null, ready: () => true };

/** A stream from a fixed byte array (a buffered request body). */
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

function queueSource(queue: SharedByteQueue): ByteSource {
  return { read: (max) => queue.read(max), ready: () => queue.ready() };
}

/** A sink that posts each write to the host as guest output on `fd`. */
export function outputSink(fd: 1 | 2, control: Int32Array, post: PostToHost): ByteSink {
  return {
    write(data) {
      if (data.length === 0) return;
      // Back-pressure: a guest printing in a loop must not queue unbounded messages.
      for (;;) {
        const pending = Atomics.load(control, ControlCell.pendingOutputBytes);
        if (pending < OUTPUT_HIGH_WATER_BYTES) break;
        Atomics.wait(control, ControlCell.pendingOutputBytes, pending, 100);
      }
      const copy = data.slice();
      Atomics.add(control, ControlCell.pendingOutputBytes, copy.length);
      post({ type: 'output', fd, data: copy }, [copy.buffer]);
    },
  };
}

/** A sink that keeps everything in memory (a CGI response read back after exit). */
export class CollectingSink implements ByteSink {
  readonly #chunks: Uint8Array[] = [];
  write(data: Uint8Array): void {
    this.#chunks.push(data.slice());
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.#chunks);
  }
}

function guestClocks(): GuestClocks {
  const started = process.hrtime.bigint();
  const originMs = performance.timeOrigin;
  const originWholeMs = BigInt(Math.floor(originMs));
  const originFractionMs = originMs - Math.floor(originMs);
  return {
    realtimeNs: () =>
      originWholeMs * 1_000_000n + BigInt(Math.round((originFractionMs + performance.now()) * 1e6)),
    monotonicNs: () => process.hrtime.bigint(),
    // Node 20 has no per-thread CPU clock; the guest owns its thread, so time
    // since it started is an upper bound that only idles inflate.
    cpuTimeNs: () => process.hrtime.bigint() - started,
    resolutionNs: 1_000n,
  };
}

export interface WorkerGuestContextOptions {
  readonly setup: GuestSetup;
  readonly fs: GuestFileSystem;
  readonly post: PostToHost;
  /** Replaces the guest's stdin (a request body). */
  readonly stdin?: ByteSource;
  /** Replaces the guest's stdout (a CGI response). */
  readonly stdout?: ByteSink;
  /** Called when the guest writes output or blocks (a moment to refresh gauges). */
  readonly onHostCall?: () => void;
}

/** The GuestContext for one task. */
export function createWorkerGuestContext(options: WorkerGuestContextOptions): GuestContext {
  const { setup, fs, post } = options;
  const onHostCall = options.onHostCall ?? (() => undefined);
  const observed = (sink: ByteSink): ByteSink => ({
    write(data) {
      onHostCall();
      sink.write(data);
    },
  });
  const control = new Int32Array(setup.control);
  const stdinQueue = setup.stdin ? new SharedByteQueue(setup.stdin) : undefined;
  const clocks = guestClocks();
  let seenActivity = Atomics.load(control, ControlCell.activity);
  return {
    args: setup.args,
    env: setup.env,
    ...(setup.workingDir === undefined ? {} : { workingDir: setup.workingDir }),
    stdin: options.stdin ?? (stdinQueue ? queueSource(stdinQueue) : EMPTY_SOURCE),
    stdout: observed(options.stdout ?? outputSink(1, control, post)),
    stderr: observed(outputSink(2, control, post)),
    fs,
    clocks,
    randomFill: (target) => void randomFillSync(target),
    waitForActivity(deadlineNs) {
      onHostCall();
      const timeoutMs =
        deadlineNs === undefined
          ? Infinity
          : Math.max(0, Number(deadlineNs - clocks.monotonicNs()) / 1e6);
      Atomics.wait(control, ControlCell.activity, seenActivity, timeoutMs);
      seenActivity = Atomics.load(control, ControlCell.activity);
    },
  };
}
