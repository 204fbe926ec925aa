// `metadata.managedFields`: which field manager owns which fields, read and
// written as Kubernetes does (one entry per manager, operation and
// subresource; FieldsV1 sets). What part of an object is tracked depends on
// where the write went: the main resource leaves `status` to the status
// subresource when the kind has one, and the status subresource tracks
// nothing else. Metadata the server owns (name, uid, resourceVersion, ...)
// is never tracked.

import type { ManagedFieldsEntry } from '../../api/generated/meta.js';
import { isRecord } from '../../api/json-values.js';
import type { KubeObject } from '../../api/types.js';
import { fromFieldsV1, isEmptyFieldSet, toFieldsV1, type FieldSet } from './field-set.js';

/** One owner of fields, decoded. */
export interface ManagerEntry {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  time: string;
  /** '' for the object itself. */
  readonly subresource: string;
  fields: FieldSet;
}

/** Who writes: the manager's name, the operation, and where the write went. */
export interface ManagerIdentity {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly subresource: string;
}

/** Where a write went, for what it may own: the main resource of a kind with a status subresource, its status, or the whole object. */
export type TrackedScope = 'main' | 'status' | 'whole';

const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
]);

/** The part of `object` managers own for a write to `scope`. */
export function trackedPart(object: unknown, scope: TrackedScope): Record<string, unknown> {
  if (!isRecord(object)) return {};
  if (scope === 'status') return object['status'] === undefined ? {} : { status: object['status'] };
  const part: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(object)) {
    if (field === 'apiVersion' || field === 'kind' || value === undefined) continue;
    if (field === 'status' && scope === 'main') continue;
    if (field === 'metadata' && isRecord(value)) {
      const metadata = Object.fromEntries(
        Object.entries(value).filter(([key, v]) => !SERVER_METADATA.has(key) && v !== undefined),
      );
      if (Object.keys(metadata).length > 0) part[field] = metadata;
      continue;
    }
    part[field] = value;
  }
  return part;
}

/** The entries of an object's managedFields; entries that are not well formed are dropped. */
export function readEntries(object: KubeObject): ManagerEntry[] {
  const entries: ManagerEntry[] = [];
  for (const raw of object.metadata.managedFields ?? []) {
    const entry = decodeEntry(raw);
    if (typeof entry !== 'string') entries.push(entry);
  }
  return entries;
}

/** One entry decoded, or what is wrong with it. */
export function decodeEntry(raw: unknown): ManagerEntry | string {
  if (!isRecord(raw)) return 'must be an object';
  const { manager, operation, apiVersion, time, subresource, fieldsType, fieldsV1 } = raw;
  if (typeof manager !== 'string' || manager === '') return 'manager: Required value';
  if (operation !== 'Apply' && operation !== 'Update') {
    return `operation: Unsupported value: ${JSON.stringify(operation)}: supported values: "Apply", "Update"`;
  }
  if (fieldsType !== undefined && fieldsType !== 'FieldsV1') {
    return `fieldsType: Unsupported value: ${JSON.stringify(fieldsType)}: supported values: "FieldsV1"`;
  }
  const fields = fromFieldsV1(fieldsV1 ?? {});
  if ('error' in fields) return `fieldsV1: Invalid value: ${fields.error}`;
  return {
    manager,
    operation,
    apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
    time: typeof time === 'string' ? time : '',
    subresource: typeof subresource === 'string' ? subresource : '',
    fields,
  };
}

/** The entries as written in `metadata.managedFields`; entries owning nothing are left out. */
export function writeEntries(entries: readonly ManagerEntry[]): ManagedFieldsEntry[] {
  return entries
    .filter((entry) => !isEmptyFieldSet(entry.fields))
    .map((entry) => ({
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      ...(entry.time ? { time: entry.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(entry.fields),
      ...(entry.subresource ? { subresource: entry.subresource } : {}),
    }));
}

/** True when `entry` is `who`'s. */
export function isEntryOf(entry: ManagerEntry, who: ManagerIdentity): boolean {
  return (
    entry.manager === who.manager &&
    entry.operation === who.operation &&
    entry.subresource === who.subresource
  );
}

/** `"kubectl" using apps/v1 at 2026-...`: a manager as Kubernetes names it in conflicts. */
export function describeManager(entry: ManagerEntry): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') {
    text += ` using ${entry.apiVersion}`;
    if (entry.time) text += ` at ${entry.time}`;
  }
  return text;
}
