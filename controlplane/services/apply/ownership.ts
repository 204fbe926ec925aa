// Who owns which fields after a write, as Kubernetes' field manager decides:
//
// - an update (any write but an apply) takes the fields it added or changed
//   from everyone else, and nobody owns the fields it removed;
// - an apply owns exactly the fields of its configuration. A field another
//   manager owns and the configuration sets to a different value is a
//   conflict (409) unless forced, which takes it over; the same value shares
//   it. A field the manager applied last time and left out now is removed
//   from the object, unless another manager owns it too.
//
// An object nobody has applied to has no managedFields (see
// docs/architecture.md): its first apply sees every field it has as owned by
// `before-first-apply`, as Kubernetes does for objects without managedFields.
// kubectl's own applies also continue a client-side apply's record (see
// ApplyInput.lastApplied and server-side-apply.ts), so that switching
// `kubectl apply` to `--server-side` and back works as in Kubernetes.

import { ApiError, failure } from '../../api/errors.js';
import { deepEqual } from '../../api/json-values.js';
import type { PatchMeta } from '../../api/patch-meta.js';
import type { StatusCause } from '../../api/types.js';
import {
  addAll,
  childOf,
  copyFieldSet,
  emptyFieldSet,
  fieldsOf,
  intersect,
  isEmptyFieldSet,
  memberPaths,
  pathString,
  subtract,
  toFieldsV1,
  type FieldSet,
} from './field-set.js';
import {
  describeManager,
  isEntryOf,
  trackedPart,
  type ManagerEntry,
  type ManagerIdentity,
  type TrackedScope,
} from './managed-fields.js';
import { mergeApplied, removeFields, valueAt, type FieldChanges } from './object-fields.js';

/** The manager Kubernetes names as the owner of an object's fields before its first apply. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

/** When and in which version a write happens. */
export interface WriteStamp {
  readonly apiVersion: string;
  readonly time: string;
}

/** The entries after an update by `who` that made `changes`. */
export function recordUpdate(
  entries: readonly ManagerEntry[],
  changes: FieldChanges,
  who: ManagerIdentity,
  stamp: WriteStamp,
): ManagerEntry[] {
  const touched = addAll(copyFieldSet(changes.changed), changes.removed);
  if (isEmptyFieldSet(touched)) return [...entries];
  const result = entries.map((entry) =>
    isEntryOf(entry, who) ? entry : { ...entry, fields: subtract(entry.fields, touched) },
  );
  const index = result.findIndex((entry) => isEntryOf(entry, who));
  const previous = index >= 0 ? result[index]?.fields : undefined;
  const mine: ManagerEntry = {
    ...who,
    ...stamp,
    fields: subtract(
      addAll(copyFieldSet(previous ?? emptyFieldSet()), changes.changed),
      changes.removed,
    ),
  };
  if (index >= 0) result[index] = mine;
  else result.push(mine);
  return result;
}

/** One field another manager owns with a different value. */
export interface ApplyConflict {
  readonly owner: ManagerEntry;
  readonly path: readonly string[];
}

/** What an apply computed: the merged object (tracked part and the rest) and the entries to store. */
export interface ApplyOutcome {
  readonly merged: Record<string, unknown>;
  readonly entries: ManagerEntry[];
}

/** What an apply needs to know. */
export interface ApplyInput {
  /** The live object, undefined when the apply creates it. */
  readonly live: Record<string, unknown> | undefined;
  /** Its entries (for an object without any: `before-first-apply` owning its tracked part). */
  readonly entries: readonly ManagerEntry[];
  /** The part of the live object managers own, and of the applied configuration. */
  readonly liveTracked: Record<string, unknown>;
  readonly applied: Record<string, unknown>;
  readonly appliedTracked: Record<string, unknown>;
  readonly who: ManagerIdentity;
  readonly stamp: WriteStamp;
  readonly force: boolean;
  readonly meta: PatchMeta;
  readonly scope: TrackedScope;
  /**
   * The tracked part of the configuration a client-side apply last recorded
   * (`kubectl.kubernetes.io/last-applied-configuration`), when this apply
   * continues it: a field it set that still has that value is taken over
   * without a conflict (Kubernetes' upgrade from client-side apply).
   */
  readonly lastApplied?: Record<string, unknown>;
}

