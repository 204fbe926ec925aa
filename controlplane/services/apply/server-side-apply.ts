// Server-side apply: `PATCH` with `application/apply-patch+yaml`. The body is
// the manager's whole intent for the object (a partial object); the server
// merges it into the live object, owns its fields for the manager, refuses
// (409) to change fields other managers own unless forced, and removes what
// the manager applied before and no longer sets. Applying to an object that
// does not exist creates it. Then the usual update or create path runs
// (defaults, validation, strategy), so an applied object is stored exactly as
// a written one would be.

import { ApiError, badRequest, conflict, invalid } from '../../api/errors.js';
import { isRecord, rfc3339 } from '../../api/json-values.js';
import { LAST_APPLIED_ANNOTATION, lastAppliedOf, lastAppliedText } from '../../api/last-applied.js';
import { patchMetaFor, type PatchMeta } from '../../api/patch-meta.js';
import { conversionFrom } from '../../api/conversion/index.js';
import { apiVersionOf } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { forbidden, required } from '../../api/validation/field-errors.js';
import { admitUpdate } from '../admission.js';
import type { ServiceWriteOptions, TypeContext } from '../context.js';
import { createObject } from '../create.js';
import { effectiveNamespace } from '../object-access.js';
import { checkTypeMeta } from '../request-checks.js';
import { subresourceNotFound } from '../subresource-errors.js';
import { guaranteedUpdate, parseResourceVersion } from '../update-loop.js';
import { fieldsOf } from './field-set.js';
import { duplicateKeys } from './object-fields.js';
import {
  readEntries,
  trackedPart,
  writeEntries,
  type ManagerEntry,
  type ManagerIdentity,
} from './managed-fields.js';
import {
  applyConfiguration,
  BEFORE_FIRST_APPLY,
  type ApplyInput,
  type WriteStamp,
} from './ownership.js';
import { scopeOf } from './update-tracking.js';

/** Times an apply moves between the create and the update path before giving up. */
const MAX_ATTEMPTS = 8;

/** Options of an apply: a manager is required; `force` takes conflicting fields over. */
export interface ApplyOptions extends ServiceWriteOptions {
  readonly subresource?: 'status';
}

/** 422 as Kubernetes answers an apply without a field manager. */
export function fieldManagerRequired(): ApiError {
  return invalid('PatchOptions.meta.k8s.io', '', [
    required('fieldManager', 'is required for apply patch'),
  ]);
}

/** 422 as Kubernetes answers `force` on a patch that is not an apply. */
export function forceOnlyForApply(): ApiError {
  return invalid('PatchOptions.meta.k8s.io', '', [
    forbidden('force', 'may not be specified for non-apply patch'),
  ]);
}

