// The latest values of recently read or written keys, kept by the LMDB store
// so that a get of a hot key (the namespace every create checks, the object a
// controller reads back) costs a copy instead of an LMDB read: the first read
// after each commit renews LMDB's read transaction, which alone cost more
// than the rest of a namespace lookup (~20 µs, measured under pod creates).
// Bounded by count and by value size, so that what it pins stays small
// (256 × 64 KiB of JSON at the very worst, well under a MiB for usual objects).

import type { Stored } from './types.js';

/** Values larger than this as JSON are not kept: a few big ConfigMaps would pin megabytes. */
export const MAX_KEPT_VALUE_BYTES = 64 * 1024;

/**
 * At most `capacity` keys' latest values (frozen), the least recently used
 * dropped first. What is worth keeping (MAX_KEPT_VALUE_BYTES) is the
 * caller's call, made before it freezes a value for keeping.
 */
export class RecentValues {
  readonly #entries = new Map<string, Stored>();

  constructor(readonly capacity: number) {}

  /** The key's value as last recorded, or undefined when not kept. */
  get(key: string): Stored | undefined {
    const stored = this.#entries.get(key);
    if (stored === undefined) return undefined;
    // Map order is insertion order: re-inserting marks the key recently used.
    this.#entries.delete(key);
    this.#entries.set(key, stored);
    return stored;
  }

  /**
   * Records the key's value (frozen by the caller). A value older than the
   * one kept is ignored, so that a late caller cannot put an old value back.
   */
  record(stored: Stored): void {
    const kept = this.#entries.get(stored.key);
    if (kept !== undefined && kept.revision >= stored.revision) return;
    this.#entries.delete(stored.key);
    this.#entries.set(stored.key, stored);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets the key (deleted, or its latest value is not kept). */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
