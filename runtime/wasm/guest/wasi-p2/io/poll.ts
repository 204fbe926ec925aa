// `wasi:io/poll`: pollables and `poll`. A guest runs synchronously on its worker
// thread, so waiting means blocking that thread with the guest context's
// `waitForActivity` (Atomics.wait underneath): it wakes when input may have
// arrived or a deadline passed, and `worker.terminate()` interrupts it.

import type { Pollable as PollableApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-io-poll';
import type { GuestContext } from '../../context.js';
import { GuestTrap } from '../wit.js';

/** The part of the guest context that blocking needs. */
export type ActivityWaiter = Pick<GuestContext, 'waitForActivity'>;

// Never called: an always-ready pollable has nothing to wait for.
const NO_WAITING: ActivityWaiter = {
  waitForActivity() {
    throw new Error('an always-ready pollable waited');
  },
};

/** A `pollable` resource: ready once its condition holds. */
export class Pollable implements PollableApi {
  readonly #waiter: ActivityWaiter;
  readonly #isReady: () => boolean;
  readonly #deadlineNs: bigint | undefined;

  /**
   * `isReady` must be cheap and side-effect free. `deadlineNs` (monotonic clock)
   * is given by clock pollables, which become ready at that instant; waits are
   * then bounded by it instead of waiting for input only.
   */
  constructor(waiter: ActivityWaiter, isReady: () => boolean, deadlineNs?: bigint) {
    this.#waiter = waiter;
    this.#isReady = isReady;
    this.#deadlineNs = deadlineNs;
  }

  /** A pollable that is ready from the start (for things that never wait). */
  static alwaysReady(): Pollable {
    return new Pollable(NO_WAITING, () => true);
  }

  /** True when `block` would return at once. */
  ready(): boolean {
    return this.#isReady();
  }

  /** Blocks the guest's thread until ready. */
  block(): void {
    while (!this.#isReady()) this.#waiter.waitForActivity(this.#deadlineNs);
  }

  /** The instant this pollable becomes ready by itself, when it is a clock one. */
  get deadlineNs(): bigint | undefined {
    return this.#deadlineNs;
  }
}

/**
 * `poll(in)`: the indices of the ready pollables, blocking until at least one
 * is. An empty list would block forever, so it traps (as in Wasmtime).
 */
export function pollList(waiter: ActivityWaiter, pollables: readonly Pollable[]): Uint32Array {
  if (pollables.length === 0) throw new GuestTrap('poll: the list of pollables is empty');
  let deadline: bigint | undefined;
  for (const pollable of pollables) {
    const own = pollable.deadlineNs;
    if (own !== undefined && (deadline === undefined || own < deadline)) deadline = own;
  }
  for (;;) {
    const ready: number[] = [];
    pollables.forEach((pollable, index) => {
      if (pollable.ready()) ready.push(index);
    });
    if (ready.length > 0) return Uint32Array.from(ready);
    waiter.waitForActivity(deadline);
  }
}
