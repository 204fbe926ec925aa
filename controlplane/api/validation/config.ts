// ConfigMaps and Secrets: valid keys, at most 1 MiB of data, the keys each
// Secret type requires; once `immutable: true`, data and type stay.

import type { FieldError } from '../errors.js';
import type { ConfigMap, Secret } from '../generated/index.js';
import { deepEqual } from '../json-values.js';
import { forbidden, invalidEach, invalidValue, key, required, tooLong } from './field-errors.js';
import { FIELD_IMMUTABLE } from './metadata.js';
import { isConfigMapKey } from './names.js';

/** Kubernetes' limit on the data of one ConfigMap or Secret. */
export const MAX_DATA_SIZE_BYTES = 1024 * 1024;

const IMMUTABLE_DATA = 'field is immutable when `immutable` is set';

function validateKeys(
  data: Readonly<Record<string, string>> | undefined,
  field: string,
): FieldError[] {
  return Object.keys(data ?? {}).flatMap((k) => invalidEach(key(field, k), k, isConfigMapKey(k)));
}

/** A ConfigMap: keys, no key in both data and binaryData, total size. */
export function validateConfigMap(configMap: ConfigMap): FieldError[] {
  const errors = [
    ...validateKeys(configMap.data, 'data'),
    ...validateKeys(configMap.binaryData, 'binaryData'),
  ];
  let size = 0;
  for (const [k, value] of Object.entries(configMap.data ?? {})) {
    if (configMap.binaryData?.[k] !== undefined) {
      errors.push(invalidValue(key('data', k), k, 'duplicate of key present in binaryData'));
    }
    size += Buffer.byteLength(value);
  }
  for (const [k, value] of Object.entries(configMap.binaryData ?? {})) {
    if (configMap.data?.[k] !== undefined) {
      errors.push(invalidValue(key('binaryData', k), k, 'duplicate of key present in data'));
    }
    size += Buffer.from(value, 'base64').length;
  }
  if (size > MAX_DATA_SIZE_BYTES) errors.push(tooLong('', MAX_DATA_SIZE_BYTES));
  return errors;
}

/** The data keys each well-known Secret type requires. */
function typeErrors(secret: Secret, keys: ReadonlySet<string>): FieldError[] {
  const missing = (...names: string[]): FieldError[] =>
    names.filter((n) => !keys.has(n)).map((n) => required(key('data', n)));
  switch (secret.type) {
    case 'kubernetes.io/tls':
      return missing('tls.crt', 'tls.key');
    case 'kubernetes.io/dockerconfigjson':
      return missing('.dockerconfigjson');
    case 'kubernetes.io/dockercfg':
      return missing('.dockercfg');
    case 'kubernetes.io/basic-auth':
      return keys.has('username') || keys.has('password') ? [] : missing('username', 'password');
    case 'kubernetes.io/ssh-auth':
      return missing('ssh-privatekey');
    case 'kubernetes.io/service-account-token':
      return secret.metadata.annotations?.['kubernetes.io/service-account.name']
        ? []
        : [required('metadata.annotations[kubernetes.io/service-account.name]')];
    default:
      return [];
  }
}

/** A Secret: keys (of data and of the write-only stringData), size, per-type keys. */
export function validateSecret(secret: Secret): FieldError[] {
  const errors = [
    ...validateKeys(secret.data, 'data'),
    ...validateKeys(secret.stringData, 'stringData'),
  ];
  let size = 0;
  for (const value of Object.values(secret.data ?? {})) size += Buffer.from(value, 'base64').length;
  for (const value of Object.values(secret.stringData ?? {})) size += Buffer.byteLength(value);
  if (size > MAX_DATA_SIZE_BYTES) errors.push(tooLong('data', MAX_DATA_SIZE_BYTES));
  const keys = new Set([
    ...Object.keys(secret.data ?? {}),
    ...Object.keys(secret.stringData ?? {}),
  ]);
  errors.push(...typeErrors(secret, keys));
  return errors;
}

/** Updates of ConfigMaps and Secrets: `immutable` objects keep their data; a Secret keeps its type. */
export function validateDataUpdate(
  next: ConfigMap | Secret,
  old: ConfigMap | Secret,
): FieldError[] {
  const errors: FieldError[] = [];
  if (
    next.kind === 'Secret' &&
    old.kind === 'Secret' &&
    (next.type ?? 'Opaque') !== (old.type ?? 'Opaque')
  ) {
    errors.push(invalidValue('type', next.type ?? '', FIELD_IMMUTABLE));
  }
  if (old.immutable !== true) return errors;
  if (next.immutable !== true) errors.push(forbidden('immutable', IMMUTABLE_DATA));
  const fields = next.kind === 'Secret' ? (['data'] as const) : (['data', 'binaryData'] as const);
  for (const field of fields) {
    const before: unknown = (old as Record<string, unknown>)[field];
    const after: unknown = (next as Record<string, unknown>)[field];
    if (!deepEqual(after, before)) errors.push(forbidden(field, IMMUTABLE_DATA));
  }
  return errors;
}
