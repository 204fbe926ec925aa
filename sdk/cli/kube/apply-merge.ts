// kubectl's client-side apply, computed here: a three-way merge of the
// configuration last applied (the `last-applied-configuration` annotation),
// the manifest now applied, and the live object. Fields of the manifest win;
// a field missing from the manifest is removed from the live object only if
// the last applied configuration had it (else someone else set it — a
// controller, a default, `kubectl label` — and it stays). Lists with a merge
// key (containers by name, ...; merge-keys.ts) merge element by element with
// the same rule, as a strategic merge patch does; other lists are replaced.
//
// The result is sent as a JSON merge patch of live → desired, pinned to the
// live resourceVersion: every server implements RFC 7386 the same way, and
// keyed lists arrive whole, so no strategic-merge directive has to be
// understood by the server.

import {
  LAST_APPLIED_ANNOTATION,
  lastAppliedOf as lastAppliedRecord,
  lastAppliedText,
} from '../../../controlplane/api/last-applied.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import {
  createMergePatch,
  deepEqual,
  isObject,
  type Json,
  type JsonObject,
} from './json-values.js';
import { mergeSchemaFor, type MergeSchema } from './merge-keys.js';

export { LAST_APPLIED_ANNOTATION };

/** The manifest with the annotation set to itself, as kubectl writes it (api/last-applied.ts). */
export function withLastApplied(manifest: KubeObject): KubeObject {
  const annotations: Record<string, string> = { ...manifest.metadata.annotations };
  delete annotations[LAST_APPLIED_ANNOTATION];
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: { ...annotations, [LAST_APPLIED_ANNOTATION]: lastAppliedText(manifest) },
    },
  };
}

/** The configuration last applied to `live`, or undefined when it has none (or it is not JSON). */
export function lastAppliedOf(live: KubeObject): JsonObject | undefined {
  return lastAppliedRecord(live) as JsonObject | undefined;
}

/** What applying a manifest to a live object comes to. */
export interface ApplyPlan {
  /** The object the live one should become. */
  readonly desired: JsonObject;
  /** The merge patch to send (with the live resourceVersion), or undefined when nothing changes. */
  readonly patch?: JsonObject;
}

/**
 * Plans `kubectl apply` of `manifest` (already carrying its last-applied
 * annotation, see withLastApplied) onto `live`.
 */
export function planApply(manifest: KubeObject, live: KubeObject): ApplyPlan {
  const modified = manifest as unknown as JsonObject;
  const current = live as unknown as JsonObject;
  const desired = mergeObject(
    lastAppliedOf(live),
    modified,
    current,
    mergeSchemaFor(manifest.kind),
  );
  if (deepEqual(desired, current)) return { desired };
  const patch = createMergePatch(current, desired);
  const metadata = isObject(patch.metadata) ? patch.metadata : {};
  return {
    desired,
    patch: {
      ...patch,
      metadata: { ...metadata, resourceVersion: live.metadata.resourceVersion ?? null },
    },
  };
}

/** The three-way merge of one object (see the top of this file). */
export function threeWayMerge(
  original: JsonObject | undefined,
  modified: JsonObject,
  current: JsonObject,
  schema: MergeSchema = {},
): JsonObject {
  return mergeObject(original, modified, current, schema);
}

function mergeObject(
  original: JsonObject | undefined,
  modified: JsonObject,
  current: JsonObject | undefined,
  schema: MergeSchema,
): JsonObject {
  const result: Record<string, Json> = {};
  for (const [key, value] of Object.entries(current ?? {})) {
    // Kept when the manifest sets it (merged below) or never managed it.
    if (key in modified || !(original && key in original)) result[key] = value;
  }
  for (const [key, value] of Object.entries(modified)) {
    if (value === null) delete result[key];
    else
      result[key] = mergeValue(original?.[key], value, current?.[key], schema.fields?.[key] ?? {});
  }
  return result;
}

function mergeValue(
  original: Json | undefined,
  modified: Json,
  current: Json | undefined,
  schema: MergeSchema,
): Json {
  if (isObject(modified)) {
    return mergeObject(
      isObject(original) ? original : undefined,
      modified,
      isObject(current) ? current : undefined,
      schema,
    );
  }
  if (Array.isArray(modified) && schema.mergeKey && Array.isArray(current)) {
    return mergeList(
      Array.isArray(original) ? original : [],
      modified,
      current,
      schema.mergeKey,
      schema.items ?? {},
    );
  }
  return modified;
}

/** A keyed list: the manifest's elements (merged with the live ones of the same key), then live-only elements it never applied. */
function mergeList(
  original: readonly Json[],
  modified: readonly Json[],
  current: readonly Json[],
  mergeKey: string,
  items: MergeSchema,
): Json[] {
  const keyOf = (item: Json): string | undefined => {
    if (mergeKey === 'primitive')
      return isObject(item) || Array.isArray(item) ? undefined : JSON.stringify(item);
    const key = isObject(item) ? item[mergeKey] : undefined;
    return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
  };
  const byKey = (list: readonly Json[]) =>
    new Map(
      list.flatMap((item) => {
        const key = keyOf(item);
        return key === undefined ? [] : [[key, item] as const];
      }),
    );
  const originalByKey = byKey(original);
  const currentByKey = byKey(current);
  const modifiedKeys = new Set(byKey(modified).keys());
  const result = modified.map((item) => {
    const key = keyOf(item);
    return key === undefined || mergeKey === 'primitive'
      ? item
      : mergeValue(originalByKey.get(key), item, currentByKey.get(key), items);
  });
  for (const item of current) {
    const key = keyOf(item);
    if (key !== undefined && !modifiedKeys.has(key) && !originalByKey.has(key)) result.push(item);
  }
  return result;
}
