// The host's side of one sandbox worker thread: starts it, runs one task at a
// time on it, relays what the guest produces, and kills it on demand.

import { Worker } from 'node:worker_threads';
import { acknowledgeOutput } from './control-block.js';
import type { SandboxTask, TaskOutcome, WorkerMessage } from './protocol.js';

/** Receives what a running task produces, except its final `done`. */
export type TaskListener = (message: Exclude<WorkerMessage, { type: 'done' | 'ready' }>) => void;

export interface TaskEnd {
  readonly outcome: TaskOutcome;
  readonly memoryBytes: number;
  /** The worker died or was killed; it must not be reused. */
  readonly workerLost: boolean;
}

const WORKER_URL = new URL('./worker-main.js', import.meta.url);

// A guest's linear memory lives outside the JS heap; these limits only bound the
// host glue running beside it (jco's bindings, our WASI layer).
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

/** One worker thread hosting at most one guest instance at a time. */
export class SandboxWorker {
  readonly #worker: Worker;
  readonly ready: Promise<void>;
  #current:
    { control: Int32Array; listener: TaskListener; finish: (end: TaskEnd) => void } | undefined;
  #alive = true;
  #killedBecause: string | undefined;

  constructor() {
    this.#worker = new Worker(WORKER_URL, {
      resourceLimits: RESOURCE_LIMITS,
      // The host's flags (a test runner's loaders, an inspector) are not the guest's business.
      execArgv: [],
      // A guest stopped mid-call never reaches its cleanup: Node closes the fds the
      // thread opened when it ends (the default, stated because we rely on it).
      trackUnmanagedFds: true,
    });
    this.#worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type !== 'ready') return;
        this.#worker.off('error', reject);
        resolve();
      };
      this.#worker.once('message', onMessage);
      this.#worker.once('error', reject);
    });
    this.#worker.on('message', (message: WorkerMessage) => this.#onMessage(message));
    this.#worker.on('error', (error) => this.#lost(`sandbox worker failed: ${error.message}`));
    this.#worker.on('exit', (code) =>
      this.#lost(this.#killedBecause ?? `sandbox worker exited (${code})`),
    );
  }

  get alive(): boolean {
    return this.#alive;
  }

  get busy(): boolean {
    return this.#current !== undefined;
  }

  /** Runs `task`; resolves when the guest ended or the worker was lost. */
  run(task: SandboxTask, listener: TaskListener): Promise<TaskEnd> {
    if (!this.#alive) return Promise.reject(new Error('sandbox worker is gone'));
    if (this.#current) return Promise.reject(new Error('sandbox worker is busy'));
    return new Promise((finish) => {
      this.#current = { control: new Int32Array(task.guest.control), listener, finish };
      this.#worker.ref();
      this.#worker.postMessage(task);
    });
  }

  /** Ends the thread at once, whatever the guest is doing (a spin, a sleep, a wait). */
  async kill(reason: string): Promise<void> {
    if (!this.#alive) return;
    this.#killedBecause = reason;
    await this.#worker.terminate();
  }

  #onMessage(message: WorkerMessage): void {
    const current = this.#current;
    if (!current || message.type === 'ready') return;
    if (message.type === 'done') {
      this.#current = undefined;
      this.#worker.unref();
      current.finish({
        outcome: message.outcome,
        memoryBytes: message.memoryBytes,
        workerLost: false,
      });
      return;
    }
    current.listener(message);
    if (message.type === 'output') acknowledgeOutput(current.control, message.data.length);
  }

  #lost(reason: string): void {
    if (!this.#alive) return;
    this.#alive = false;
    const current = this.#current;
    this.#current = undefined;
    current?.finish({
      outcome: { kind: 'trap', message: reason, oom: false },
      memoryBytes: 0,
      workerLost: true,
    });
  }
}
