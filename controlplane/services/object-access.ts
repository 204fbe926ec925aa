// One type's objects in the store: keys, namespace resolution, and the
// conversion between stored values (no resourceVersion) and API objects
// (resourceVersion = the revision of the write that produced them).

import { notFound } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { TypeContext, StoredObject } from './context.js';
import { isKeySafe, objectKey } from './keys.js';
import { clone, isKubeObject } from './object-utils.js';

/** Namespaced types act in `requested`, else `default` (kubectl's default); cluster-scoped types in none. */
export function effectiveNamespace(
  ctx: TypeContext,
  requested: string | undefined,
): string | undefined {
  if (!ctx.type.namespaced) return undefined;
  return requested && requested !== '' ? requested : 'default';
}

/** The API object for a stored value: a copy, stamped with `revision` as its resourceVersion. */
export function fromStore(value: unknown, revision: number): KubeObject {
  if (!isKubeObject(value))
    throw new Error(`stored value at revision ${revision} is not an API object`);
  const object = clone(value);
  object.metadata.resourceVersion = String(revision);
  return object;
}

/**
 * The API object for a value the store handed over as a fresh copy (the
 * result of get, list, create, update or delete): stamped in place, since a
 * second copy per request is what the busiest paths can least afford.
 */
export function adoptStored(value: unknown, revision: number): KubeObject {
  if (!isKubeObject(value))
    throw new Error(`stored value at revision ${revision} is not an API object`);
  value.metadata.resourceVersion = String(revision);
  return value;
}

/** The value to store for an object: a copy without resourceVersion (the store's revision is the truth). */
export function toStore(object: KubeObject): KubeObject {
  const value = clone(object);
  delete value.metadata.resourceVersion;
  return value;
}

/** The store key of an object, or undefined when the name or namespace could not be one. */
export function keyOf(
  ctx: TypeContext,
  namespace: string | undefined,
  name: string,
): string | undefined {
  if (!isKeySafe(name) || (namespace !== undefined && !isKeySafe(namespace))) return undefined;
  return objectKey(ctx.type, namespace, name);
}

/** The object, or undefined when absent. */
export async function readObject(
  ctx: TypeContext,
  namespace: string | undefined,
  name: string,
): Promise<StoredObject | undefined> {
  const key = keyOf(ctx, namespace, name);
  if (key === undefined) return undefined;
  const stored = await ctx.services.store.get(key);
  return stored
    ? { object: adoptStored(stored.value, stored.revision), revision: stored.revision }
    : undefined;
}

/** The object, or NotFound. */
export async function requireObject(
  ctx: TypeContext,
  namespace: string | undefined,
  name: string,
): Promise<StoredObject> {
  const found = await readObject(ctx, namespace, name);
  if (!found) throw notFound(ctx.type, name);
  return found;
}
