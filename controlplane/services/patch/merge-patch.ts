// JSON Merge Patch (RFC 7386): objects merge key by key, null deletes, any
// other value (arrays included) replaces.

import { badRequest } from '../../api/errors.js';
import { clone, isRecord } from '../object-utils.js';

/** RFC 7386 applied to a copy of `target`. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return clone(patch);
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** A merge patch of an API object must be a JSON object (Kubernetes cannot decode anything else into one). */
export function requireObjectPatch(patch: unknown): Record<string, unknown> {
  if (!isRecord(patch)) {
    throw badRequest(
      `json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`,
    );
  }
  return patch;
}
