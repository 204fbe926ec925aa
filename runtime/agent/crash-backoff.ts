// The kubelet's restart back-off: the first restart of a container that
// ended is immediate; the next waits `initialMs` (10 s), doubling on each
// further restart up to `maxMs` (5 min). A container that ran for `resetAfterMs` (10 min) before it
// ended starts over from the initial delay, as the kubelet forgets a back-off
// entry after twice the maximum.

/** Delays of the crash-loop back-off; tests shorten them. */
export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** A run at least this long resets the delay. Default 2 × maxMs. */
  readonly resetAfterMs?: number;
}

/** The back-off of one container. */
export class CrashBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #resetAfterMs: number;
  #nextMs: number;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 10_000;
    this.#maxMs = options.maxMs ?? 300_000;
    this.#resetAfterMs = options.resetAfterMs ?? 2 * this.#maxMs;
    this.#nextMs = 0;
  }

  /** The wait before the next start, given how long the last run lasted; advances the back-off. */
  next(lastRunMs: number): number {
    if (lastRunMs >= this.#resetAfterMs) this.#nextMs = 0;
    const delay = this.#nextMs;
    this.#nextMs = delay === 0 ? this.#initialMs : Math.min(this.#maxMs, delay * 2);
    return delay;
  }
}
