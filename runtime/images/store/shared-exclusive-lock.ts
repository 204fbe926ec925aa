// A readers-writer lock for one process: ingest sessions (and tag/remove) hold
// it shared, `prune` holds it exclusively, so a prune never deletes a blob that
// an ingest in progress has written but not yet recorded.
//
// Waiters are served strictly in arrival order: once a prune is waiting, new
// sessions queue behind it, so a steady stream of pulls cannot starve it.

/** Gives the lock back. Calling it twice is a no-op. */
export type Release = () => void;

interface Waiter {
  readonly exclusive: boolean;
  readonly grant: () => void;
}

export class SharedExclusiveLock {
  #sharedHolders = 0;
  #exclusiveHeld = false;
  readonly #queue: Waiter[] = [];

  /** Resolves once no exclusive holder is active or queued ahead; many may share. */
  acquireShared(): Promise<Release> {
    return this.#acquire(false);
  }

  /** Resolves once every earlier holder has released; no one else holds it meanwhile. */
  acquireExclusive(): Promise<Release> {
    return this.#acquire(true);
  }

  /** Holders right now (for tests and diagnostics). */
  get state(): { readonly shared: number; readonly exclusive: boolean; readonly waiting: number } {
    return {
      shared: this.#sharedHolders,
      exclusive: this.#exclusiveHeld,
      waiting: this.#queue.length,
    };
  }

  #acquire(exclusive: boolean): Promise<Release> {
    return new Promise((resolve) => {
      this.#queue.push({ exclusive, grant: () => resolve(this.#releaser(exclusive)) });
      this.#drain();
    });
  }

  #releaser(exclusive: boolean): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (exclusive) this.#exclusiveHeld = false;
      else this.#sharedHolders--;
      this.#drain();
    };
  }

  /** Grants waiters from the head of the queue while they are compatible with the holders. */
  #drain(): void {
    for (;;) {
      const next = this.#queue[0];
      if (next === undefined || this.#exclusiveHeld) return;
      if (next.exclusive) {
        if (this.#sharedHolders > 0) return;
        this.#exclusiveHeld = true;
      } else {
        this.#sharedHolders++;
      }
      this.#queue.shift();
      next.grant();
    }
  }
}
