// Timestamp updates. Node's utimes family takes seconds as a double and has no
// UTIME_OMIT/UTIME_NOW, so "unchanged" re-applies the current value and "now" is
// the host's wall clock; precision is about a quarter of a microsecond.

import type { BigIntStats } from 'node:fs';
import type { NewTime } from './types.js';

const NS_PER_SECOND = 1_000_000_000n;

/** Seconds (with fraction) for Node's utimes functions. */
export function nsToSeconds(ns: bigint): number {
  return Number(ns / NS_PER_SECOND) + Number(ns % NS_PER_SECOND) / 1e9;
}

/** True when applying these updates needs the object's current times. */
export function needsCurrentTimes(atime: NewTime, mtime: NewTime): boolean {
  return atime === 'unchanged' || mtime === 'unchanged';
}

/**
 * The `[atime, mtime]` seconds to pass to utimes. `current` is required when
 * either update is `'unchanged'` (see `needsCurrentTimes`).
 */
export function timesToApply(
  atime: NewTime,
  mtime: NewTime,
  current: BigIntStats | undefined,
): [number, number] {
  const now = Date.now() / 1000;
  const pick = (update: NewTime, currentNs: bigint | undefined): number => {
    if (update === 'now') return now;
    if (update === 'unchanged') return nsToSeconds(currentNs ?? 0n);
    return nsToSeconds(update);
  };
  return [pick(atime, current?.atimeNs), pick(mtime, current?.mtimeNs)];
}
