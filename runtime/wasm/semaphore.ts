// Bounds how many async jobs run at once; the rest wait in arrival order.

export class Semaphore {
  readonly #waiting: (() => void)[] = [];
  #available: number;

  constructor(readonly capacity: number) {
    this.#available = capacity;
  }

  /** Runs `job` once a slot is free and frees the slot when it settles. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#available > 0) this.#available--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await job();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#available++;
    }
  }
}
