// RuntimeFit (Skiff's own): a pod goes only to nodes that offer the runtime
// it needs. Nodes advertise runtimes by labels (`runtime.skiff.dev/wasm: "true"`,
// `runtime.skiff.dev/docker: "true"`). The pod's need is its
// spec.runtimeClassName when that names a runtime, otherwise what the
// snapshot's imageRuntime lookup says of each of its images (unknown: no need).

import { FITS, SKIP, unfit, type FilterPlugin, type FilterResult } from '../framework/types.js';
import type { RuntimeName } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** The reason a node lacks a runtime the pod needs. */
export function missingRuntimeReason(runtime: RuntimeName): string {
  return `node(s) didn't have the runtime "${runtime}" the Pod's images need`;
}

const MISSING: Readonly<Record<RuntimeName, FilterResult>> = {
  wasm: unfit(missingRuntimeReason('wasm')),
  docker: unfit(missingRuntimeReason('docker')),
};

/** The runtimes `pod` needs, in a stable order (wasm, docker); empty when it needs none in particular. */
export function requiredRuntimes(pod: PodInfo, snapshot: Snapshot): RuntimeName[] {
  const spec = pod.pod.spec;
  const runtimeClass = spec?.runtimeClassName;
  if (runtimeClass === 'wasm' || runtimeClass === 'docker') return [runtimeClass];
  const lookup = snapshot.imageRuntime;
  if (!lookup) return [];
  const needed = new Set<RuntimeName>();
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const runtime = container.image ? lookup(container.image) : undefined;
    if (runtime) needed.add(runtime);
  }
  return (['wasm', 'docker'] as const).filter((r) => needed.has(r));
}

/** The RuntimeFit filter. */
export const runtimeFit: FilterPlugin<readonly RuntimeName[]> = {
  name: 'RuntimeFit',
  prepare(pod, snapshot) {
    const runtimes = requiredRuntimes(pod, snapshot);
    return runtimes.length > 0 ? runtimes : SKIP;
  },
  filter(_pod, node, _snapshot, runtimes) {
    for (const runtime of runtimes) if (!node.runtimes.has(runtime)) return MISSING[runtime];
    return FITS;
  },
};
