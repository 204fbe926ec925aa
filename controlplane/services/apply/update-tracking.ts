// managedFields across an update (a PUT, a non-apply PATCH, a status or
// scale write): the writer's manager takes what it changed. An update may
// also replace the list (Kubernetes lets a client send its own), or reset it
// with `[{}]`; an empty or absent list keeps the stored one.

import { invalid } from '../../api/errors.js';
import type { ManagedFieldsEntry } from '../../api/generated/meta.js';
import { isRecord, rfc3339 } from '../../api/json-values.js';
import { patchMetaFor } from '../../api/patch-meta.js';
import { apiVersionOf } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { invalidValue } from '../../api/validation/field-errors.js';
import type { ServiceWriteOptions, TypeContext } from '../context.js';
import {
  decodeEntry,
  readEntries,
  trackedPart,
  writeEntries,
  type ManagerEntry,
  type TrackedScope,
} from './managed-fields.js';
import { changedFields } from './object-fields.js';
import { recordUpdate } from './ownership.js';

/** The manager of a write that names none (Kubernetes takes the client's user agent; the HTTP layer does too). */
export const UNNAMED_MANAGER = 'unknown';

/** What a write to the main resource (or its `status`) may own of an object of this type. */
export function scopeOf(ctx: TypeContext, subresource: string): TrackedScope {
  if (subresource === 'status') return 'status';
  return ctx.strategy.hasStatusSubresource ? 'main' : 'whole';
}

/**
 * The managedFields to store after `old` became `next` through a write to
 * `subresource` ('' for the object): undefined when the object has none and
 * the request sent none (objects nobody applied to carry none).
 */
export function managedFieldsAfterUpdate(
  ctx: TypeContext,
  old: KubeObject,
  next: KubeObject,
  requested: unknown,
  subresource: string,
  options: ServiceWriteOptions,
): ManagedFieldsEntry[] | undefined {
  const sent = Array.isArray(requested) && requested.length > 0 ? requested : undefined;
  if (sent?.length === 1 && isRecord(sent[0]) && Object.keys(sent[0]).length === 0) {
    return undefined;
  }
  const entries = sent ? decodeSent(ctx, next, sent) : readEntries(old);
  if (entries.length === 0) return undefined;
  const scope = scopeOf(ctx, subresource);
  const meta = patchMetaFor(ctx.type.kind);
  const changes = changedFields(trackedPart(old, scope), trackedPart(next, scope), meta);
  const who = {
    manager: options.fieldManager || UNNAMED_MANAGER,
    operation: 'Update' as const,
    subresource,
  };
  const stamp = { apiVersion: apiVersionOf(ctx.type), time: rfc3339(ctx.services.now()) };
  return writeEntries(recordUpdate(entries, changes, who, stamp));
}

/** A list the client sent, each entry checked (422 naming the entry). */
function decodeSent(ctx: TypeContext, next: KubeObject, sent: readonly unknown[]): ManagerEntry[] {
  return sent.map((raw, index) => {
    const entry = decodeEntry(raw);
    if (typeof entry !== 'string') return entry;
    const field = `metadata.managedFields[${index}]`;
    throw invalid(
      ctx.type.kind,
      next.metadata.name ?? '',
      [invalidValue(field, raw, entry)],
      ctx.type.group,
    );
  });
}