/** Merges an applied configuration; throws the 409 of its conflicts unless forced. */
export function applyConfiguration(input: ApplyInput): ApplyOutcome {
  const { who, meta } = input;
  const appliedSet = fieldsOf(input.appliedTracked, meta);
  const conflicts = conflictsOf(input, appliedSet);
  const refused = conflicts.filter((conflict) => !setByLastApply(input, conflict.path));
  if (refused.length > 0 && !input.force) throw applyConflictError(refused);
  let others = input.entries.filter((entry) => !isEntryOf(entry, who));
  if (conflicts.length > 0) {
    others = others.map((entry) => {
      const taken = emptyFieldSet();
      for (const conflict of conflicts) {
        if (conflict.owner === entry) addPath(taken, conflict.path);
      }
      return { ...entry, fields: subtract(entry.fields, taken) };
    });
  }
  const merged = mergeApplied(input.live ?? {}, input.applied, meta) as Record<string, unknown>;
  const previous = input.entries.find((entry) => isEntryOf(entry, who))?.fields;
  if (previous) {
    const ownedByOthers = others.reduce((all, entry) => addAll(all, entry.fields), emptyFieldSet());
    removeFields(merged, subtract(subtract(previous, appliedSet), ownedByOthers), meta);
  }
  const before = input.entries.find((entry) => isEntryOf(entry, who));
  // Re-applying what is already there changes nothing, not even the entry's time.
  const unchanged =
    before !== undefined &&
    deepEqual(toFieldsV1(before.fields), toFieldsV1(appliedSet)) &&
    deepEqual(trackedPart(merged, input.scope), input.liveTracked);
  const mine: ManagerEntry = {
    ...who,
    ...input.stamp,
    ...(unchanged ? { time: before.time } : {}),
    fields: appliedSet,
  };
  const index = input.entries.findIndex((entry) => isEntryOf(entry, who));
  const entries = [...others];
  entries.splice(index >= 0 ? index : entries.length, 0, mine);
  return { merged, entries };
}

/** True when the client-side apply this apply continues set the field to the value it has. */
function setByLastApply(input: ApplyInput, path: readonly string[]): boolean {
  if (!input.lastApplied) return false;
  const recorded = valueAt(input.lastApplied, path, input.meta);
  return (
    recorded !== undefined && deepEqual(recorded, valueAt(input.liveTracked, path, input.meta))
  );
}

/** Fields of the configuration that other managers own with another value. */
function conflictsOf(input: ApplyInput, appliedSet: FieldSet): ApplyConflict[] {
  const conflicts: ApplyConflict[] = [];
  for (const owner of input.entries) {
    if (isEntryOf(owner, input.who)) continue;
    for (const path of memberPaths(intersect(appliedSet, owner.fields))) {
      // A list item or a set's value: both have it, so nothing differs.
      const last = path[path.length - 1] ?? '';
      if (last.startsWith('k:') || last.startsWith('v:')) continue;
      const now = valueAt(input.liveTracked, path, input.meta);
      const wanted = valueAt(input.appliedTracked, path, input.meta);
      if (!deepEqual(now, wanted)) conflicts.push({ owner, path });
    }
  }
  return conflicts;
}

function addPath(set: FieldSet, path: readonly string[]): void {
  let node = set;
  for (const element of path) node = childOf(node, element);
  node.member = true;
}

/** Kubernetes' apply conflict: 409 Conflict, one FieldManagerConflict cause per field. */
export function applyConflictError(conflicts: readonly ApplyConflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map((conflict) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(conflict.owner)}`,
    field: pathString(conflict.path),
  }));
  const [first] = conflicts;
  let message: string;
  if (conflicts.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(first.owner)}: ${pathString(first.path)}`;
  } else {
    const byOwner = new Map<string, string[]>();
    for (const conflict of conflicts) {
      const owner = describeManager(conflict.owner);
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), pathString(conflict.path)]);
    }
    const lines = [...byOwner.keys()]
      .sort()
      .flatMap((owner) => [
        `conflicts with ${owner}:`,
        ...(byOwner.get(owner) ?? []).map((p) => `- ${p}`),
      ]);
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(failure(409, 'Conflict', message, { causes }));
}
