// Pods on one node of an in-process cluster (sdk/embedded's createCluster):
//   1. startup latency of 1,000 kubia pods with the image cached: pod create →
//      phase Running seen through a watch, p50/p99, against the same run's
//      baseline of starting the kubia container directly on a WasmRuntime (what
//      the node does underneath, minus the API, scheduler and agent);
//   2. idle memory: the process's RSS growth per idle kubia pod, and so how
//      many fit in 2 GiB.
//
// Targets (issue 5): startup p50 ≤ 50 ms, p99 ≤ 300 ms; ≥ 1,000 pods per node.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../controlplane/api/generated/index.js';
import { resourceTypeForKind, type ResourceType } from '../controlplane/api/resources.js';
import { buildArtifact } from '../runtime/images/build/index.js';
import { parseReference } from '../runtime/images/oci/reference.js';
import { createImageStore } from '../runtime/images/store/index.js';
import { WasmRuntime, resolveWasmFile } from '../runtime/index.js';
import { createCluster } from '../sdk/embedded/index.js';
import { samples, sandbox, spec } from './lib/guests.js';
import { mib, ms, rssNow, summarize } from './lib/stats.js';

const PODS = Number(process.env.SKIFF_BENCH_PODS ?? 1000);
/** Creates per second: latency is measured below saturation, as Kubernetes' density tests do. */
const RATE = Number(process.env.SKIFF_BENCH_RATE ?? 50);
const IMAGE = 'bench.local/kubia:1';
const settle = () => new Promise((resolve) => setTimeout(resolve, 2000));

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-pods-'));
const imageStore = await createImageStore(path.join(dataDir, 'images'));
await buildArtifact({ store: imageStore, wasmFile: samples.kubia, tag: parseReference(IMAGE) });

// Baseline: the same container started straight on a runtime, no cluster.
const runtime = new WasmRuntime({ cacheDir: path.join(dataDir, 'baseline-cache') });
const kubia = await resolveWasmFile(samples.kubia);
const direct: number[] = [];
for (let i = 0; i < 200; i++) {
  const started = performance.now();
  const handle = await runtime.start(
    spec(kubia, [], { ports: [{ containerPort: 8080, protocol: 'TCP' }] }),
    sandbox(`direct-${i}`),
  );
  if (i >= 20) direct.push(performance.now() - started);
  await handle.stop({ signal: 'SIGKILL' });
}
await runtime.close();

const cluster = await createCluster({ dataDir, nodes: 1, imageStore, maxPods: 4000 });
const pods = cluster.api.resource<Pod>(resourceTypeForKind('Pod') as ResourceType);
const podOf = (name: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: {
    containers: [
      {
        name: 'kubia',
        image: IMAGE,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 8080 }],
      },
    ],
  },
});

// Every pod's Running, as a client watching pods sees it.
const createdAt = new Map<string, number>();
const runningAt = new Map<string, number>();
const boundAt = new Map<string, number>();
const watching = new AbortController();
const list = await pods.list({ namespace: 'default' });
let onRunning: () => void = () => undefined;
const watch = (async () => {
  for await (const event of pods.watch(
    { namespace: 'default', resourceVersion: list.metadata.resourceVersion ?? '' },
    watching.signal,
  )) {
    const pod = event.object as Pod;
    const name = pod.metadata.name ?? '';
    if (pod.spec?.nodeName && !boundAt.has(name)) boundAt.set(name, performance.now());
    if (pod.status?.phase === 'Running' && !runningAt.has(name)) {
      runningAt.set(name, performance.now());
      onRunning();
    }
  }
})().catch(() => undefined);

async function runPods(prefix: string, count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const begin = performance.now();
  const creates: Promise<unknown>[] = [];
  for (const [i, name] of names.entries()) {
    const due = begin + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    createdAt.set(name, performance.now());
    creates.push(pods.create(podOf(name)));
  }
  await Promise.all(creates);
  await new Promise<void>((resolve) => {
    onRunning = () => {
      if (names.every((n) => runningAt.has(n))) resolve();
    };
    onRunning();
  });
}

await runPods('warmup', 10);
await settle();
const rssBefore = rssNow();
const startedAt = performance.now();
await runPods('kubia', PODS);
const wallMs = performance.now() - startedAt;
const latencies = [...Array(PODS).keys()].map(
  (i) => (runningAt.get(`kubia-${i}`) ?? NaN) - (createdAt.get(`kubia-${i}`) ?? NaN),
);
const bindLatencies = [...Array(PODS).keys()].map(
  (i) => (boundAt.get(`kubia-${i}`) ?? NaN) - (createdAt.get(`kubia-${i}`) ?? NaN),
);
await settle();
const rssAfter = rssNow();
const perPod = (rssAfter - rssBefore) / PODS;
const twoGiB = 2 * 1024 ** 3;
const fitIn2GiB = Math.floor((twoGiB - rssBefore) / perPod);

watching.abort();
await watch;
await cluster.stop();
await imageStore.close();
await rm(dataDir, { recursive: true, force: true });

const startup = summarize(latencies);
const baseline = summarize(direct);
const report = {
  bench: 'pod-startup',
  pods: PODS,
  createsPerSecond: RATE,
  startupMs: startup,
  directStartMs: baseline,
  scheduledMs: summarize(bindLatencies),
  podsPerSecond: (PODS / wallMs) * 1000,
  rssBeforeBytes: rssBefore,
  perIdlePodBytes: perPod,
  idlePodsIn2GiB: fitIn2GiB,
  targets: { p50Ms: 50, p99Ms: 300, podsPerNode: 1000 },
};
process.stderr.write(
  `${PODS} kubia pods created at ${RATE}/s, create → Running seen by a watch: ` +
    `p50 ${ms(startup.p50)}, p99 ${ms(startup.p99)} (scheduled: p50 ${ms(report.scheduledMs.p50)}); ` +
    `the container alone on a runtime: p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}\n` +
    `idle: ${mib(perPod)} RSS per kubia pod over a ${mib(rssBefore)} cluster → ~${fitIn2GiB} pods in 2 GiB\n`,
);
process.stdout.write(JSON.stringify(report) + '\n');
