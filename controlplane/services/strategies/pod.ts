// Pods, as Kubernetes' pod strategy treats them: status is the server's
// (Pending with a QoS class at create) and deletion of a pod on a node is
// graceful. The rules of a pod update (the spec is immutable but for a few
// fields) are the API validation's (api/validation/pods.ts). Creates and
// updates also get Kubernetes' default NoExecute tolerations
// (default-tolerations.ts).

import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { isRecord } from '../object-utils.js';
import { addDefaultTolerations } from './default-tolerations.js';
import { podQosClass } from './pod-qos.js';
import { genericStrategy, type KindStrategy } from './strategy.js';

function specOf(object: KubeObject): Record<string, unknown> {
  return isRecord(object['spec']) ? object['spec'] : {};
}

function statusOf(object: KubeObject): Record<string, unknown> {
  return isRecord(object['status']) ? object['status'] : {};
}

/** The pod strategy. */
export function podStrategy(type: ResourceType): KindStrategy {
  const base = genericStrategy(type);
  return {
    ...base,
    returnsDeletedObject: true,
    prepareForCreate(object) {
      // Status is the kubelet's: whatever the request says is replaced.
      object['status'] = { phase: 'Pending', qosClass: podQosClass(object['spec']) };
      addDefaultTolerations(object);
    },
    prepareForUpdate(object, old) {
      base.prepareForUpdate(object, old);
      addDefaultTolerations(object);
    },
    prepareForStatusUpdate(object, old) {
      const next = base.prepareForStatusUpdate(object, old);
      // The QoS class is fixed at creation; a status writer that drops it does not erase it.
      const status = statusOf(next);
      const oldQos = statusOf(old)['qosClass'];
      if (isRecord(next['status']) && status['qosClass'] === undefined && oldQos !== undefined) {
        status['qosClass'] = oldQos;
      }
      return next;
    },
    gracePeriodSeconds(object, requested) {
      // Kubernetes' CheckGracefulDelete: the request's period, else the pod's own;
      // at once when the pod never reached a node or already finished.
      const spec = specOf(object);
      const own = spec['terminationGracePeriodSeconds'];
      let period = requested ?? (typeof own === 'number' ? own : 0);
      if (typeof spec['nodeName'] !== 'string' || spec['nodeName'] === '') period = 0;
      const phase = statusOf(object)['phase'];
      if (phase === 'Succeeded' || phase === 'Failed') period = 0;
      return Math.max(0, period);
    },
  };
}
