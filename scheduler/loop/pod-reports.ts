// What the scheduler tells users about a pod, as kube-scheduler does: a pod
// that fits nowhere gets PodScheduled=False/Unschedulable with the FitError
// message in its status, and a Warning event FailedScheduling; a bound pod
// gets a Normal event Scheduled. A repeat of the same failure bumps the count
// of the event already written instead of adding one (client-go's aggregation),
// and the condition is written only when it changes.

import type { ClusterApi, ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { Event, Pod, PodCondition } from '../../controlplane/api/generated/index.js';
import { resourceTypeFor, type ResourceType } from '../../controlplane/api/resources.js';
import { podKey } from '../snapshot/pod-info.js';

const POD_TYPE = resourceTypeFor('v1', 'Pod') as ResourceType;
const EVENT_TYPE = resourceTypeFor('v1', 'Event') as ResourceType;

/** Kubernetes' PodScheduled condition reason for a pod that fits nowhere. */
export const REASON_UNSCHEDULABLE_CONDITION = 'Unschedulable';

/** RFC 3339 to the second, as metav1.Time. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

interface LastEvent {
  readonly name: string;
  readonly namespace: string;
  readonly message: string;
  count: number;
}

/** Writes the scheduler's conditions and events about pods. */
export class PodReports {
  private readonly pods: ResourceClient<Pod>;
  private readonly events: ResourceClient<Event>;
  /** The FailedScheduling event last written per pod key. */
  private readonly lastFailure = new Map<string, LastEvent>();
  /** Writes per pod, in order (a repeat must find the event its predecessor created). */
  private readonly chains = new Map<string, Promise<void>>();
  private sequence = 0n;

  constructor(
    api: ClusterApi,
    private readonly component: string,
    private readonly now: () => Date,
    private readonly onError: (error: unknown) => void,
  ) {
    this.pods = api.resource<Pod>(POD_TYPE);
    this.events = api.resource<Event>(EVENT_TYPE);
  }

  /** Records that `pod` fits nowhere; resolves when written (failures go to onError). */
  unschedulable(pod: Pod, message: string): Promise<void> {
    return this.chain(podKey(pod), async () => {
      await this.setCondition(pod, message);
      await this.failureEvent(pod, message);
    });
  }

  /** Records that `pod` was bound to `nodeName`. */
  scheduled(pod: Pod, nodeName: string): Promise<void> {
    const key = podKey(pod);
    this.lastFailure.delete(key);
    return this.chain(key, async () => {
      await this.createEvent(
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${key} to ${nodeName}`,
      );
    });
  }

  /** Forgets what was written about a deleted pod. */
  forget(key: string): void {
    this.lastFailure.delete(key);
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
      {
        namespace: pod.metadata.namespace,
        subresource: 'status',
      },
    );
  }

  private async failureEvent(pod: Pod, message: string): Promise<void> {
    const key = podKey(pod);
    const last = this.lastFailure.get(key);
    if (last && last.message === message) {
      try {
        await this.events.patch(
          last.name,
          { count: last.count + 1, lastTimestamp: rfc3339(this.now()) },
          'merge',
          { namespace: last.namespace },
        );
        last.count++;
        return;
      } catch (error) {
        // The event expired or was deleted: start a new one, as client-go does.
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    const event = await this.createEvent(pod, 'Warning', 'FailedScheduling', message);
    this.lastFailure.set(key, {
      name: event.metadata.name ?? '',
      namespace: event.metadata.namespace ?? '',
      message,
      count: 1,
    });
  }

  private createEvent(
    pod: Pod,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<Event> {
    const namespace = pod.metadata.namespace || 'default';
    const name = pod.metadata.name ?? '';
    const timestamp = rfc3339(this.now());
    // Kubernetes names events `<object>.<unix nanoseconds in hex>`; the sequence keeps same-millisecond names apart.
    this.sequence = (this.sequence + 1n) % 1_000_000n;
    const suffix = (BigInt(this.now().getTime()) * 1_000_000n + this.sequence).toString(16);
    return this.events.create(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${name}.${suffix}`, namespace },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          name,
          namespace,
          ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}),
          ...(pod.metadata.resourceVersion
            ? { resourceVersion: pod.metadata.resourceVersion }
            : {}),
        },
        reason,
        message,
        source: { component: this.component },
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        count: 1,
        type,
        action: 'Scheduling',
        reportingComponent: this.component,
        reportingInstance: '',
      },
      { namespace },
    );
  }
}
