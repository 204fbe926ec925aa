// Pod volumes (unique DNS-label names, exactly one source each) and the
// container mounts that refer to them.

import type { FieldError } from '../errors.js';
import type {
  ConfigMapVolumeSource,
  HostPathVolumeSource,
  KeyToPath,
  SecretVolumeSource,
  Volume,
  VolumeMount,
} from '../generated/index.js';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalidEach,
  invalidValue,
  notFound,
  required,
} from './field-errors.js';
import { isConfigMapKey, isDNS1123Label, nameIsDNSSubdomain } from './names.js';
import { parsedQuantity } from './resources.js';

const SOURCES = ['emptyDir', 'hostPath', 'configMap', 'secret'] as const;

/** A path inside a volume: relative, never climbing out (`validateLocalDescendingPath`). */
export function validateLocalDescendingPath(path: string, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (path.startsWith('/')) errors.push(invalidValue(field, path, 'must be a relative path'));
  if (path.split('/').includes('..'))
    errors.push(invalidValue(field, path, "must not contain '..'"));
  return errors;
}

function validateFileMode(mode: number | undefined, field: string): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777)
    ? [invalidValue(field, mode, 'must be a number between 0 and 0777 (octal), both inclusive')]
    : [];
}

function validateItems(items: readonly KeyToPath[] | undefined, field: string): FieldError[] {
  return (items ?? []).flatMap((item, i) => {
    const path = index(field, i);
    const errors: FieldError[] = [];
    if (item.key === '') errors.push(required(child(path, 'key')));
    else errors.push(...invalidEach(child(path, 'key'), item.key, isConfigMapKey(item.key)));
    if (item.path === '') errors.push(required(child(path, 'path')));
    else {
      errors.push(...validateLocalDescendingPath(item.path, child(path, 'path')));
      if (item.path.startsWith('..'))
        errors.push(invalidValue(child(path, 'path'), item.path, "must not start with '..'"));
    }
    errors.push(...validateFileMode(item.mode, child(path, 'mode')));
    return errors;
  });
}

function validateHostPath(source: HostPathVolumeSource, field: string): FieldError[] {
  if (source.path === '') return [required(child(field, 'path'))];
  return source.path.split('/').includes('..')
    ? [invalidValue(child(field, 'path'), source.path, "must not contain '..'")]
    : [];
}

function validateConfigMapSource(source: ConfigMapVolumeSource, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!source.name) errors.push(required(child(field, 'name')));
  else
    errors.push(
      ...invalidEach(child(field, 'name'), source.name, nameIsDNSSubdomain(source.name, false)),
    );
  errors.push(...validateFileMode(source.defaultMode, child(field, 'defaultMode')));
  errors.push(...validateItems(source.items, child(field, 'items')));
  return errors;
}

function validateSecretSource(source: SecretVolumeSource, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!source.secretName) errors.push(required(child(field, 'secretName')));
  else
    errors.push(
      ...invalidEach(
        child(field, 'secretName'),
        source.secretName,
        nameIsDNSSubdomain(source.secretName, false),
      ),
    );
  errors.push(...validateFileMode(source.defaultMode, child(field, 'defaultMode')));
  errors.push(...validateItems(source.items, child(field, 'items')));
  return errors;
}

function validateSource(volume: Volume, field: string): FieldError[] {
  const present = SOURCES.filter((s) => volume[s] !== undefined);
  const [first, ...others] = present;
  if (first === undefined) return [required(field, 'must specify a volume type')];
  const errors = others.map((s) =>
    forbidden(child(field, s), 'may not specify more than 1 volume type'),
  );
  if (volume.hostPath && first === 'hostPath')
    errors.push(...validateHostPath(volume.hostPath, child(field, 'hostPath')));
  if (volume.configMap && first === 'configMap') {
    errors.push(...validateConfigMapSource(volume.configMap, child(field, 'configMap')));
  }
  if (volume.secret && first === 'secret')
    errors.push(...validateSecretSource(volume.secret, child(field, 'secret')));
  const sizeLimit = volume.emptyDir?.sizeLimit;
  if (
    first === 'emptyDir' &&
    sizeLimit !== undefined &&
    (parsedQuantity(sizeLimit)?.numerator ?? 0n) < 0n
  ) {
    errors.push(
      forbidden(
        child(field, 'emptyDir', 'sizeLimit'),
        'SizeLimit field must be a valid resource quantity',
      ),
    );
  }
  return errors;
}

/** The pod's volumes; returns the names they declare, for the mounts. */
export function validateVolumes(
  volumes: readonly Volume[] | undefined,
  field: string,
): { names: Set<string>; errors: FieldError[] } {
  const names = new Set<string>();
  const errors: FieldError[] = [];
  (volumes ?? []).forEach((volume, i) => {
    const path = index(field, i);
    errors.push(...validateSource(volume, path));
    const namePath = child(path, 'name');
    if (volume.name === '') errors.push(required(namePath));
    else errors.push(...invalidEach(namePath, volume.name, isDNS1123Label(volume.name)));
    if (names.has(volume.name)) errors.push(duplicate(namePath, volume.name));
    names.add(volume.name);
  });
  return { names, errors };
}

/** A container's mounts: each names a pod volume, at a distinct mount path. */
export function validateVolumeMounts(
  mounts: readonly VolumeMount[] | undefined,
  volumes: ReadonlySet<string>,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const mountPaths = new Set<string>();
  (mounts ?? []).forEach((mount, i) => {
    const path = index(field, i);
    if (mount.name === '') errors.push(required(child(path, 'name')));
    else if (!volumes.has(mount.name)) errors.push(notFound(child(path, 'name'), mount.name));
    if (mount.mountPath === '') errors.push(required(child(path, 'mountPath')));
    else if (mountPaths.has(mount.mountPath)) {
      errors.push(invalidValue(child(path, 'mountPath'), mount.mountPath, 'must be unique'));
    }
    mountPaths.add(mount.mountPath);
    if (mount.subPath)
      errors.push(...validateLocalDescendingPath(mount.subPath, child(path, 'subPath')));
    if (mount.subPath && mount.subPathExpr) {
      errors.push(
        invalidValue(
          child(path, 'subPathExpr'),
          mount.subPathExpr,
          'subPathExpr and subPath are mutually exclusive',
        ),
      );
    }
  });
  return errors;
}
