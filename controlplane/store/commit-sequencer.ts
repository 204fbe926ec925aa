// LMDB resolves the writes of one batch, and batches, in commit order, but a
// write learns of its commit in a promise continuation; this puts the
// publications back in revision order regardless, so that watchers and
// `revision()` never see revision n + 1 before n.

import type { StoreEvent } from './types.js';

/** Publishes committed events strictly in revision order. */
export class CommitSequencer {
  #revision: number;
  readonly #waiting = new Map<number, { event: StoreEvent; published: () => void }>();
  readonly #publish: (event: StoreEvent) => void;

  /** `revision`: the last revision already published (the store's revision at open). */
  constructor(revision: number, publish: (event: StoreEvent) => void) {
    this.#revision = revision;
    this.#publish = publish;
  }

  /** The last published revision. */
  get revision(): number {
    return this.#revision;
  }

  /** Records that `event` committed; resolves once it (and every earlier revision) is published. */
  committed(event: StoreEvent): Promise<void> {
    return new Promise((published) => {
      this.#waiting.set(event.revision, { event, published });
      for (;;) {
        const next = this.#waiting.get(this.#revision + 1);
        if (!next) break;
        this.#waiting.delete(this.#revision + 1);
        this.#revision++;
        this.#publish(next.event);
        next.published();
      }
    });
  }
}
