// The revision log: one entry per write, kept until compaction. An entry
// holds what a watch replays (the event) and what a paginated list needs to
// read a key as it was before the write (the previous value and revisions).

import { deepFreeze } from './frozen.js';
import type { StoreEvent, StoreEventType, Stored } from './types.js';

/** One write, as the log keeps it. */
export interface LogEntry {
  readonly type: StoreEventType;
  readonly key: string;
  readonly revision: number;
  /** ADDED, MODIFIED: the new value (DELETED: absent; the last value is `previous`). */
  readonly value?: unknown;
  /** The createRevision of the key this write produced or deleted. */
  readonly createRevision: number;
  /** MODIFIED, DELETED: the value before the write. */
  readonly previous?: unknown;
  /** MODIFIED, DELETED: the revision that wrote `previous`. */
  readonly previousRevision?: number;
}

/** The watch event of `entry`, frozen (its values are frozen in place). */
export function eventOf(entry: LogEntry): StoreEvent {
  const value = deepFreeze(entry.type === 'DELETED' ? entry.previous : entry.value);
  return Object.freeze({
    type: entry.type,
    key: entry.key,
    value,
    revision: entry.revision,
    ...(entry.type === 'ADDED' ? {} : { previous: deepFreeze(entry.previous) }),
  });
}

/** The key of `entry` as it was just before the write; undefined when absent. */
export function stateBefore(entry: LogEntry): Stored | undefined {
  if (entry.type === 'ADDED') return undefined;
  return {
    key: entry.key,
    value: entry.previous,
    revision: entry.previousRevision ?? 0,
    createRevision: entry.createRevision,
  };
}

/** The log entry of a write of `value` to `key` at `revision`, over `current` (absent: undefined). */
export function entryFor(
  key: string,
  revision: number,
  current: Stored | undefined,
  value: unknown,
  deleting: boolean,
): LogEntry {
  if (current === undefined) {
    return { type: 'ADDED', key, revision, value, createRevision: revision };
  }
  const before = { previous: current.value, previousRevision: current.revision };
  if (deleting) {
    return { type: 'DELETED', key, revision, createRevision: current.createRevision, ...before };
  }
  return {
    type: 'MODIFIED',
    key,
    revision,
    value,
    createRevision: current.createRevision,
    ...before,
  };
}

/** The stored value a write leaves (for DELETED: the deleted value at the delete's revision). */
export function storedAfter(entry: LogEntry): Stored {
  return {
    key: entry.key,
    value: entry.type === 'DELETED' ? entry.previous : entry.value,
    revision: entry.revision,
    createRevision: entry.createRevision,
  };
}
