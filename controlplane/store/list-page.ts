// One page of a list read at an older revision R, as etcd serves every page
// after the first: the keys as they are now, corrected by the log of writes
// after R (a key written since R is shown as it was at R, or not at all when
// it did not exist then). Both stores build pages this way; the first page is
// the special case of an empty correction.

import { compareKeys } from './key-order.js';
import { stateBefore, type LogEntry } from './log-entry.js';
import type { Stored } from './types.js';

/** A key written after the list revision. */
export interface Change {
  /** The key at the list revision; undefined when it did not exist then. */
  readonly then: Stored | undefined;
  /** Whether the key exists now. */
  now: boolean;
}

/**
 * The keys under `prefix` after `after` that `entries` (the log after the
 * list revision, in revision order) wrote, with their state at that revision.
 */
export function changesSince(
  entries: Iterable<LogEntry>,
  prefix: string,
  after: string | undefined,
): Map<string, Change> {
  const changes = new Map<string, Change>();
  for (const entry of entries) {
    if (!entry.key.startsWith(prefix)) continue;
    if (after !== undefined && compareKeys(entry.key, after) <= 0) continue;
    const change = changes.get(entry.key);
    if (change) change.now = entry.type !== 'DELETED';
    else changes.set(entry.key, { then: stateBefore(entry), now: entry.type !== 'DELETED' });
  }
  return changes;
}

/**
 * A list revision ahead of the store: a continue token that is not one of
 * this store's, or a caller asking for a revision not written yet.
 */
export function beyondLatest(fromToken: boolean, at: number, latest: number): RangeError {
  return new RangeError(
    fromToken ? 'invalid continue token' : `revision ${at} is ahead of the latest, ${latest}`,
  );
}

/** A list's `limit` as a count of items; undefined (no limit) for none, 0 or less, as Kubernetes reads it. */
export function pageLimit(limit: number | undefined): number | undefined {
  if (limit === undefined || !(limit >= 1)) return undefined;
  return Math.floor(limit);
}

/** What a page is assembled from. */
export interface PageSource {
  /** The keys now, in key order, under the prefix and after the token's key. */
  readonly current: Iterable<Stored>;
  readonly changes: ReadonlyMap<string, Change>;
  /** At most this many items; undefined: all. */
  readonly limit: number | undefined;
  /** How many keys under the prefix exist now after `key`. */
  countAfter(key: string): number;
}

/** One page of a list. */
export interface Page {
  readonly items: Stored[];
  /** How many follow (present when some do). */
  readonly remaining?: number;
}

/** The page `source` describes: key order, at most `limit` items. */
export function assemblePage(source: PageSource): Page {
  const { changes, limit } = source;
  const restored = [...changes.values()]
    .map((change) => change.then)
    .filter((then): then is Stored => then !== undefined)
    .sort((a, b) => compareKeys(a.key, b.key));
  const items: Stored[] = [];
  const iterator = source.current[Symbol.iterator]();
  const nextCurrent = (): Stored | undefined => {
    for (;;) {
      const step = iterator.next();
      if (step.done) return undefined;
      if (!changes.has(step.value.key)) return step.value;
    }
  };
  let more = false;
  try {
    let current = nextCurrent();
    let r = 0;
    for (;;) {
      const old = restored[r];
      if (current === undefined && old === undefined) break;
      if (limit !== undefined && items.length >= limit) {
        more = true;
        break;
      }
      if (old === undefined || (current !== undefined && compareKeys(current.key, old.key) < 0)) {
        items.push(current as Stored);
        current = nextCurrent();
      } else {
        items.push(old);
        r++;
      }
    }
  } finally {
    iterator.return?.();
  }
  if (!more) return { items };
  const last = (items[items.length - 1] as Stored).key;
  let remaining = source.countAfter(last);
  for (const [key, change] of changes) {
    if (compareKeys(key, last) <= 0) continue;
    if (change.now) remaining--;
    if (change.then) remaining++;
  }
  return { items, remaining };
}
