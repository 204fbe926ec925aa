// patch: apply a merge, JSON or strategic merge patch to the current object,
// then take the update path (defaults, validation, status rules). The patch
// is re-applied to the fresh object when another writer wins the race, so
// concurrent patches never lose each other's changes; a patch that sets
// metadata.resourceVersion pins the update instead (409 on a race).

import type { PatchType } from '../api/cluster-api.js';
import { badRequest, conflict } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { admitUpdate } from './admission.js';
import { applyObject, forceOnlyForApply } from './apply/server-side-apply.js';
import type { ServiceWriteOptions, TypeContext } from './context.js';
import { effectiveNamespace } from './object-access.js';
import { isKubeObject, isRecord } from './object-utils.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { applyMergePatch, requireObjectPatch } from './patch/merge-patch.js';
import { patchMetaFor } from '../api/patch-meta.js';
import { applyStrategicMergePatch } from './patch/strategic-merge-patch.js';
import { checkTypeMeta } from './request-checks.js';
import { subresourceNotFound } from './subresource-errors.js';
import { guaranteedUpdate, parseResourceVersion } from './update-loop.js';

/** The patched document (not yet checked to be an object of the type). */
export function applyPatch(
  kind: string,
  current: KubeObject,
  patch: unknown,
  type: Exclude<PatchType, 'apply'>,
): unknown {
  switch (type) {
    case 'merge':
      return applyMergePatch(current, requireObjectPatch(patch));
    case 'json':
      return applyJsonPatch(current, patch);
    case 'strategic':
      return applyStrategicMergePatch(current, requireObjectPatch(patch), patchMetaFor(kind));
  }
}

/** A resourceVersion the patch itself sets (an optimistic-concurrency patch). */
function pinnedVersion(patch: unknown, type: Exclude<PatchType, 'apply'>): number | undefined {
  if (type === 'json' || !isRecord(patch) || !isRecord(patch['metadata'])) return undefined;
  const rv = patch['metadata']['resourceVersion'];
  return typeof rv === 'string' ? parseResourceVersion(rv) : undefined;
}

/** The ResourceClient `patch` verb. */
export async function patchObject(
  ctx: TypeContext,
  name: string,
  patch: unknown,
  type: PatchType,
  options: ServiceWriteOptions & { readonly subresource?: 'status' } = {},
): Promise<KubeObject> {
  if (type === 'apply') return applyObject(ctx, name, patch, options);
  if (type !== 'merge' && type !== 'json' && type !== 'strategic') {
    throw badRequest(`unsupported patch type: ${String(type)}`);
  }
  if (options.force !== undefined) throw forceOnlyForApply();
  const status = options.subresource === 'status';
  if (status && !ctx.strategy.hasStatusSubresource) throw subresourceNotFound();
  const namespace = effectiveNamespace(ctx, options.namespace);
  const pinned = pinnedVersion(patch, type);
  return guaranteedUpdate(
    ctx,
    namespace,
    name,
    ({ object: current, revision }) => {
      if (pinned !== undefined && pinned !== revision) throw conflict(ctx.type, name);
      const patched = applyPatch(ctx.type.kind, current, patch, type);
      if (!isKubeObject(patched)) throw badRequest('the patched object is not a valid API object');
      checkTypeMeta(ctx.type, patched);
      if (patched.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`,
        );
      }
      // The update path compares resourceVersion itself only through `pinned`.
      delete patched.metadata.resourceVersion;
      return admitUpdate(ctx, patched, current, status ? 'status' : 'update', options);
    },
    { pinned: pinned !== undefined, dryRun: options.dryRun === 'All' },
  );
}
