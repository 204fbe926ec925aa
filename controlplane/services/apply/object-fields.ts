// What server-side apply does to objects along field paths: merge an applied
// configuration into the live object, read the value at a path, remove the
// paths nobody manages any more, and find which paths an update changed.
// Lists follow api/patch-meta.ts: keyed lists merge item by item, set lists
// by value, every other list is replaced whole.

import { copyJson, deepEqual, isRecord } from '../../api/json-values.js';
import { listMapKeys, type PatchMeta } from '../../api/patch-meta.js';
import {
  addAll,
  childOf,
  emptyFieldSet,
  fieldsOf,
  itemElement,
  pathString,
  valueElement,
  type FieldSet,
} from './field-set.js';

/** The applied configuration merged into `live` (a new value; neither input changes). */
export function mergeApplied(
  live: unknown,
  applied: unknown,
  meta: PatchMeta | undefined,
): unknown {
  if (meta?.atomic) return copyJson(applied);
  if (isRecord(live) && isRecord(applied)) {
    const merged: Record<string, unknown> = { ...live };
    for (const [field, value] of Object.entries(applied)) {
      merged[field] = mergeApplied(live[field], value, meta?.fields?.[field]);
    }
    return merged;
  }
  if (Array.isArray(live) && Array.isArray(applied) && meta?.list) {
    const keys = listMapKeys(meta);
    if (keys.length === 0) {
      const added = applied.filter((value) => !live.some((old) => deepEqual(old, value)));
      return [...copyJson(live), ...copyJson(added)];
    }
    return mergeKeyedList(live, applied, keys, meta.items);
  }
  return copyJson(applied);
}

/** Items of `live` with the applied ones merged in place; new items after them, in applied order. */
function mergeKeyedList(
  live: readonly unknown[],
  applied: readonly unknown[],
  keys: readonly string[],
  items: PatchMeta | undefined,
): unknown[] {
  const byElement = new Map<string, unknown>();
  for (const item of applied) {
    const element = itemElement(item, keys);
    if (typeof element === 'string') byElement.set(element, item);
  }
  const merged = live.map((item) => {
    const element = itemElement(item, keys);
    if (typeof element !== 'string' || !byElement.has(element)) return copyJson(item);
    const update = byElement.get(element);
    byElement.delete(element);
    return mergeApplied(item, update, items);
  });
  return [...merged, ...[...byElement.values()].map((item) => copyJson(item))];
}

/** One list of an applied configuration with an item key twice: where, and which key. */
export interface DuplicateKey {
  /** `spec.containers[0].env`, as field errors name fields. */
  readonly field: string;
  /** `[name="A"]`. */
  readonly key: string;
}

/**
 * The keyed lists of `value` in which two items have the same key: an
 * applied configuration cannot say which of them it means (Kubernetes
 * refuses it too). Lists a patch merges but apply treats as one value may
 * repeat keys.
 */
export function duplicateKeys(
  value: unknown,
  meta: PatchMeta | undefined,
  field = '',
): DuplicateKey[] {
  if (!meta || meta.atomic) return [];
  const found: DuplicateKey[] = [];
  if (isRecord(value)) {
    for (const [name, child] of Object.entries(value)) {
      const at = field === '' ? name : `${field}.${name}`;
      found.push(...duplicateKeys(child, meta.fields?.[name], at));
    }
    return found;
  }
  if (!Array.isArray(value) || !meta.list) return found;
  const keys = listMapKeys(meta);
  const seen = new Set<string>();
  value.forEach((item: unknown, index) => {
    const element = keys.length === 0 ? valueElement(item) : itemElement(item, keys);
    if (typeof element !== 'string') return;
    if (seen.has(element)) found.push({ field, key: pathString([element]) });
    seen.add(element);
    if (keys.length > 0) found.push(...duplicateKeys(item, meta.items, `${field}[${index}]`));
  });
  return found;
}

/** The value at a path of FieldsV1 elements; undefined when the path leads nowhere. */
export function valueAt(
  value: unknown,
  path: readonly string[],
  meta: PatchMeta | undefined,
): unknown {
  let current = value;
  let position = meta;
  for (const element of path) {
    if (element === '.') continue;
    if (element.startsWith('f:')) {
      if (!isRecord(current)) return undefined;
      const field = element.slice(2);
      current = current[field];
      position = position?.fields?.[field];
    } else if (element.startsWith('k:') && Array.isArray(current) && position) {
      const keys = listMapKeys(position);
      current = current.find((item) => itemElement(item, keys) === element);
      position = position.items;
    } else if (element.startsWith('v:') && Array.isArray(current)) {
      current = current.find((item) => valueElement(item) === element);
      position = undefined;
    } else return undefined;
  }
  return current;
}

