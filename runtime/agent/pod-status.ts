// A pod's status as the kubelet reports it, computed from what the pod
// worker knows of each container. Pure: the worker owns the facts, this file
// owns Kubernetes' rules for phase, conditions and container statuses
// (kubelet_pods.go getPhase and generateAPIPodStatus).

import type {
  ContainerState,
  ContainerStatus,
  PodCondition,
  PodStatus,
} from '../../controlplane/api/generated/index.js';
import { rfc3339 } from '../../controlplane/api/json-values.js';

/** What the worker knows of one container (init or regular). */
export interface ContainerFacts {
  readonly name: string;
  readonly image: string;
  /** `registry/repo@sha256:…` once the image was resolved. */
  readonly imageID: string;
  readonly containerID?: string;
  readonly state: ContainerState;
  readonly lastState?: ContainerState;
  readonly restartCount: number;
  /** Readiness: running, started, and its readiness probe (if any) succeeding. */
  readonly ready: boolean;
  /** Started: running and its startup probe (if any) succeeded. */
  readonly started: boolean;
  /** No further start will happen (finished for good, or never to restart). */
  readonly done: boolean;
}

/** Everything the status is made of. */
export interface PodFacts {
  readonly initContainers: readonly ContainerFacts[];
  readonly containers: readonly ContainerFacts[];
  /** True once every init container completed. */
  readonly initialized: boolean;
  /** An init container failed and will not be retried (restartPolicy Never). */
  readonly initFailed: boolean;
  readonly podIP?: string;
  readonly hostIP: string;
  readonly startTime: Date;
  /** The sandbox exists (network and volumes are ready). */
  readonly sandboxReady: boolean;
  /** Conditions already on the pod (PodScheduled is the scheduler's; transition times are kept). */
  readonly previousConditions: readonly PodCondition[];
  readonly now: Date;
}

type Phase = NonNullable<PodStatus['phase']>;

function hasRun(c: ContainerFacts): boolean {
  return (
    c.state.running !== undefined || c.state.terminated !== undefined || c.lastState !== undefined
  );
}

/** Kubernetes' getPhase, with "done" standing for "will not be restarted". */
export function podPhase(facts: PodFacts): Phase {
  if (facts.initFailed) return 'Failed';
  if (!facts.initialized) return 'Pending';
  const { containers } = facts;
  if (containers.some((c) => !hasRun(c))) return 'Pending';
  if (containers.every((c) => c.done && c.state.terminated)) {
    return containers.every((c) => c.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  }
  return 'Running';
}

function condition(
  previous: readonly PodCondition[],
  type: string,
  ok: boolean,
  now: Date,
  reason?: string,
  message?: string,
): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = previous.find((c) => c.type === type);
  return {
    type,
    status,
    lastTransitionTime:
      before?.status === status && before.lastTransitionTime
        ? before.lastTransitionTime
        : rfc3339(now),
    ...(ok || !reason ? {} : { reason }),
    ...(ok || !message ? {} : { message }),
  };
}

function names(list: readonly ContainerFacts[]): string {
  return `[${list.map((c) => c.name).join(' ')}]`;
}

function containerStatus(c: ContainerFacts): ContainerStatus {
  return {
    name: c.name,
    state: c.state,
    ...(c.lastState ? { lastState: c.lastState } : { lastState: {} }),
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID,
    ...(c.containerID ? { containerID: c.containerID } : {}),
    started: c.started,
  };
}

/** The `status` the node agent writes for the pod. */
export function podStatus(facts: PodFacts): PodStatus {
  const { now, previousConditions: previous } = facts;
  const phase = podPhase(facts);
  const pendingInit = facts.initContainers.filter((c) => c.state.terminated?.exitCode !== 0);
  // A finished pod's containers are not ready (kubelet: ContainersReady=False, reason PodCompleted).
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const unready = finished ? facts.containers : facts.containers.filter((c) => !c.ready);
  const readyReason = finished ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = finished ? undefined : `containers with unready status: ${names(unready)}`;
  const conditions: PodCondition[] = [
    condition(previous, 'PodReadyToStartContainers', facts.sandboxReady, now),
    condition(
      previous,
      'Initialized',
      facts.initialized,
      now,
      'ContainersNotInitialized',
      `containers with incomplete status: ${names(pendingInit)}`,
    ),
    condition(previous, 'Ready', unready.length === 0, now, readyReason, readyMessage),
    condition(previous, 'ContainersReady', unready.length === 0, now, readyReason, readyMessage),
  ];
  const scheduled = previous.find((c) => c.type === 'PodScheduled');
  if (scheduled) conditions.push(scheduled);
  return {
    phase,
    conditions,
    hostIP: facts.hostIP,
    hostIPs: [{ ip: facts.hostIP }],
    ...(facts.podIP ? { podIP: facts.podIP, podIPs: [{ ip: facts.podIP }] } : {}),
    startTime: rfc3339(facts.startTime),
    ...(facts.initContainers.length > 0
      ? { initContainerStatuses: facts.initContainers.map(containerStatus) }
      : {}),
    containerStatuses: facts.containers.map(containerStatus),
  };
}
