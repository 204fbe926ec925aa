// What the containers of one pod share on the node, and the node-wide
// services a pod worker uses. Built by the pod worker, read by its
// container runners.

import type { ClusterApi } from '../../controlplane/api/cluster-api.js';
import type { Pod } from '../../controlplane/api/generated/index.js';
import type { EventRecorder, EventType } from '../../sdk/client/event-recorder.js';
import type { ContainerRuntime, PodSandbox } from '../runtime.js';
import type { BackoffOptions } from './crash-backoff.js';
import type { ImagePuller } from './image-puller.js';
import type { ContainerLogStore } from './logs/index.js';
import type { PreparedVolume } from './pod-volumes.js';

/** Node-wide services every pod worker of an agent shares. */
export interface AgentServices {
  readonly api: ClusterApi;
  readonly nodeName: string;
  readonly hostIP: string;
  readonly runtime: ContainerRuntime;
  readonly images: ImagePuller;
  readonly logs: ContainerLogStore;
  readonly events: EventRecorder;
  /** Crash-loop and image-pull back-off delays (Kubernetes': 10 s doubling to 5 min). */
  readonly backoff: BackoffOptions;
  /** Multiplies probe delays and periods (tests shorten them). Default 1. */
  readonly probeTimeScale: number;
}

/** One pod, as its containers see it. */
export interface PodContext {
  readonly services: AgentServices;
  /** The pod as last seen by the agent (spec changes beyond images are not applied, as in Kubernetes). */
  pod(): Pod;
  readonly sandbox: PodSandbox;
  /** The pod's volumes, once set up (empty before). */
  volumes(): ReadonlyMap<string, PreparedVolume>;
  /** Aborted when the pod is being stopped: no new start, no new pull. */
  readonly stopping: AbortSignal;
  /** Something in the pod's status changed: the worker writes it soon. */
  changed(): void;
  /** Records, durably, that `container` is about to start; resolves with its restartCount. */
  recordStart(container: string): Promise<number>;
  /** An event about the pod (fieldPath names the container, as the kubelet's do). */
  event(type: EventType, reason: string, message: string, fieldPath?: string): void;
}
