// A pool of sandbox workers shared by every container on the node.
//
// Spawning a worker costs ~20 ms, far more than instantiating a small guest, so
// a few are kept started ahead of demand. A worker whose guest ended cleanly
// (it exited, it was not killed or trapped) is handed out again: the guest's
// instance, memory and WASI state were all per-task objects, now garbage, and a
// guest cannot run JavaScript, so nothing of it survives into the next task.
// Workers that were killed or saw a trap are discarded.

import { SandboxWorker } from './sandbox-worker.js';

export interface WorkerPoolOptions {
  /** Idle workers kept started ahead of demand. */
  readonly warm?: number;
  /** Idle workers kept at most; the rest are stopped when released. */
  readonly maxIdle?: number;
}

export class WorkerPool {
  readonly #warm: number;
  readonly #maxIdle: number;
  readonly #idle: SandboxWorker[] = [];
  #starting = 0;
  #closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.#warm = options.warm ?? 2;
    this.#maxIdle = Math.max(this.#warm, options.maxIdle ?? 8);
  }

  /** Idle, started workers right now. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** Starts the warm workers now instead of on first use. */
  prewarm(): void {
    this.#refill();
  }

  /** A ready worker for exclusive use until `release`. */
  async acquire(): Promise<SandboxWorker> {
    if (this.#closed) throw new Error('the worker pool is closed');
    for (let worker = this.#idle.pop(); worker; worker = this.#idle.pop()) {
      if (worker.alive) {
        this.#refill();
        return worker;
      }
    }
    const worker = new SandboxWorker();
    this.#refill();
    await worker.ready;
    return worker;
  }

  /** Gives a worker back; `reusable` only when its last guest ended cleanly. */
  release(worker: SandboxWorker, reusable: boolean): void {
    if (
      reusable &&
      worker.alive &&
      !worker.busy &&
      !this.#closed &&
      this.#idle.length < this.#maxIdle
    ) {
      this.#idle.push(worker);
      return;
    }
    void worker.kill('released');
  }

  /** Stops every idle worker; busy ones are stopped by their owners. */
  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((worker) => worker.kill('pool closed')));
  }

  #refill(): void {
    while (!this.#closed && this.#idle.length + this.#starting < this.#warm) {
      this.#starting++;
      const worker = new SandboxWorker();
      worker.ready.then(
        () => {
          this.#starting--;
          if (this.#closed) void worker.kill('pool closed');
          else this.#idle.push(worker);
        },
        () => {
          this.#starting--;
        },
      );
    }
  }
}
