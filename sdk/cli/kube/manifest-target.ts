// Where a manifest's object goes: its type (from apiVersion and kind) and,
// for namespaced types, its namespace — its own, else -n, else the context's
// (kubectl refuses an object whose namespace contradicts -n).

import {
  resourceTypeForKind,
  servedTypeFor,
  type ResourceType,
} from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import type { Manifest } from './manifests.js';

/** A manifest's object, ready to send. */
export interface Target {
  readonly type: ResourceType;
  /** The manifest's object with `metadata.namespace` filled in for namespaced types. */
  readonly object: KubeObject;
  readonly name: string;
  readonly namespace: string | undefined;
}

/**
 * The target of `manifest`; a CliError worded as kubectl's when the kind is
 * not served, the namespace contradicts -n, or (unless `nameOptional`) the
 * object has no name.
 */
export function targetOf(
  manifest: Manifest,
  context: { readonly namespace: string; readonly namespaceFlag: boolean },
  nameOptional = false,
): Target {
  const { object, source } = manifest;
  const metadata = object.metadata ?? {};
  const name = metadata.name ?? '';
  const type = servedTypeFor(object.apiVersion, object.kind);
  if (!type) {
    const other = resourceTypeForKind(object.kind);
    const hint = other ? '' : '\nensure CRDs are installed first';
    throw new CliError(
      `resource mapping not found for name: "${name}" namespace: "${metadata.namespace ?? ''}" from "${source}": no matches for kind "${object.kind}" in version "${object.apiVersion}"${hint}`,
    );
  }
  if (!name && !nameOptional)
    throw new CliError(
      `error when retrieving current configuration of ${type.kind.toLowerCase()} from "${source}": resource name may not be empty`,
    );
  if (!type.namespaced)
    return { type, object: { ...object, metadata }, name, namespace: undefined };
  const own = metadata.namespace;
  if (own && context.namespaceFlag && own !== context.namespace) {
    throw new CliError(
      `the namespace from the provided object "${own}" does not match the namespace "${context.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
    );
  }
  const namespace = own || context.namespace;
  return { type, object: { ...object, metadata: { ...metadata, namespace } }, name, namespace };
}
