// A pool of sandbox workers shared by every container on the node.
//
// Spawning a worker costs tens of milliseconds, far more than instantiating a
// small guest, so a few are kept started ahead of demand. A worker whose guest
// ended cleanly (it exited, it was not killed and did not trap) is handed out
// again: the guest's instance, memory and WASI state were all per-task objects,
// now garbage, and a guest cannot run JavaScript, so nothing of it survives
// into the next task. Workers that were killed or saw a trap are discarded.

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
  /** Spawned, not yet ready, not yet claimed. */
  readonly #booting: SandboxWorker[] = [];
  #closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.#warm = options.warm ?? 2;
    this.#maxIdle = Math.max(this.#warm, options.maxIdle ?? 8);
  }

  /** Idle, started workers right now. */
  get idleCount(): number {
    return this.#idle.length;
  }

  /** Starts `count` workers now (default: the warm count) instead of on first use. */
  prewarm(count = this.#warm): void {
    this.#refill(count);
  }

  /** A ready worker for exclusive use until `release`. */
  async acquire(): Promise<SandboxWorker> {
    if (this.#closed) throw new Error('the worker pool is closed');
    let worker: SandboxWorker | undefined;
    while ((worker = this.#idle.pop()) && !worker.alive);
    worker ??= this.#booting.shift() ?? new SandboxWorker();
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

  /** Stops every idle and booting worker; busy ones are stopped by their owners. */
  async close(): Promise<void> {
    this.#closed = true;
    const unused = [...this.#idle.splice(0), ...this.#booting.splice(0)];
    await Promise.all(unused.map((worker) => worker.kill('pool closed')));
  }

  #refill(target = this.#warm): void {
    while (!this.#closed && this.#idle.length + this.#booting.length < target) {
      const worker = new SandboxWorker();
      this.#booting.push(worker);
      worker.ready.then(
        () => {
          const at = this.#booting.indexOf(worker);
          if (at < 0) return; // claimed by acquire() while booting
          this.#booting.splice(at, 1);
          this.#idle.push(worker);
        },
        () => {
          const at = this.#booting.indexOf(worker);
          if (at >= 0) this.#booting.splice(at, 1);
        },
      );
    }
  }
}
