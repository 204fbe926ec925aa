// Sets of field paths, as server-side apply tracks who owns what. A path is a
// list of Kubernetes' FieldsV1 elements: `f:<name>` a field of an object,
// `k:<json>` the item of a keyed list whose key fields have these values,
// `v:<json>` a value of a list of scalars kept as a set, and `.` the list item
// itself. A node of the tree is in the set ("a member") when it is a leaf of
// the FieldsV1 JSON or holds a `.` entry.
//
// Which lists are keyed, and by what, comes from the same table the strategic
// merge patch reads (api/patch-meta.ts): Kubernetes' associative lists are the
// ones its types tag with a merge key.

import { isRecord } from '../../api/json-values.js';
import { listMapKeys, type PatchMeta } from '../../api/patch-meta.js';

/** One node of a field set: whether its own path is in the set, and its children by element. */
export interface FieldSet {
  member: boolean;
  readonly children: Map<string, FieldSet>;
}

/** An empty set. */
export function emptyFieldSet(): FieldSet {
  return { member: false, children: new Map() };
}

/** True when nothing is in the set. */
export function isEmptyFieldSet(set: FieldSet): boolean {
  return !set.member && set.children.size === 0;
}

/**
 * A key field's value when an item leaves it out and Kubernetes defaults it:
 * a port's protocol is part of its key (`containerPort` + `protocol`).
 */
const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

/** The `k:` element of a keyed list's item, or an error message naming the missing key field. */
export function itemElement(item: unknown, keys: readonly string[]): string | { error: string } {
  if (!isRecord(item)) return { error: 'an item of a keyed list is not an object' };
  const key: Record<string, unknown> = {};
  for (const field of [...keys].sort()) {
    const value = item[field] ?? KEY_DEFAULTS[field];
    if (value === undefined || value === null) {
      return { error: `an item of a list keyed by ${keys.join(', ')} has no "${field}"` };
    }
    key[field] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

/** The `v:` element of a value in a list kept as a set. */
export function valueElement(value: unknown): string {
  return `v:${JSON.stringify(value)}`;
}

/** The child of `set` at `element`, added (empty) when absent. */
export function childOf(set: FieldSet, element: string): FieldSet {
  let child = set.children.get(element);
  if (!child) {
    child = emptyFieldSet();
    set.children.set(element, child);
  }
  return child;
}

/**
 * The fields `value` sets, below a node described by `meta`: every scalar,
 * every list that is replaced whole, every atomic value and every empty
 * object is a member;
 * objects contribute their fields; keyed lists their items (each a member
 * too); set lists their values. Items of a keyed list without their key are
 * skipped here (validation refuses them).
 */
export function fieldsOf(value: unknown, meta: PatchMeta | undefined): FieldSet {
  const set = emptyFieldSet();
  addFields(set, value, meta);
  return set;
}

function addFields(set: FieldSet, value: unknown, meta: PatchMeta | undefined): void {
  if (meta?.atomic) {
    set.member = true;
    return;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) set.member = true;
    for (const [field, child] of entries) {
      if (child === undefined) continue;
      addFields(childOf(set, `f:${field}`), child, meta?.fields?.[field]);
    }
    return;
  }
  if (Array.isArray(value) && meta?.list) {
    const keys = listMapKeys(meta);
    if (value.length === 0) set.member = true;
    for (const item of value) {
      if (keys.length === 0) {
        childOf(set, valueElement(item)).member = true;
        continue;
      }
      const element = itemElement(item, keys);
      if (typeof element !== 'string') continue;
      const child = childOf(set, element);
      child.member = true;
      addFields(child, item, meta.items);
    }
    return;
  }
  set.member = true;
}

/** A copy of `set`. */
export function copyFieldSet(set: FieldSet): FieldSet {
  const copy: FieldSet = { member: set.member, children: new Map() };
  for (const [element, child] of set.children) copy.children.set(element, copyFieldSet(child));
  return copy;
}

/** Adds every path of `other` to `set` (in place); returns `set`. */
export function addAll(set: FieldSet, other: FieldSet): FieldSet {
  if (other.member) set.member = true;
  for (const [element, child] of other.children) addAll(childOf(set, element), child);
  return set;
}

/** `set` without the paths of `other`, as a new set; empty branches are dropped. */
export function subtract(set: FieldSet, other: FieldSet): FieldSet {
  const result: FieldSet = { member: set.member && !other.member, children: new Map() };
  for (const [element, child] of set.children) {
    const removed = other.children.get(element);
    const kept = removed ? subtract(child, removed) : copyFieldSet(child);
    if (!isEmptyFieldSet(kept)) result.children.set(element, kept);
  }
  return result;
}

/** The paths in both sets, as a new set. */
export function intersect(set: FieldSet, other: FieldSet): FieldSet {
  const result: FieldSet = { member: set.member && other.member, children: new Map() };
  for (const [element, child] of set.children) {
    const theirs = other.children.get(element);
    if (!theirs) continue;
    const common = intersect(child, theirs);
    if (!isEmptyFieldSet(common)) result.children.set(element, common);
  }
  return result;
}

/** Every member path of the set, each as its list of elements (an item's own path ends before `.`). */
export function memberPaths(set: FieldSet, prefix: readonly string[] = []): string[][] {
  const paths: string[][] = set.member ? [[...prefix]] : [];
  for (const [element, child] of set.children) {
    paths.push(...memberPaths(child, [...prefix, element]));
  }
  return paths;
}

/** The set as Kubernetes writes it in `managedFields[].fieldsV1`. */
export function toFieldsV1(set: FieldSet): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  if (set.member && set.children.size > 0) json['.'] = {};
  for (const [element, child] of set.children) json[element] = toFieldsV1(child);
  return json;
}

/** A set from `managedFields[].fieldsV1`; anything but nested objects is refused with a message. */
export function fromFieldsV1(json: unknown): FieldSet | { error: string } {
  if (!isRecord(json)) return { error: 'fieldsV1 must be an object' };
  const set = emptyFieldSet();
  const entries = Object.entries(json);
  if (entries.length === 0) set.member = true;
  for (const [element, child] of entries) {
    if (element === '.') {
      set.member = true;
      continue;
    }
    if (!/^[fkvi]:/.test(element)) return { error: `fieldsV1 has an unknown element "${element}"` };
    const parsed = fromFieldsV1(child);
    if ('error' in parsed) return parsed;
    set.children.set(element, parsed);
  }
  return set;
}

/**
 * A path as Kubernetes prints it in conflicts:
 * `.spec.template.spec.containers[name="web"].image`, `.metadata.finalizers[="a"]`.
 */
export function pathString(path: readonly string[]): string {
  let text = '';
  for (const element of path) {
    const body = element.slice(2);
    if (element.startsWith('f:')) text += `.${body}`;
    else if (element.startsWith('k:')) {
      const key = JSON.parse(body) as Record<string, unknown>;
      const parts = Object.entries(key).map(
        ([field, value]) => `${field}=${JSON.stringify(value)}`,
      );
      text += `[${parts.join(',')}]`;
    } else if (element.startsWith('v:')) text += `[=${body}]`;
    else if (element.startsWith('i:')) text += `[${body}]`;
  }
  return text;
}
