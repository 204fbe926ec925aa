// What a pod asks of a node, computed as Kubernetes' resourcehelper.PodRequests:
// the containers' requests summed, init containers run one at a time so only
// the largest counts (with restartable "sidecar" init containers running
// alongside everything after them), then the pod's overhead. A container with
// limits but no request for a resource requests its limit (Kubernetes'
// defaulting, applied here too for pods that were not defaulted).

import type { Container, PodSpec } from '../../controlplane/api/generated/index.js';
import {
  addAmounts,
  addQuantity,
  amountsOf,
  emptyAmounts,
  maxAmounts,
  type ResourceAmounts,
} from './resources.js';

/** kube-scheduler's stand-in for a container with no CPU request when scoring (100m). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** kube-scheduler's stand-in for a container with no memory request when scoring (200 MiB). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** A pod's requests: exact (for fit) and with defaults for missing CPU/memory (for scoring). */
export interface PodRequests {
  readonly requests: ResourceAmounts;
  /** cpu and memory with DEFAULT_*_REQUEST for each container that requests none. */
  readonly nonZero: ResourceAmounts;
}

function containerRequests(container: Container, nonZero: boolean): ResourceAmounts {
  const amounts = emptyAmounts();
  const requests = container.resources?.requests;
  const limits = container.resources?.limits;
  if (requests) for (const name in requests) addQuantity(amounts, name, requests[name] as string);
  if (limits) {
    for (const name in limits) {
      if (requests && name in requests) continue;
      addQuantity(amounts, name, limits[name] as string);
    }
  }
  if (nonZero) {
    const has = (name: string) => (requests && name in requests) || (limits && name in limits);
    if (!has('cpu')) amounts.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
    if (!has('memory')) amounts.memory = DEFAULT_MEMORY_REQUEST;
  }
  return amounts;
}

function total(spec: PodSpec, nonZero: boolean): ResourceAmounts {
  const sum = emptyAmounts();
  for (const container of spec.containers ?? [])
    addAmounts(sum, containerRequests(container, nonZero));
  const initContainers = spec.initContainers ?? [];
  if (initContainers.length > 0) {
    const sidecars = emptyAmounts();
    const initPeak = emptyAmounts();
    for (const container of initContainers) {
      const own = containerRequests(container, nonZero);
      if (container.restartPolicy === 'Always') {
        // A sidecar keeps running: it adds to the pod's steady state and to every later init step.
        addAmounts(sum, own);
        addAmounts(sidecars, own);
        maxAmounts(initPeak, sidecars);
      } else {
        addAmounts(own, sidecars);
        maxAmounts(initPeak, own);
      }
    }
    maxAmounts(sum, initPeak);
  }
  if (spec.overhead) addAmounts(sum, amountsOf(spec.overhead));
  return sum;
}

/** The requests of a pod with `spec`. */
export function podRequests(spec: PodSpec | undefined): PodRequests {
  if (!spec) return { requests: emptyAmounts(), nonZero: emptyAmounts() };
  return { requests: total(spec, false), nonZero: total(spec, true) };
}
