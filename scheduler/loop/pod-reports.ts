// What the scheduler tells users about a pod, as kube-scheduler does: a pod
// that fits nowhere gets PodScheduled=False/Unschedulable with the FitError
// message in its status, and a Warning event FailedScheduling; a bound pod
// gets a Normal event Scheduled. The event recorder counts a repeat of the
// same failure on the event already written (client-go's aggregation); the
// condition is written only when it changes.

import type { ClusterApi, ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { Pod, PodCondition } from '../../controlplane/api/generated/index.js';
import { rfc3339 } from '../../controlplane/api/json-values.js';
import { resourceTypeFor, type ResourceType } from '../../controlplane/api/resources.js';
import {
  createEventRecorder,
  type EventRecorder,
  type InvolvedObject,
} from '../../sdk/client/event-recorder.js';
import { podKey } from '../snapshot/pod-info.js';

const POD_TYPE = resourceTypeFor('v1', 'Pod') as ResourceType;

/** Kubernetes' PodScheduled condition reason for a pod that fits nowhere. */
export const REASON_UNSCHEDULABLE_CONDITION = 'Unschedulable';

/** The pod as events name it: without resourceVersion, so that repeats about it aggregate. */
function reference(pod: Pod): InvolvedObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace || 'default',
    ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
  };
}

/** Writes the scheduler's conditions and events about pods. */
export class PodReports {
  private readonly pods: ResourceClient<Pod>;
  private readonly recorder: EventRecorder;
  /** Writes per pod, in order (the condition, then the event). */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    api: ClusterApi,
    private readonly component: string,
    private readonly now: () => Date,
    private readonly onError: (error: unknown) => void,
  ) {
    this.pods = api.resource<Pod>(POD_TYPE);
    this.recorder = createEventRecorder(api, { now });
  }

  /** Records that `pod` fits nowhere; resolves when written (failures go to onError). */
  unschedulable(pod: Pod, message: string): Promise<void> {
    return this.chain(podKey(pod), async () => {
      await this.setCondition(pod, message);
      await this.recorder.recordEvent(reference(pod), 'Warning', 'FailedScheduling', message, {
        component: this.component,
      });
    });
  }

  /** Records that `pod` was bound to `nodeName`. */
  scheduled(pod: Pod, nodeName: string): Promise<void> {
    const key = podKey(pod);
    return this.chain(key, async () => {
      await this.recorder.recordEvent(
        reference(pod),
        'Normal',
        'Scheduled',
        `Successfully assigned ${key} to ${nodeName}`,
        { component: this.component },
      );
    });
  }

  /** Resolves when every write started so far has ended. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  private chain(key: string, write: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(write).catch((error: unknown) => {
      // A pod deleted meanwhile is nothing to report.
      if (!(error instanceof ApiError && error.code === 404)) this.onError(error);
    });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  private async setCondition(pod: Pod, message: string): Promise<void> {
    const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (
      old?.status === 'False' &&
      old.reason === REASON_UNSCHEDULABLE_CONDITION &&
      old.message === message
    )
      return;
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      // The transition time moves only when the status does (Kubernetes' UpdatePodCondition).
      lastTransitionTime:
        old?.status === 'False' && old.lastTransitionTime
          ? old.lastTransitionTime
          : rfc3339(this.now()),
      reason: REASON_UNSCHEDULABLE_CONDITION,
      message,
    };
    // A strategic merge patch merges conditions by type: the node agent's conditions stay.
    await this.pods.patch(
      pod.metadata.name ?? '',
      { status: { conditions: [condition] } },
      'strategic',
      { namespace: pod.metadata.namespace, subresource: 'status' },
    );
  }
}
