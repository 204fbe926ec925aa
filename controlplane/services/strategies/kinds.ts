// The strategy of each kind: Pods and Namespaces have files of their own
// rules; the others differ from the generic strategy in a line or two. What
// an update may not change (apps selectors, immutable ConfigMaps and Secrets,
// the pod spec) is the API validation's (api/validation/kinds.ts).

import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { clone, isRecord } from '../object-utils.js';
import { nodeAllocator } from '../node-allocations.js';
import { serviceAllocator } from '../service-allocations.js';
import { podStrategy } from './pod.js';
import { genericStrategy, type KindStrategy } from './strategy.js';

function field(object: KubeObject, name: string): Record<string, unknown> {
  const value = object[name];
  return isRecord(value) ? value : {};
}

/**
 * Namespaces: Active at create with Kubernetes' `kubernetes` spec finalizer
 * (removed by the services' namespace lifecycle once the namespace is empty);
 * an update changes neither status nor spec.finalizers (Kubernetes changes them
 * only through `/finalize`, which Skiff does not serve).
 */
function namespaceStrategy(type: ResourceType): KindStrategy {
  const base = genericStrategy(type);
  return {
    ...base,
    returnsDeletedObject: true,
    prepareForCreate(object) {
      object['status'] = { phase: 'Active' };
      const spec = isRecord(object['spec']) ? object['spec'] : {};
      if (!Array.isArray(spec['finalizers'])) spec['finalizers'] = ['kubernetes'];
      object['spec'] = spec;
    },
    prepareForUpdate(object, old) {
      base.prepareForUpdate(object, old);
      const spec = isRecord(object['spec']) ? object['spec'] : {};
      const oldFinalizers = field(old, 'spec')['finalizers'];
      if (oldFinalizers === undefined) delete spec['finalizers'];
      else spec['finalizers'] = clone(oldFinalizers);
      object['spec'] = spec;
    },
    pendingFinalization(object) {
      const finalizers = field(object, 'spec')['finalizers'];
      return Array.isArray(finalizers) && finalizers.length > 0;
    },
  };
}

/** Nodes: the kubelet registers a node with its status, so status is kept on create. */
function nodeStrategy(type: ResourceType): KindStrategy {
  return genericStrategy(type, { prepareForCreate() {}, allocator: nodeAllocator });
}

/** The strategy of `type`. */
export function strategyFor(type: ResourceType): KindStrategy {
  if (type.group === '' && type.kind === 'Pod') return podStrategy(type);
  if (type.group === '' && type.kind === 'Namespace') return namespaceStrategy(type);
  if (type.group === '' && type.kind === 'Node') return nodeStrategy(type);
  if (type.group === '' && type.kind === 'Service') {
    return { ...genericStrategy(type), returnsDeletedObject: true, allocator: serviceAllocator };
  }
  return genericStrategy(type);
}
