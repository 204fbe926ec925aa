// The write path every create and update goes through, in Kubernetes' order:
// defaults, the server's own fields (strategy), unknown fields (per
// fieldValidation), validation (schema + kind rules + metadata rules).

import { invalid, strictDecodingError, type FieldError } from '../api/errors.js';
import type { ManagedFieldsEntry } from '../api/generated/meta.js';
import type { ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { managedFieldsAfterUpdate } from './apply/update-tracking.js';
import type { FieldValidation, ServiceWriteOptions, TypeContext } from './context.js';
import { removeFieldPath } from './field-paths.js';
import { clone, deepEqual } from './object-utils.js';
import { forbidden, invalidValue, required } from '../api/validation/field-errors.js';

/** What the write is: a create, an update of the main resource, or of its status. */
export type WriteKind = 'create' | 'update' | 'status';

/** Applies `fieldValidation` to the unknown fields of an object of `type` and drops them from it. */
export function handleUnknownFields(
  type: ResourceType,
  object: KubeObject,
  unknown: readonly string[],
  options: ServiceWriteOptions,
): void {
  if (unknown.length === 0) return;
  const mode: FieldValidation = options.fieldValidation ?? 'Warn';
  const { kind, version } = type;
  if (mode === 'Strict') {
    // Kubernetes refuses these while decoding, before validation: a 400.
    throw strictDecodingError(kind, version, unknown);
  }
  if (mode === 'Warn') for (const field of unknown) options.onWarning?.(`unknown field "${field}"`);
  for (const field of unknown) removeFieldPath(object, field);
}

/** Field errors in one list, each (field, message) once. */
function distinct(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const id = `${e.field}\u0000${e.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** Defaults, validation and unknown fields: the last steps shared by create and update. */
function validateAndFinish(
  ctx: TypeContext,
  object: KubeObject,
  operation: 'create' | 'update',
  options: ServiceWriteOptions,
  old: KubeObject | undefined,
  extra: readonly FieldError[],
): KubeObject {
  const result = ctx.services.schema.validate(ctx.type, object, {
    operation,
    ...(old ? { old } : {}),
  });
  handleUnknownFields(ctx.type, object, result.unknownFields, options);
  const errors = distinct([...extra, ...result.errors]);
  if (errors.length > 0) {
    throw invalid(ctx.type.kind, object.metadata.name ?? '', errors, ctx.type.group);
  }
  return object;
}

/**
 * A create: `object` already has its name, namespace and server-set metadata.
 * Returns the object to store (defaulted, with the server-owned fields set).
 */
export function admitCreate(
  ctx: TypeContext,
  object: KubeObject,
  options: ServiceWriteOptions,
): KubeObject {
  const defaulted = ctx.services.schema.applyDefaults(ctx.type, object);
  ctx.strategy.prepareForCreate(defaulted);
  const extra: FieldError[] = [];
  if (!defaulted.metadata.name) {
    extra.push(required('metadata.name', 'name or generateName is required'));
  }
  return validateAndFinish(ctx, defaulted, 'create', options, undefined, extra);
}

/** True when anything but metadata and status differs: what bumps `metadata.generation`. */
function specChanged(next: KubeObject, old: KubeObject): boolean {
  const strip = ({ metadata: _m, status: _s, ...rest }: KubeObject): Record<string, unknown> =>
    rest;
  return !deepEqual(strip(next), strip(old));
}

/**
 * Metadata an update may not change: name, namespace and uid are refused;
 * the fields only the server sets are carried over from `old`, as
 * Kubernetes' BeforeUpdate does.
 */
function carryOverMetadata(next: KubeObject, old: KubeObject): FieldError[] {
  const meta = next.metadata;
  const before = old.metadata;
  const errors: FieldError[] = [];
  for (const field of ['name', 'namespace'] as const) {
    if ((meta[field] ?? '') !== (before[field] ?? '')) {
      errors.push(invalidValue(`metadata.${field}`, meta[field], 'field is immutable'));
    }
  }
  if (!meta.uid) meta.uid = before.uid;
  else if (meta.uid !== before.uid)
    errors.push(invalidValue('metadata.uid', meta.uid, 'field is immutable'));
  for (const field of [
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
  ] as const) {
    if (before[field] === undefined) delete meta[field];
    else (meta as Record<string, unknown>)[field] = before[field];
  }
  delete meta.resourceVersion;
  delete meta.managedFields;
  if (before.deletionTimestamp) {
    const added = (meta.finalizers ?? []).filter((f) => !(before.finalizers ?? []).includes(f));
    if (added.length > 0) {
      errors.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        ),
      );
    }
  }
  return errors;
}

/** How an update's managedFields are decided (update-tracking.ts unless an apply decided them). */
export interface ManagedFieldsOptions {
  /** The subresource written through (`scale`); `status` for a status update. */
  readonly subresource?: string;
  /** The entries a server-side apply computed, stored as they are. */
  readonly applied?: readonly ManagedFieldsEntry[];
}

/**
 * An update of `old` to `requested` (the main resource, or its status).
 * Returns the object to store.
 */
export function admitUpdate(
  ctx: TypeContext,
  requested: KubeObject,
  old: KubeObject,
  kind: 'update' | 'status',
  options: ServiceWriteOptions,
  fields: ManagedFieldsOptions = {},
): KubeObject {
  let next = clone(requested);
  const requestedFields = next.metadata.managedFields;
  const metaErrors = carryOverMetadata(next, old);
  next = ctx.services.schema.applyDefaults(ctx.type, next);
  if (kind === 'status') {
    next = ctx.strategy.prepareForStatusUpdate(next, old);
    delete next.metadata.resourceVersion;
  } else {
    ctx.strategy.prepareForUpdate(next, old);
    if (typeof old.metadata.generation === 'number' && specChanged(next, old)) {
      next.metadata.generation = old.metadata.generation + 1;
    }
  }
  const extra = [
    ...metaErrors,
    ...(kind === 'update' ? ctx.strategy.validateUpdate(next, old) : []),
  ];
  const admitted = validateAndFinish(ctx, next, 'update', options, old, extra);
  const subresource = kind === 'status' ? 'status' : (fields.subresource ?? '');
  const managedFields = fields.applied
    ? [...fields.applied]
    : managedFieldsAfterUpdate(ctx, old, admitted, requestedFields, subresource, options);
  if (managedFields && managedFields.length > 0) admitted.metadata.managedFields = managedFields;
  return admitted;
}
