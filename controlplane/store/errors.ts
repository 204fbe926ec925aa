// The StoreErrors both stores throw, worded once.

import { StoreError } from './types.js';

export function alreadyExists(key: string): StoreError {
  return new StoreError('AlreadyExists', key, `key ${key} already exists`);
}

export function notFound(key: string): StoreError {
  return new StoreError('NotFound', key, `key ${key} not found`);
}

export function conflict(key: string, current: number, expected: number): StoreError {
  return new StoreError(
    'Conflict',
    key,
    `key ${key} is at revision ${current}, not ${expected}`,
    current,
  );
}

/** `requested` is below the compaction point `compacted`. */
export function compactedError(key: string, requested: number, compacted: number): StoreError {
  return new StoreError(
    'Compacted',
    key,
    `revision ${requested} is compacted (the oldest kept is ${compacted})`,
    compacted,
  );
}

export function closedError(key = ''): StoreError {
  return new StoreError('Closed', key, 'the store is closed');
}

export function tooSlow(prefix: string, limit: number): StoreError {
  return new StoreError(
    'WatcherTooSlow',
    prefix,
    `the watch of ${prefix} fell more than ${limit} events behind`,
  );
}

/** Throws a RangeError unless `revision` is a whole number ≥ 0. */
export function checkRevision(revision: number, what: string): void {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new RangeError(`${what} must be a whole number ≥ 0, not ${revision}`);
  }
}
