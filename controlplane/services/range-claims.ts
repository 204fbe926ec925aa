// Allocations as keys of the store (`/registry/ranges/<range>/<member>`): the
// store's create is the lock, so two objects never hold the same member of a
// range (a Service's cluster IP or node port, a Node's pod CIDR).

import type { Store } from '../store/types.js';
import { StoreError } from '../store/types.js';

const RANDOM_ATTEMPTS = 32;

/** Takes `key` for `holder`; false when another holds it. */
export async function claim(store: Store, key: string, holder: string): Promise<boolean> {
  try {
    await store.create(key, { owner: holder });
    return true;
  } catch (error) {
    if (error instanceof StoreError && error.code === 'AlreadyExists') return false;
    throw error;
  }
}

/** Claims a random free member of [0, size) under `prefix`, scanning when random picks keep colliding. */
export async function claimFree(
  store: Store,
  prefix: string,
  size: number,
  key: (n: number) => string,
  holder: string,
): Promise<number | undefined> {
  for (let attempt = 0; attempt < RANDOM_ATTEMPTS; attempt++) {
    const n = Math.floor(Math.random() * size);
    if (await claim(store, key(n), holder)) return n;
  }
  return claimLowest(store, prefix, size, key, holder);
}

/** Frees `keys`; a key already gone is not an error. */
export async function release(store: Store, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    await store.delete(key).catch((error: unknown) => {
      if (!(error instanceof StoreError && error.code === 'NotFound')) throw error;
    });
  }
}

/** Claims the lowest free member of [0, size) under `prefix` (Kubernetes' node IPAM hands out CIDRs in order). */
export async function claimLowest(
  store: Store,
  prefix: string,
  size: number,
  key: (n: number) => string,
  holder: string,
): Promise<number | undefined> {
  const taken = new Set((await store.list(prefix)).items.map((item) => item.key));
  for (let n = 0; n < size; n++) {
    if (!taken.has(key(n)) && (await claim(store, key(n), holder))) return n;
  }
  return undefined;
}
