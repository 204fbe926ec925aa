// Which describer each kind gets (kubectl's own layouts for the kinds it has
// describers for, the generic one otherwise), and the events after it.

import type {
  ConfigMap,
  Deployment,
  Endpoints,
  HorizontalPodAutoscaler,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
} from '../../../controlplane/api/generated/index.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import type { HttpClusterApi } from '../../client/index.js';
import { describeHorizontalPodAutoscaler } from './describe-autoscaling.js';
import { describeEvents, describeGeneric, eventsFor } from './describe-common.js';
import {
  describeConfigMap,
  describeEndpoints,
  describeNamespace,
  describeNode,
  describeSecret,
  describeService,
} from './describe-others.js';
import { describePod } from './describe-pod.js';
import { describeDeployment, describeReplicaSet } from './describe-workloads.js';
import { DescribeWriter } from './describe-writer.js';

/** Kinds kubectl describes without an Events section. */
const WITHOUT_EVENTS = new Set(['Namespace', 'Secret', 'Event']);

/** The description of `object` (fetching what it mentions: events, pods, ReplicaSets, endpoints). */
export async function describeObject(
  api: HttpClusterApi,
  object: KubeObject,
  now = Date.now(),
): Promise<string> {
  const w = new DescribeWriter();
  switch (object.kind) {
    case 'Pod':
      describePod(w, object as Pod);
      break;
    case 'Deployment':
      await describeDeployment(w, api, object as Deployment);
      break;
    case 'ReplicaSet':
      await describeReplicaSet(w, api, object as ReplicaSet);
      break;
    case 'Service':
      await describeService(w, api, object as Service);
      break;
    case 'Endpoints':
      describeEndpoints(w, object as Endpoints);
      break;
    case 'Node':
      await describeNode(w, api, object as Node, now);
      break;
    case 'Namespace':
      describeNamespace(w, object as Namespace);
      break;
    case 'ConfigMap':
      describeConfigMap(w, object as ConfigMap);
      break;
    case 'Secret':
      describeSecret(w, object as Secret);
      break;
    case 'HorizontalPodAutoscaler':
      // kubectl describes every served version as autoscaling/v2.
      if (object.apiVersion === 'autoscaling/v2')
        describeHorizontalPodAutoscaler(w, object as HorizontalPodAutoscaler);
      else describeGeneric(w, object);
      break;
    default:
      describeGeneric(w, object);
  }
  if (!WITHOUT_EVENTS.has(object.kind)) describeEvents(w, await eventsFor(api, object), now);
  return w.toString();
}