/** The ResourceClient `patch` verb with the `apply` type. */
export async function applyObject(
  ctx: TypeContext,
  name: string,
  patch: unknown,
  options: ApplyOptions = {},
): Promise<KubeObject> {
  const manager = options.fieldManager;
  if (!manager) throw fieldManagerRequired();
  const subresource = options.subresource ?? '';
  if (subresource === 'status' && !ctx.strategy.hasStatusSubresource) {
    throw subresourceNotFound();
  }
  const namespace = effectiveNamespace(ctx, options.namespace);
  const applied = appliedConfiguration(ctx, name, namespace, patch);
  const pinned = parseResourceVersion(applied.metadata.resourceVersion);
  delete applied.metadata.resourceVersion;
  const who: ManagerIdentity = { manager, operation: 'Apply', subresource };
  const scope = scopeOf(ctx, subresource);
  const stamp: WriteStamp = {
    apiVersion: apiVersionOf(ctx.type),
    time: rfc3339(ctx.services.now()),
  };
  const base = {
    applied,
    appliedTracked: trackedPart(applied, scope),
    who,
    stamp,
    force: options.force === true,
    meta: patchMetaFor(ctx.type.kind),
    scope,
  };
  // Create and update race with deletes and creates of others: each lost
  // race moves to the other path, a bounded number of times.
  for (let attempt = 1; ; attempt++) {
    try {
      return await guaranteedUpdate(
        ctx,
        namespace,
        name,
        ({ object: current, revision }) => {
          if (pinned !== undefined && pinned !== revision) throw conflict(ctx.type, name);
          const liveTracked = trackedPart(current, scope);
          const recorded = continuesClientSideApply(manager)
            ? storedForm(lastAppliedOf(current))
            : undefined;
          const outcome = applyConfiguration({
            ...base,
            live: current,
            liveTracked,
            entries: entriesOf(current, liveTracked, stamp, base.meta),
            ...(recorded ? { lastApplied: trackedPart(recorded, scope) } : {}),
          });
          const merged = outcome.merged as KubeObject;
          delete merged.metadata.resourceVersion;
          options.servedRules?.(merged, current);
          if (recorded) recordLastApplied(merged, options.appliedAs ?? applied);
          const kind = subresource === 'status' ? 'status' : 'update';
          return admitUpdate(ctx, merged, current, kind, options, {
            applied: writeEntries(outcome.entries),
          });
        },
        { pinned: pinned !== undefined, dryRun: options.dryRun === 'All' },
      );
    } catch (error) {
      const missing =
        error instanceof ApiError && error.code === 404 && error.reason === 'NotFound';
      if (!missing || subresource !== '' || pinned !== undefined) throw error;
    }
    try {
      return await createApplied(ctx, base, options);
    } catch (error) {
      // Another writer created it first: apply to theirs.
      const raced = error instanceof ApiError && error.reason === 'AlreadyExists';
      if (!raced || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** Creates the object the configuration describes, owned by the manager. */
async function createApplied(
  ctx: TypeContext,
  base: Omit<ApplyInput, 'live' | 'liveTracked' | 'entries'>,
  options: ApplyOptions,
): Promise<KubeObject> {
  const outcome = applyConfiguration({ ...base, live: undefined, liveTracked: {}, entries: [] });
  options.servedRules?.(outcome.merged as KubeObject);
  const managedFields = writeEntries(outcome.entries);
  const created = await createObject(ctx, outcome.merged as KubeObject, options, (admitted) => {
    admitted.metadata.managedFields = managedFields;
  });
  options.onCreated?.();
  return created;
}

/**
 * The managers whose applies continue a client-side apply's
 * last-applied-configuration: Kubernetes does this for `kubectl`'s server-side
 * applies only; `skiff` is Skiff's CLI, which keeps the same annotation.
 */
const CLIENT_SIDE_APPLY_CONTINUERS = new Set(['kubectl', 'skiff']);

function continuesClientSideApply(manager: string): boolean {
  return CLIENT_SIDE_APPLY_CONTINUERS.has(manager);
}

/**
 * A recorded configuration in the stored version: one a client applied in a
 * version served by conversion (`kubectl apply` of an autoscaling/v1 HPA) is
 * converted, so that its fields are compared with the stored object's.
 */
function storedForm(recorded: Record<string, unknown> | undefined): KubeObject | undefined {
  if (!recorded || !isRecord(recorded['metadata'])) return undefined;
  const object = recorded as unknown as KubeObject;
  const conversion = conversionFrom(recorded['apiVersion'], recorded['kind']);
  return conversion ? conversion.toStored(object) : object;
}

/**
 * Keeps the annotation current (Kubernetes' lastAppliedUpdater), so that a
 * later client-side apply diffs against this configuration.
 */
function recordLastApplied(merged: KubeObject, applied: KubeObject): void {
  merged.metadata.annotations = {
    ...merged.metadata.annotations,
    [LAST_APPLIED_ANNOTATION]: lastAppliedText(applied),
  };
}

/** The live object's entries; one without any is owned by `before-first-apply`. */
function entriesOf(
  current: KubeObject,
  liveTracked: Record<string, unknown>,
  stamp: WriteStamp,
  meta: PatchMeta,
): ManagerEntry[] {
  const entries = readEntries(current);
  if (entries.length > 0 || (current.metadata.managedFields ?? []).length > 0) return entries;
  return [
    {
      manager: BEFORE_FIRST_APPLY,
      operation: 'Update',
      apiVersion: stamp.apiVersion,
      time: '',
      subresource: '',
      fields: fieldsOf(liveTracked, meta),
    },
  ];
}

/**
 * The body as an applied configuration: an object of the URL's type and name
 * (the name may be left out), no managedFields, nulls dropped (a null says
 * "not mine", as leaving the field out does).
 */
function appliedConfiguration(
  ctx: TypeContext,
  name: string,
  namespace: string | undefined,
  patch: unknown,
): KubeObject {
  if (!isRecord(patch)) throw badRequest('an apply patch must be an object');
  const object = withoutNulls(patch);
  if (!isRecord(object['metadata'])) object['metadata'] = {};
  checkTypeMeta(ctx.type, object);
  const meta = object.metadata;
  if (meta.name === undefined || meta.name === '') meta.name = name;
  if (meta.name !== name) {
    throw badRequest(
      `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
    );
  }
  if (namespace !== undefined) {
    if (meta.namespace !== undefined && meta.namespace !== namespace) {
      throw badRequest(
        `the namespace of the object (${meta.namespace}) does not match the namespace on the URL (${namespace})`,
      );
    }
    meta.namespace = namespace;
  }
  if (meta.managedFields !== undefined) {
    throw badRequest('metadata.managedFields must be nil in an apply patch');
  }
  const duplicates = duplicateKeys(object, patchMetaFor(ctx.type.kind));
  if (duplicates.length > 0) {
    const errors = duplicates.map((d) => ({
      field: d.field,
      reason: 'FieldValueDuplicate',
      message: `duplicate entries for key ${d.key}`,
    }));
    throw invalid(ctx.type.kind, name, errors, ctx.type.group);
  }
  return object;
}

/** `value` without its null fields, at every level: a null in an apply says "not mine". */
export function withoutNulls(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [field, child] of Object.entries(value)) {
    if (child === null) continue;
    copy[field] = stripNulls(child);
  }
  return copy;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (isRecord(value)) return withoutNulls(value);
  return value;
}
