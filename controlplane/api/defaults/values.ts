// Small, defensive helpers for defaulting: defaults run on decoded request
// bodies that may not have passed validation yet, so every step checks the
// shape it is about to touch and leaves anything unexpected for validation to
// report.

import { isRecord } from '../json-values.js';

export { isRecord };

/** Sets `object[key]` to `value` when it is absent. Returns the (possibly new) value. */
export function setDefault<T>(object: Record<string, unknown>, key: string, value: T): unknown {
  if (object[key] === undefined) object[key] = value;
  return object[key];
}

/** The record at `object[key]`, created (empty) when absent; undefined when something else is there. */
export function recordAt(
  object: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  const value = setDefault(object, key, {});
  return isRecord(value) ? value : undefined;
}

/** The record at `object[key]` when it is one (never created). */
export function existingRecord(
  object: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  const value = object[key];
  return isRecord(value) ? value : undefined;
}

/** The records of the list at `object[key]` (other entries skipped). */
export function recordsAt(object: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const value = object[key];
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * Removes `null` properties, at any depth: Kubernetes' decoder reads a null
 * field as absent (`creationTimestamp: null` in `kubectl get -o yaml` output
 * of templates), and defaults then fill it. List entries are kept as they are.
 */
export function dropNullFields(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNullFields(item);
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, field] of Object.entries(value)) {
    if (field === null) delete value[key];
    else dropNullFields(field);
  }
}

/**
 * Removes empty `labels` and `annotations` maps from the object's metadata
 * and from a pod template's: Go writes these maps `omitempty`, so Kubernetes
 * never shows them empty (`kubectl label cm x a-` of the last label leaves
 * no `labels` at all).
 */
export function dropEmptyMetadataMaps(object: Record<string, unknown>): void {
  const spec = existingRecord(object, 'spec');
  const template = spec && existingRecord(spec, 'template');
  for (const holder of [object, template]) {
    const metadata = holder && existingRecord(holder, 'metadata');
    if (!metadata) continue;
    for (const key of ['labels', 'annotations']) {
      const map = existingRecord(metadata, key);
      if (map && Object.keys(map).length === 0) delete metadata[key];
    }
  }
}
