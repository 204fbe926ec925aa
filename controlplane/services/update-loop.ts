// Kubernetes' GuaranteedUpdate: read the object, compute its next state,
// write it with compare-and-set on the revision read, and start over when
// another writer got there first, unless the caller pinned a resourceVersion
// (then the race is the caller's 409). Writes that change nothing are
// skipped, and an update that removes the last finalizer of an object being
// deleted deletes it.

import { badRequest, conflict } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { StoredObject, TypeContext } from './context.js';
import { adoptStored, fromStore, keyOf, requireObject, toStore } from './object-access.js';
import { deepEqual } from './object-utils.js';
import { isStoreConflict, toApiError } from './store-errors.js';

/** Attempts before a never-ending race is reported as a Conflict. */
const MAX_ATTEMPTS = 64;

export interface UpdateLoopOptions {
  /** The caller named the resourceVersion to update: a lost race is a 409, not a retry. */
  readonly pinned?: boolean;
  readonly dryRun?: boolean;
}

/** `metadata.resourceVersion` (or a precondition) as a revision; undefined when absent. */
export function parseResourceVersion(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`invalid resource version: "${text}"`);
  return Number(text);
}

/**
 * Kubernetes' shouldDeleteDuringUpdate: the last finalizer is gone from an
 * object whose deletion has started and has no grace period left to wait for.
 */
function finalizedByUpdate(ctx: TypeContext, next: KubeObject, old: KubeObject): boolean {
  if ((next.metadata.finalizers ?? []).length > 0) return false;
  if (ctx.strategy.pendingFinalization?.(next)) return false;
  if (!old.metadata.deletionTimestamp) return false;
  const grace = old.metadata.deletionGracePeriodSeconds;
  return grace === undefined || grace === 0;
}

/**
 * Updates the object `name` to what `next` computes from its current state
 * (which `next` may refuse by throwing). Resolves with the stored result.
 */
export async function guaranteedUpdate(
  ctx: TypeContext,
  namespace: string | undefined,
  name: string,
  next: (current: StoredObject) => KubeObject | Promise<KubeObject>,
  options: UpdateLoopOptions = {},
): Promise<KubeObject> {
  const { store } = ctx.services;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await requireObject(ctx, namespace, name);
    const wanted = await next(current);
    const { allocator } = ctx.strategy;
    // Allocated values the update leaves out are carried over first, so an
    // update that only omits them changes nothing.
    const claims =
      allocator && !options.dryRun && !current.object.metadata.deletionTimestamp
        ? await allocator.reallocate(store, wanted, current.object)
        : { claimed: [], releaseAfter: [] };
    const value = toStore(wanted);
    if (deepEqual(value, toStore(current.object))) {
      await allocator?.undo(store, claims.claimed);
      return current.object;
    }
    if (options.dryRun)
      return {
        ...wanted,
        metadata: { ...wanted.metadata, resourceVersion: String(current.revision) },
      };
    const key = keyOf(ctx, namespace, name) ?? '';
    try {
      if (finalizedByUpdate(ctx, wanted, current.object)) {
        const deleted = await store.delete(key, current.revision);
        await allocator?.undo(store, claims.claimed);
        await allocator?.release(store, current.object);
        if (namespace !== undefined) await ctx.services.namespaces.objectRemoved(namespace);
        return fromStore(value, deleted.revision);
      }
      const stored = await store.update(key, value, current.revision);
      await allocator?.undo(store, claims.releaseAfter);
      return adoptStored(stored.value, stored.revision);
    } catch (error) {
      await allocator?.undo(store, claims.claimed);
      if (isStoreConflict(error) && !options.pinned) continue;
      throw toApiError(error, ctx.type, name);
    }
  }
  throw conflict(ctx.type, name);
}
