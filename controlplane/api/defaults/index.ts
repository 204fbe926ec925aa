// Defaulting, as Kubernetes does it between decoding and validation: the
// values `kubectl get -o yaml` shows for fields the manifest left out, and
// quantities in the canonical form Kubernetes stores them in.

import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { KIND_DEFAULTERS } from './kinds.js';
import { canonicalizeQuantities } from './quantities.js';
import { dropEmptyMetadataMaps, dropNullFields, isRecord } from './values.js';

export { canonicalQuantity } from './canonical-quantity.js';
export {
  DEFAULT_CLIENT_IP_TIMEOUT_SECONDS,
  DEFAULT_CPU_UTILIZATION,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  NAMESPACE_NAME_LABEL,
} from './kinds.js';
export {
  applyPodSpecDefaults,
  DEFAULT_SCHEDULER_NAME,
  DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS,
  DEFAULT_TERMINATION_MESSAGE_PATH,
  defaultPullPolicy,
  type PodSpecOwner,
} from './pod-spec.js';

/** The namespace of namespaced objects that name none. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Fills Kubernetes' defaults into `object`, an object of `type`, in place,
 * and returns it. Null fields are dropped first (Kubernetes' decoder reads
 * them as absent), and empty metadata maps (Go omits them). Idempotent; safe on objects that have not been validated:
 * parts of an unexpected shape are left for validation to report.
 */
export function applyDefaults<T extends KubeObject>(type: ResourceType, object: T): T {
  if (!isRecord(object)) return object;
  dropNullFields(object);
  dropEmptyMetadataMaps(object);
  KIND_DEFAULTERS[type.kind]?.(object);
  canonicalizeQuantities(type.kind, object);
  return object;
}

/**
 * Sets the namespace the server stores an object in: for namespaced types the
 * object's own, else `requestNamespace` (the URL's), else `default`; removed
 * for cluster-scoped types. Whether the object's and the request's agree is
 * the server's check, made before this.
 */
export function defaultNamespace(
  type: ResourceType,
  object: KubeObject,
  requestNamespace?: string,
): void {
  if (!isRecord(object.metadata)) return;
  if (!type.namespaced) {
    delete object.metadata.namespace;
    return;
  }
  if (!object.metadata.namespace) object.metadata.namespace = requestNamespace || DEFAULT_NAMESPACE;
}
