// Kubernetes' strategic merge patch for the built-in kinds: a JSON merge
// patch in which lists described in api/patch-meta.ts merge item by item (by
// their merge key) instead of being replaced, with the directives kubectl
// sends: `$patch: replace|delete|merge`, `$retainKeys`,
// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.

import { badRequest } from '../../api/errors.js';
import { clone, deepEqual, isRecord } from '../object-utils.js';
import type { PatchMeta } from '../../api/patch-meta.js';

const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** What merging a map may answer besides a map: the map deletes itself (`$patch: delete`). */
const DELETED = Symbol('deleted');

/** Applies `patch` to a copy of `original`, lists merging as `meta` describes. */
export function applyStrategicMergePatch(
  original: unknown,
  patch: unknown,
  meta: PatchMeta,
): unknown {
  if (!isRecord(patch)) throw badRequest('strategic merge patch: the patch must be a JSON object');
  const result = mergeMap(isRecord(original) ? original : undefined, patch, meta);
  return result === DELETED ? {} : result;
}

function mergeMap(
  original: Record<string, unknown> | undefined,
  patch: Record<string, unknown>,
  meta: PatchMeta | undefined,
): Record<string, unknown> | typeof DELETED {
  const directive = patch['$patch'];
  if (directive === 'delete') return DELETED;
  if (directive === 'replace') return mergeMap(undefined, { ...patch, $patch: undefined }, meta);
  if (directive !== undefined && directive !== 'merge')
    throw badRequest(`Unknown patch type: ${String(directive)}`);

  const result: Record<string, unknown> = original ? clone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$') || value === undefined) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const fieldMeta = meta?.fields?.[key];
    if (isRecord(value)) {
      const current = result[key];
      const merged = mergeMap(isRecord(current) ? current : undefined, value, fieldMeta);
      if (merged === DELETED) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value) && fieldMeta?.list) {
      const current = result[key];
      result[key] = mergeList(Array.isArray(current) ? current : [], value, fieldMeta);
    } else if (Array.isArray(value)) {
      result[key] = value.map((item) => (isRecord(item) ? stripped(item) : clone(item)));
    } else {
      result[key] = value;
    }
  }
  applyListDirectives(result, patch, meta);
  const retain = patch['$retainKeys'];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw badRequest('$retainKeys must be a list of field names');
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

/** A map from a patch with every directive resolved (no original to merge into). */
function stripped(value: Record<string, unknown>): Record<string, unknown> {
  const merged = mergeMap(undefined, value, undefined);
  return merged === DELETED ? {} : merged;
}

function mergeList(
  original: readonly unknown[],
  patch: readonly unknown[],
  meta: PatchMeta,
): unknown[] {
  // `{$patch: replace}` among the items: the list becomes the other items.
  if (patch.some((item) => isRecord(item) && item['$patch'] === 'replace')) {
    return patch
      .filter((item) => !(isRecord(item) && item['$patch'] === 'replace'))
      .map((item) => (isRecord(item) ? stripped(item) : clone(item)));
  }
  const result = original.map((item) => clone(item));
  const mergeKey = meta.list?.mergeKey;
  if (mergeKey === undefined) {
    for (const item of patch)
      if (!result.some((existing) => deepEqual(existing, item))) result.push(clone(item));
    return result;
  }
  for (const item of patch) {
    if (!isRecord(item))
      throw badRequest(`strategic merge patch: list items merged by "${mergeKey}" must be objects`);
    const key = item[mergeKey];
    if (key === undefined)
      throw badRequest(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`,
      );
    const index = result.findIndex(
      (existing) => isRecord(existing) && deepEqual(existing[mergeKey], key),
    );
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    const current = index >= 0 ? result[index] : undefined;
    const merged = mergeMap(isRecord(current) ? current : undefined, item, meta.items);
    if (merged === DELETED) {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = merged;
    } else {
      result.push(merged);
    }
  }
  return result;
}

/** `$deleteFromPrimitiveList/<list>` removes values; `$setElementOrder/<list>` orders the merged list. */
function applyListDirectives(
  result: Record<string, unknown>,
  patch: Record<string, unknown>,
  meta: PatchMeta | undefined,
): void {
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM) && Array.isArray(value)) {
      const list = result[key.slice(DELETE_FROM.length)];
      if (Array.isArray(list)) {
        result[key.slice(DELETE_FROM.length)] = list.filter(
          (item) => !value.some((v) => deepEqual(v, item)),
        );
      }
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith(SET_ORDER) || !Array.isArray(value)) continue;
    const name = key.slice(SET_ORDER.length);
    const list = result[name];
    if (Array.isArray(list))
      result[name] = ordered(list, value, meta?.fields?.[name]?.list?.mergeKey);
  }
}

/** Items named in `order` first, in that order; the rest after, as they were. */
function ordered(
  list: readonly unknown[],
  order: readonly unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const identity = (item: unknown): unknown =>
    mergeKey !== undefined && isRecord(item) ? item[mergeKey] : item;
  const wanted = order.map(identity);
  const position = (item: unknown): number => {
    const index = wanted.findIndex((w) => deepEqual(w, identity(item)));
    return index < 0 ? wanted.length : index;
  };
  return list
    .map((item, index) => ({ item, index, rank: position(item) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map(({ item }) => item);
}
