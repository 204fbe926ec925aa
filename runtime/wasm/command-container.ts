// A container whose guest runs to completion: a WASI preview 1 `_start` or a
// `wasi:cli/run` component, on a worker of its own for its whole life.
//
// Stopping: a Wasm guest cannot catch signals, so SIGTERM or SIGINT end it at
// once with that signal's default action (exit 143 or 130), just as they end a
// native process that installed no handler. The grace period therefore never
// has to run out for a command guest.

import type { ContainerStats, ExitResult, StdinSource, StopOptions } from '../runtime.js';
import { WasmContainer, signalExitCode, terminationOf } from './container-state.js';
import { ControlCell, createControlBlock, signalActivity } from './sandbox/control-block.js';
import type { GuestSetup, SandboxTask } from './sandbox/protocol.js';
import { SharedByteQueue, createSharedByteQueue } from './sandbox/shared-byte-queue.js';
import type { SandboxWorker, TaskEnd } from './sandbox/sandbox-worker.js';
import type { WorkerPool } from './sandbox/worker-pool.js';

/** What a command task needs besides its guest setup. */
export type CommandTask = (guest: GuestSetup) => SandboxTask;

export interface CommandContainerOptions {
  readonly name: string;
  readonly pool: WorkerPool;
  readonly task: CommandTask;
  readonly guest: Omit<GuestSetup, 'control' | 'stdin'>;
  readonly stdin?: StdinSource;
  readonly memoryLimitBytes: number;
}

export class CommandContainer extends WasmContainer {
  readonly #control = createControlBlock();
  readonly #memoryLimitBytes: number;
  #worker: SandboxWorker | undefined;
  #stopRequested: StopOptions | undefined;

  constructor(options: CommandContainerOptions) {
    super(options.name);
    this.#memoryLimitBytes = options.memoryLimitBytes;
    void this.#run(options);
  }

  stats(): ContainerStats {
    const running = this.#worker !== undefined && !this.state.result;
    return {
      memoryBytes: running
        ? Atomics.load(new Int32Array(this.#control), ControlCell.memoryPages) * 65536
        : 0,
      memoryLimitBytes: this.#memoryLimitBytes,
      instances: running ? 1 : 0,
    };
  }

  async stop(options: StopOptions = {}): Promise<ExitResult> {
    if (this.state.result) return this.state.result;
    const signal = options.signal ?? 'SIGTERM';
    this.#stopRequested ??= { signal };
    // Before the worker exists the run loop sees #stopRequested and never starts the guest.
    if (this.#worker) await this.#worker.kill(`stopped by ${signal}`);
    return this.state.wait();
  }

  async #run(options: CommandContainerOptions): Promise<void> {
    const stdin = options.stdin ? createSharedByteQueue() : undefined;
    const guest: GuestSetup = {
      ...options.guest,
      control: this.#control,
      ...(stdin ? { stdin } : {}),
    };
    let worker: SandboxWorker;
    try {
      worker = await options.pool.acquire();
    } catch (error) {
      this.state.finish({ exitCode: 128, reason: 'StartError', message: String(error) });
      return;
    }
    if (this.#stopRequested) {
      options.pool.release(worker, true);
      this.#finishStopped();
      return;
    }
    this.#worker = worker;
    if (options.stdin && stdin) {
      void pumpStdin(
        options.stdin,
        new SharedByteQueue(stdin),
        this.#control,
        () => this.state.result !== undefined,
      );
    }
    const end = await worker.run(options.task(guest), (message) => {
      if (message.type === 'output')
        this.state.log.append(message.fd === 1 ? 'stdout' : 'stderr', message.data);
    });
    options.pool.release(worker, end.outcome.kind === 'exit' && !end.workerLost);
    if (this.#stopRequested) this.#finishStopped();
    else this.#finish(end);
  }

  #finish(end: TaskEnd): void {
    this.state.finish(terminationOf(end.outcome));
  }

  #finishStopped(): void {
    const signal = this.#stopRequested?.signal ?? 'SIGKILL';
    this.state.finish({ exitCode: signalExitCode(signal), reason: 'Error', signal });
  }
}

/**
 * Copies the stdin source into the shared queue, waiting while the queue is full,
 * until the source ends or the container has exited.
 */
async function pumpStdin(
  source: StdinSource,
  queue: SharedByteQueue,
  control: SharedArrayBuffer,
  exited: () => boolean,
): Promise<void> {
  const cells = new Int32Array(control);
  try {
    for await (const chunk of source) {
      let offset = 0;
      while (offset < chunk.length) {
        if (exited()) return;
        offset += queue.write(chunk.subarray(offset));
        signalActivity(cells);
        if (offset < chunk.length) await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
  } finally {
    queue.close();
    signalActivity(cells);
  }
}
