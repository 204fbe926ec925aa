// apimachinery's ObjectMeta rules: the name, the namespace, labels,
// annotations (256 KiB in all), owner references and finalizers; and
// metav1's label selector rules, shared by every kind that has a selector.

import type { FieldError } from '../errors.js';
import type { LabelSelector, ObjectMeta } from '../types.js';
import {
  child,
  forbidden,
  index,
  invalidEach,
  invalidValue,
  nonNegative,
  required,
  tooLong,
} from './field-errors.js';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameValidator } from './names.js';

/** Kubernetes' limit on the total size of an object's annotations (keys and values). */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/** `FieldImmutableErrorMsg` */
export const FIELD_IMMUTABLE = 'field is immutable';

/** A label key, or any other qualified name (`ValidateLabelName`). */
export function validateQualifiedName(name: string, field: string): FieldError[] {
  return invalidEach(field, name, isQualifiedName(name));
}

/** Label keys and values (`ValidateLabels`); errors name the labels field itself, as Kubernetes does. */
export function validateLabels(
  labels: Readonly<Record<string, string>> | undefined,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errors.push(...validateQualifiedName(k, field), ...invalidEach(field, v, isValidLabelValue(v)));
  }
  return errors;
}

/** Annotation keys (qualified names, any case) and their total size. */
export function validateAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errors.push(...invalidEach(field, k, isQualifiedName(k.toLowerCase())));
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES)
    errors.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errors;
}

function validateOwnerReferences(meta: ObjectMeta, field: string): FieldError[] {
  const errors: FieldError[] = [];
  let controller: string | undefined;
  for (const ref of meta.ownerReferences ?? []) {
    if (!/\/?[^/]+$/.test(ref.apiVersion) || ref.apiVersion.endsWith('/')) {
      errors.push(
        invalidValue(child(field, 'apiVersion'), ref.apiVersion, 'version must not be empty'),
      );
    }
    for (const name of ['kind', 'name', 'uid'] as const) {
      if (ref[name] === '') errors.push(invalidValue(child(field, name), '', 'must not be empty'));
    }
    if (ref.apiVersion === 'v1' && ref.kind === 'Event') {
      errors.push(invalidValue(field, ref, '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (controller === undefined) controller = current;
      else {
        errors.push(
          invalidValue(
            field,
            meta.ownerReferences,
            `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`,
          ),
        );
      }
    }
  }
  return errors;
}

function validateFinalizers(
  finalizers: readonly string[] | undefined,
  field: string,
): FieldError[] {
  const list = finalizers ?? [];
  const errors = list.flatMap((f) => validateQualifiedName(f, field));
  if (list.includes('orphan') && list.includes('foregroundDeletion')) {
    errors.push(
      invalidValue(field, list, 'finalizer orphan and foregroundDeletion cannot be both set'),
    );
  }
  return errors;
}

/**
 * `ValidateObjectMeta`: the name (required, checked by `nameFn`), the
 * namespace (required for namespaced kinds, refused for cluster-scoped ones),
 * labels, annotations, owner references and finalizers. The server generates
 * the name from `generateName` before validating; a `generateName` is checked
 * as a prefix.
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  namespaced: boolean,
  nameFn: NameValidator,
  field = 'metadata',
): FieldError[] {
  const errors: FieldError[] = [];
  if (meta.generateName) {
    errors.push(
      ...invalidEach(
        child(field, 'generateName'),
        meta.generateName,
        nameFn(meta.generateName, true),
      ),
    );
  }
  if (!meta.name) errors.push(required(child(field, 'name'), 'name or generateName is required'));
  else errors.push(...invalidEach(child(field, 'name'), meta.name, nameFn(meta.name, false)));
  if (namespaced) {
    if (!meta.namespace) errors.push(required(child(field, 'namespace')));
    else
      errors.push(
        ...invalidEach(
          child(field, 'namespace'),
          meta.namespace,
          nameIsDNSLabel(meta.namespace, false),
        ),
      );
  } else if (meta.namespace) {
    errors.push(forbidden(child(field, 'namespace'), 'not allowed on this type'));
  }
  errors.push(...nonNegative(child(field, 'generation'), meta.generation));
  errors.push(...validateTemplateMeta(meta, field));
  errors.push(...validateOwnerReferences(meta, child(field, 'ownerReferences')));
  errors.push(...validateFinalizers(meta.finalizers, child(field, 'finalizers')));
  return errors;
}

/** The metadata of a pod template: labels and annotations only (`ValidateTemplateObjectMeta`). */
export function validateTemplateMeta(meta: ObjectMeta | undefined, field: string): FieldError[] {
  return [
    ...validateLabels(meta?.labels, child(field, 'labels')),
    ...validateAnnotations(meta?.annotations, child(field, 'annotations')),
  ];
}

/**
 * `ValidateObjectMetaUpdate`: name, namespace, uid and creationTimestamp
 * may not change. Fields the new object leaves empty are not compared: the
 * server carries them over from the stored object.
 */
export function validateObjectMetaUpdate(
  meta: ObjectMeta,
  old: ObjectMeta,
  field = 'metadata',
): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    const value = meta[name];
    if (value && old[name] && value !== old[name]) {
      errors.push(invalidValue(child(field, name), value, FIELD_IMMUTABLE));
    }
  }
  if (old.deletionTimestamp) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length > 0) {
      errors.push(
        forbidden(
          child(field, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        ),
      );
    }
  }
  return errors;
}

/** metav1's `ValidateLabelSelector`: label syntax, and values only with In / NotIn. */
export function validateLabelSelector(
  selector: LabelSelector | undefined,
  field: string,
): FieldError[] {
  if (!selector) return [];
  const errors = validateLabels(selector.matchLabels, child(field, 'matchLabels'));
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const path = index(child(field, 'matchExpressions'), i);
    const values = expr.values ?? [];
    if ((expr.operator === 'In' || expr.operator === 'NotIn') && values.length === 0) {
      errors.push(
        required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"),
      );
    }
    if ((expr.operator === 'Exists' || expr.operator === 'DoesNotExist') && values.length > 0) {
      errors.push(
        forbidden(
          child(path, 'values'),
          "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        ),
      );
    }
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(expr.operator)) {
      errors.push(
        invalidValue(child(path, 'operator'), expr.operator, 'not a valid selector operator'),
      );
    }
    errors.push(...validateQualifiedName(expr.key, child(path, 'key')));
    values.forEach((v, j) =>
      errors.push(...invalidEach(index(child(path, 'values'), j), v, isValidLabelValue(v))),
    );
  });
  return errors;
}