/** How many fields or items a value holds (0 for scalars). */
function sizeOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return isRecord(value) ? Object.keys(value).length : 0;
}

/**
 * Removes the members of `set` from `value` (in place): a field is deleted, a
 * keyed list's item or a set's value taken out of its list. An object or list
 * left empty by the removal goes too: nobody set that `{}` or `[]`.
 */
export function removeFields(value: unknown, set: FieldSet, meta: PatchMeta | undefined): void {
  if (isRecord(value)) {
    for (const [element, child] of set.children) {
      if (!element.startsWith('f:')) continue;
      const field = element.slice(2);
      if (!(field in value)) continue;
      if (child.member) {
        delete value[field];
        continue;
      }
      const inner = value[field];
      const before = sizeOf(inner);
      removeFields(inner, child, meta?.fields?.[field]);
      if (before > 0 && sizeOf(inner) === 0) delete value[field];
    }
    return;
  }
  if (!Array.isArray(value) || !meta?.list) return;
  const keys = listMapKeys(meta);
  for (let index = value.length - 1; index >= 0; index--) {
    const item: unknown = value[index];
    const element = keys.length === 0 ? valueElement(item) : itemElement(item, keys);
    const child = typeof element === 'string' ? set.children.get(element) : undefined;
    if (!child) continue;
    if (child.member) value.splice(index, 1);
    else removeFields(item, child, meta.items);
  }
}

/** What an update did to the fields: those it added or changed, and those it removed. */
export interface FieldChanges {
  readonly changed: FieldSet;
  readonly removed: FieldSet;
}

/** Compares `old` and `next` field by field (Kubernetes' managed-fields update). */
export function changedFields(
  old: unknown,
  next: unknown,
  meta: PatchMeta | undefined,
): FieldChanges {
  const changes = { changed: emptyFieldSet(), removed: emptyFieldSet() };
  compare(old, next, meta, changes.changed, changes.removed);
  return changes;
}

function compare(
  old: unknown,
  next: unknown,
  meta: PatchMeta | undefined,
  changed: FieldSet,
  removed: FieldSet,
): void {
  if (meta?.atomic) {
    if (!deepEqual(old, next)) changed.member = true;
    return;
  }
  if (isRecord(old) && isRecord(next) && Object.keys(old).length > 0) {
    for (const [field, value] of Object.entries(next)) {
      const element = `f:${field}`;
      const child = meta?.fields?.[field];
      if (old[field] === undefined) {
        addAll(childOf(changed, element), fieldsOf(value, child));
      } else compareChild(old[field], value, child, element, changed, removed);
    }
    for (const [field, value] of Object.entries(old)) {
      if (next[field] === undefined && value !== undefined) {
        addAll(childOf(removed, `f:${field}`), fieldsOf(value, meta?.fields?.[field]));
      }
    }
    return;
  }
  if (Array.isArray(old) && Array.isArray(next) && meta?.list && old.length > 0) {
    compareList(old, next, meta, changed, removed);
    return;
  }
  if (!deepEqual(old, next)) {
    addAll(changed, fieldsOf(next, meta));
    const gone = fieldsOf(old, meta);
    gone.member = false;
    addAll(removed, gone);
  }
}

function compareChild(
  old: unknown,
  next: unknown,
  meta: PatchMeta | undefined,
  element: string,
  changed: FieldSet,
  removed: FieldSet,
): void {
  const changedChild = emptyFieldSet();
  const removedChild = emptyFieldSet();
  compare(old, next, meta, changedChild, removedChild);
  if (changedChild.member || changedChild.children.size > 0) {
    changed.children.set(element, changedChild);
  }
  if (removedChild.member || removedChild.children.size > 0) {
    removed.children.set(element, removedChild);
  }
}

function compareList(
  old: readonly unknown[],
  next: readonly unknown[],
  meta: PatchMeta,
  changed: FieldSet,
  removed: FieldSet,
): void {
  const keys = listMapKeys(meta);
  const elementOf = (item: unknown): string | undefined => {
    const element = keys.length === 0 ? valueElement(item) : itemElement(item, keys);
    return typeof element === 'string' ? element : undefined;
  };
  const before = new Map<string, unknown>();
  for (const item of old) {
    const element = elementOf(item);
    if (element !== undefined) before.set(element, item);
  }
  for (const item of next) {
    const element = elementOf(item);
    if (element === undefined) continue;
    if (!before.has(element)) {
      const added = childOf(changed, element);
      added.member = true;
      if (keys.length > 0) addAll(added, fieldsOf(item, meta.items));
      continue;
    }
    if (keys.length > 0)
      compareChild(before.get(element), item, meta.items, element, changed, removed);
    before.delete(element);
  }
  for (const [element] of before) childOf(removed, element).member = true;
}
