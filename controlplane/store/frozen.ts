// Values shared between watchers (one event object fans out to all of them)
// are frozen, so that one consumer's mutation cannot change what the others,
// or the memory store itself, hold.

import { copyJson } from '../api/json-values.js';

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A deep, frozen copy of a caller's value: later changes by the caller do not reach it. */
export function frozenCopy<T>(value: T): T {
  return deepFreeze(copyJson(value));
}
