// delete and deleteCollection, as Kubernetes' generic registry deletes:
// preconditions (uid, resourceVersion → 409); graceful deletion for kinds
// that have it (pods on a node get deletionTimestamp = now + grace and stay
// until deleted again with grace 0); finalizers hold any object (it gets
// deletionTimestamp and grace 0, and goes when an update removes the last
// one); everything else leaves the store at once.
//
// propagationPolicy is validated and otherwise not acted on yet: dependents
// (ownerReferences) are the garbage collector's, a later issue, which will
// turn Orphan/Foreground into Kubernetes' `orphan` / `foregroundDeletion`
// finalizers. Until then every delete behaves as Background.

import type { DeleteOptions, ListOptions } from '../api/cluster-api.js';
import { ApiError, conflict, invalid } from '../api/errors.js';
import { apiVersionOf } from '../api/resources.js';
import { notSupported } from '../api/validation/field-errors.js';
import type { KubeList, KubeObject, Status } from '../api/types.js';
import type { TypeContext } from './context.js';
import { listPrefix } from './keys.js';
import { effectiveNamespace, adoptStored, keyOf, requireObject, toStore } from './object-access.js';
import { clone, rfc3339 } from './object-utils.js';
import { readPage } from './reads.js';
import { compileSelection } from './selection.js';
import { isStoreConflict, toApiError } from './store-errors.js';

/** Attempts before a never-ending race is reported as a Conflict. */
const MAX_ATTEMPTS = 64;

const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'];

/** The result of one delete: the object as it now is (or was, when removed). */
export interface DeleteOutcome {
  readonly object: KubeObject;
  /** True when the object left the store; false when its deletion is pending (grace, finalizers). */
  readonly removed: boolean;
}

/** What a delete does to the current object. */
type Plan =
  | { readonly kind: 'pending' }
  | { readonly kind: 'update'; readonly object: KubeObject }
  | { readonly kind: 'remove' };

function validateDeleteOptions(options: DeleteOptions): void {
  const policy = options.propagationPolicy;
  if (policy !== undefined && !PROPAGATION_POLICIES.includes(policy)) {
    throw invalid('DeleteOptions', '', [
      notSupported('propagationPolicy', policy, PROPAGATION_POLICIES),
    ]);
  }
}

/** Throws Kubernetes' precondition conflicts (409), word for word. */
export function checkPreconditions(
  ctx: TypeContext,
  object: KubeObject,
  preconditions: DeleteOptions['preconditions'],
): void {
  const name = object.metadata.name ?? '';
  const { uid, resourceVersion } = preconditions ?? {};
  if (uid !== undefined && uid !== object.metadata.uid) {
    throw conflict(
      ctx.type,
      name,
      `the UID in the precondition (${uid}) does not match the UID in record (${String(object.metadata.uid)}). The object might have been deleted and then recreated`,
    );
  }
  if (resourceVersion !== undefined && resourceVersion !== object.metadata.resourceVersion) {
    throw conflict(
      ctx.type,
      name,
      `the ResourceVersion in the precondition (${resourceVersion}) does not match the ResourceVersion in record (${String(object.metadata.resourceVersion)}). The object might have been modified`,
    );
  }
}

/** The object with its deletion started `graceSeconds` from now (generation bumped, as Kubernetes does). */
function markDeleting(object: KubeObject, now: Date, graceSeconds: number): KubeObject {
  const next = clone(object);
  next.metadata.deletionTimestamp = rfc3339(new Date(now.getTime() + graceSeconds * 1000));
  next.metadata.deletionGracePeriodSeconds = graceSeconds;
  if (typeof next.metadata.generation === 'number') next.metadata.generation += 1;
  return next;
}

/** Kubernetes' BeforeDelete and updateForGracefulDeletionAndFinalizers, as a decision. */
function planDeletion(
  ctx: TypeContext,
  object: KubeObject,
  requested: number | undefined,
  now: Date,
): Plan {
  const meta = object.metadata;
  const held =
    (meta.finalizers ?? []).length > 0 || ctx.strategy.pendingFinalization?.(object) === true;
  if (meta.deletionTimestamp) {
    const grace = meta.deletionGracePeriodSeconds ?? 0;
    if (!ctx.strategy.gracePeriodSeconds || grace === 0)
      return held ? { kind: 'pending' } : { kind: 'remove' };
    // A graceful deletion is under way: a delete may only shorten it.
    if (requested === undefined || requested >= grace) return { kind: 'pending' };
    if (requested === 0 && !held) return { kind: 'remove' };
    const next = clone(object);
    const start = Date.parse(meta.deletionTimestamp) - grace * 1000;
    next.metadata.deletionTimestamp = rfc3339(new Date(start + requested * 1000));
    next.metadata.deletionGracePeriodSeconds = requested;
    return { kind: 'update', object: next };
  }
  const graceful = ctx.strategy.gracePeriodSeconds?.(object, requested);
  if (graceful !== undefined && graceful > 0)
    return { kind: 'update', object: markDeleting(object, now, graceful) };
  if (held) return { kind: 'update', object: markDeleting(object, now, 0) };
  return { kind: 'remove' };
}

