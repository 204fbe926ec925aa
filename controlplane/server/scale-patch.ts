// PATCH of the `scale` subresource, which ClusterApi offers only as get and
// update (what `kubectl scale` sends is a merge patch of spec.replicas): the
// server applies the patch to the current Scale and updates it, with the
// Scale's resourceVersion as precondition so a concurrent change is a 409.
// A Scale has no lists, so a strategic merge patch is a merge patch.

import jsonpatch from 'fast-json-patch';
import type { PatchType, Scale } from '../api/cluster-api.js';
import { ApiError, badRequest, failure, invalid } from '../api/errors.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON Merge Patch: objects merge, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** A JSON Patch (RFC 6902) applied to a copy of `target`; a failed operation is 422 (as the apiserver says). */
export function applyJsonPatch(
  target: unknown,
  operations: unknown,
  kind: string,
  name: string,
): unknown {
  try {
    const copy = structuredClone(target);
    return jsonpatch.applyPatch(copy, operations as jsonpatch.Operation[], true, true).newDocument;
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw invalid(kind, name, [
      {
        field: '',
        reason: 'FieldValueInvalid',
        message: `the JSON patch could not be applied: ${message}`,
      },
    ]);
  }
}

/** The Scale that results from `patch`: only `spec.replicas` may change (a whole number ≥ 0). */
export function patchScale(current: Scale, patch: unknown, type: PatchType, name: string): Scale {
  if (type === 'apply') {
    throw new ApiError(
      failure(
        415,
        'UnsupportedMediaType',
        'server-side apply of the scale subresource is not supported by Skiff; apply the object, or use a merge patch',
      ),
    );
  }
  const patched =
    type === 'json' ? applyJsonPatch(current, patch, 'Scale', name) : mergePatch(current, patch);
  if (!isObject(patched) || !isObject(patched.spec))
    throw badRequest('the patched Scale has no spec');
  const replicas = patched.spec.replicas;
  if (
    replicas !== undefined &&
    (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)
  ) {
    throw invalid('Scale', name, [
      {
        field: 'spec.replicas',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      },
    ]);
  }
  return {
    ...current,
    metadata: { ...current.metadata },
    spec: { ...current.spec, ...(replicas !== undefined ? { replicas } : {}) },
  };
}
