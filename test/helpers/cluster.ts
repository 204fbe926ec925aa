// An in-process cluster for tests (sdk/embedded's createCluster) whose nodes
// share one image store holding the samples as Wasm artifacts:
// `skiff.test/busybox:1` (a WASI preview 1 command) and `skiff.test/kubia:1`
// (a wasi:http server), so pods run them with no registry.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import type { ResourceClient } from '../../controlplane/api/cluster-api.js';
import type { Pod } from '../../controlplane/api/generated/index.js';
import { resourceTypeForKind, type ResourceType } from '../../controlplane/api/resources.js';
import { buildArtifact } from '../../runtime/images/build/index.js';
import { parseReference } from '../../runtime/images/oci/reference.js';
import { createImageStore } from '../../runtime/images/store/index.js';
import { createCluster, type Cluster, type ClusterOptions } from '../../sdk/embedded/index.js';
import { busyboxWasm, kubiaWasm } from './paths.js';

export const BUSYBOX_IMAGE = 'skiff.test/busybox:1';
export const KUBIA_IMAGE = 'skiff.test/kubia:1';

export interface TestCluster extends Cluster {
  readonly pods: ResourceClient<Pod>;
  readonly dataDir: string;
  /** Polls the pod until `ready(pod)` holds; rejects with the pod's last status after `timeoutMs`. */
  waitForPod(name: string, ready: (pod: Pod) => boolean, timeoutMs?: number): Promise<Pod>;
}

/** A cluster torn down (and its directory removed) when `t` ends. */
export async function testCluster(
  t: Test,
  options: Partial<ClusterOptions> = {},
): Promise<TestCluster> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-cluster-'));
  const imageStore = await createImageStore(path.join(dataDir, 'images'));
  await buildArtifact({
    store: imageStore,
    wasmFile: busyboxWasm,
    tag: parseReference(BUSYBOX_IMAGE),
  });
  await buildArtifact({ store: imageStore, wasmFile: kubiaWasm, tag: parseReference(KUBIA_IMAGE) });
  const cluster = await createCluster({
    dataDir,
    imageStore,
    backoff: { initialMs: 200, maxMs: 1_000 },
    probeTimeScale: 0.1,
    ...options,
  });
  t.teardown(async () => {
    await cluster.stop();
    await imageStore.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const pods = cluster.api.resource<Pod>(resourceTypeForKind('Pod') as ResourceType);
  return {
    ...cluster,
    pods,
    dataDir,
    async waitForPod(name, ready, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: Pod | undefined;
      while (Date.now() < deadline) {
        last = await pods.get(name, { namespace: 'default' }).catch(() => undefined);
        if (last && ready(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(
        `pod ${name} not as expected after ${timeoutMs} ms: ${JSON.stringify(last?.status)}`,
      );
    },
  };
}

/** A pod of one container running `image` with `args`. */
export function podOf(
  name: string,
  container: Record<string, unknown>,
  spec: Record<string, unknown> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'main', image: BUSYBOX_IMAGE, ...container }], ...spec },
  } as Pod;
}