/** Deletes (or starts deleting) one object. */
export async function deleteOne(
  ctx: TypeContext,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions = {},
): Promise<DeleteOutcome> {
  validateDeleteOptions(options);
  // Kubernetes treats a negative grace period as 1 second.
  const requested =
    options.gracePeriodSeconds === undefined
      ? undefined
      : options.gracePeriodSeconds < 0
        ? 1
        : options.gracePeriodSeconds;
  const { store } = ctx.services;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await requireObject(ctx, namespace, name);
    checkPreconditions(ctx, current.object, options.preconditions);
    const plan = planDeletion(ctx, current.object, requested, ctx.services.now());
    if (plan.kind === 'pending') return { object: current.object, removed: false };
    if (options.dryRun === 'All') {
      return plan.kind === 'update'
        ? { object: plan.object, removed: false }
        : { object: current.object, removed: true };
    }
    const key = keyOf(ctx, namespace, name) ?? '';
    try {
      if (plan.kind === 'update') {
        const stored = await store.update(key, toStore(plan.object), current.revision);
        return { object: adoptStored(stored.value, stored.revision), removed: false };
      }
      const deleted = await store.delete(key, current.revision);
      await ctx.strategy.allocator?.release(store, current.object);
      if (namespace !== undefined) await ctx.services.namespaces.objectRemoved(namespace);
      return { object: adoptStored(deleted.value, deleted.revision), removed: true };
    } catch (error) {
      if (isStoreConflict(error)) continue;
      throw toApiError(error, ctx.type, name);
    }
  }
  throw conflict(ctx.type, name);
}

/** Kubernetes' answer to a delete of a kind that does not return the object. */
export function deletedStatus(ctx: TypeContext, object: KubeObject): Status {
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Success',
    details: {
      name: object.metadata.name ?? '',
      ...(ctx.type.group ? { group: ctx.type.group } : {}),
      kind: ctx.type.plural,
      ...(object.metadata.uid ? { uid: object.metadata.uid } : {}),
    },
    code: 200,
  };
}

/** The ResourceClient `delete` verb (Namespaces have their own, in namespace-lifecycle.ts). */
export async function deleteObject(
  ctx: TypeContext,
  name: string,
  options: DeleteOptions = {},
): Promise<KubeObject | Status> {
  const outcome = await deleteOne(ctx, effectiveNamespace(ctx, options.namespace), name, options);
  if (!outcome.removed || ctx.strategy.returnsDeletedObject) return outcome.object;
  return deletedStatus(ctx, outcome.object);
}

/**
 * The ResourceClient `deleteCollection` verb: every object the list options
 * select is deleted as `delete` would; the answer lists them as they were
 * listed (Kubernetes' DeleteCollection does the same).
 */
export async function deleteCollection(
  ctx: TypeContext,
  options: ListOptions & DeleteOptions = {},
): Promise<KubeList> {
  validateDeleteOptions(options);
  const selection = compileSelection(ctx, options);
  const namespace = ctx.type.namespaced && options.namespace ? options.namespace : undefined;
  const limit = options.limit !== undefined && options.limit > 0 ? options.limit : undefined;
  const page = await readPage(
    ctx,
    listPrefix(ctx.type, namespace),
    selection,
    limit,
    options.continue || undefined,
  ).catch((error: unknown) => {
    throw toApiError(error, ctx.type, '');
  });
  const deleteOptions: DeleteOptions = {
    ...(options.gracePeriodSeconds === undefined
      ? {}
      : { gracePeriodSeconds: options.gracePeriodSeconds }),
    ...(options.preconditions === undefined ? {} : { preconditions: options.preconditions }),
    ...(options.propagationPolicy === undefined
      ? {}
      : { propagationPolicy: options.propagationPolicy }),
    ...(options.dryRun === undefined ? {} : { dryRun: options.dryRun }),
  };
  for (const item of page.items) {
    try {
      await deleteOne(ctx, item.metadata.namespace, item.metadata.name ?? '', deleteOptions);
    } catch (error) {
      // Deleted by someone else meanwhile: it is gone either way.
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }
  return {
    apiVersion: apiVersionOf(ctx.type),
    kind: ctx.type.listKind,
    metadata: { resourceVersion: String(page.revision) },
    items: page.items,
  };
}
