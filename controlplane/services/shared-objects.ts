// Every watcher of a type receives the same store event; converting its value
// into an API object once, instead of once per watcher, is what lets a
// hundred watchers follow a busy type. The shared object is frozen, so no
// watcher can change what the others see.

import type { KubeObject } from '../api/types.js';
import { deepFreeze } from '../store/frozen.js';
import { fromStore } from './object-access.js';

const converted = new WeakMap<object, KubeObject>();

/**
 * The frozen API object of the value a store event carries (stamped with the
 * event's revision), made once per value and shared by every caller.
 */
export function sharedApiObject(value: unknown, revision: number): KubeObject {
  if (typeof value !== 'object' || value === null) return fromStore(value, revision);
  let object = converted.get(value);
  if (object === undefined || object.metadata.resourceVersion !== String(revision)) {
    object = deepFreeze(fromStore(value, revision));
    converted.set(value, object);
  }
  return object;
}
