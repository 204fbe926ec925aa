// A pod as the scheduler works with it (kube-scheduler's framework.PodInfo):
// the object plus what every plugin would otherwise recompute per node —
// requests, tolerations, owner, image names — derived once per pod.

import type { Pod, Toleration } from '../../controlplane/api/generated/index.js';
import { podRequests } from './pod-requests.js';
import type { ResourceAmounts } from './resources.js';

/** A pod and what the plugins read of it. Treat as immutable. */
export interface PodInfo {
  readonly pod: Pod;
  /** `namespace/name` (client-go's key). */
  readonly key: string;
  /** Exact requests (NodeResourcesFit). */
  readonly requests: ResourceAmounts;
  /** Requests with kube-scheduler's defaults for missing cpu/memory (scoring). */
  readonly nonZeroRequests: ResourceAmounts;
  readonly tolerations: readonly Toleration[];
  /** The uid of the controller owner (ReplicaSet, ...), if any. */
  readonly ownerUid: string | undefined;
  /** Images of init containers then containers, as kube-scheduler's ImageLocality normalises them (`:latest` added). */
  readonly images: readonly string[];
  /** `spec.priority`, 0 when unset. */
  readonly priority: number;
  /** Phase Succeeded or Failed: it holds no resources any more. */
  readonly terminated: boolean;
}

/** `namespace/name` of a pod (`default` when the namespace is unset). */
export function podKey(pod: Pick<Pod, 'metadata'>): string {
  return `${pod.metadata.namespace || 'default'}/${pod.metadata.name ?? ''}`;
}

/** kube-scheduler's normalizedImageName: a reference without a tag gets `:latest`. */
export function normalizedImageName(image: string): string {
  return image.lastIndexOf(':') <= image.lastIndexOf('/') ? `${image}:latest` : image;
}

/** The PodInfo of `pod`. */
export function podInfo(pod: Pod): PodInfo {
  const spec = pod.spec;
  const { requests, nonZero } = podRequests(spec);
  const images: string[] = [];
  for (const container of spec?.initContainers ?? [])
    if (container.image) images.push(normalizedImageName(container.image));
  for (const container of spec?.containers ?? [])
    if (container.image) images.push(normalizedImageName(container.image));
  const phase = pod.status?.phase;
  return {
    pod,
    key: podKey(pod),
    requests,
    nonZeroRequests: nonZero,
    tolerations: spec?.tolerations ?? [],
    ownerUid: pod.metadata.ownerReferences?.find((ref) => ref.controller === true)?.uid,
    images,
    priority: spec?.priority ?? 0,
    terminated: phase === 'Succeeded' || phase === 'Failed',
  };
}
