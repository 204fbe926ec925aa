// Idle memory per sandbox: 100 kubia containers (wasi:http components) each in
// a pod sandbox of its own, published on 127.0.0.1, measured as the process's
// RSS growth divided by 100 — first never called, then after each has served a
// request (its instance is gone again; pooled workers are part of the cost).
//
// Target (issue 2): ≤ 8 MiB RSS per idle kubia sandbox.

import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ContainerHandle, PublishedPort } from '../runtime/index.js';
import { WasmRuntime, publishPort, resolveWasmFile } from '../runtime/index.js';
import { samples, sandbox, spec } from './lib/guests.js';
import { mib, rssNow } from './lib/stats.js';

const COUNT = Number(process.env.SKIFF_BENCH_PODS ?? 100);
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

const runtime = new WasmRuntime({
  cacheDir: await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-')),
});
const image = await resolveWasmFile(samples.kubia);

// Pay the one-time costs first (transpile, compile, pool) so they are not
// counted as per-sandbox memory.
const first = sandbox('warmup');
const warm = await runtime.start(
  spec(image, [], { ports: [{ containerPort: 8080, protocol: 'TCP' }] }),
  first,
);
const warmPort = await publishPort(first.network, {
  hostIP: '127.0.0.1',
  hostPort: 0,
  containerPort: 8080,
});
await (await fetch(`http://127.0.0.1:${warmPort.address().port}/`)).text();
await settle();
const baseline = rssNow();

const handles: ContainerHandle[] = [];
const ports: PublishedPort[] = [];
for (let i = 0; i < COUNT; i++) {
  const pod = sandbox(`kubia-${i}`);
  handles.push(
    await runtime.start(
      spec(image, [], { ports: [{ containerPort: 8080, protocol: 'TCP' }] }),
      pod,
    ),
  );
  ports.push(
    await publishPort(pod.network, { hostIP: '127.0.0.1', hostPort: 0, containerPort: 8080 }),
  );
}
await settle();
const idle = rssNow();

let answered = 0;
for (let i = 0; i < COUNT; i += 10) {
  const batch = ports.slice(i, i + 10).map(async (port, j) => {
    const text = await (await fetch(`http://127.0.0.1:${port.address().port}/`)).text();
    if (text === `You've hit kubia-${i + j}\n`) answered++;
  });
  await Promise.all(batch);
}
await settle();
const served = rssNow();
const instances = handles.reduce((n, h) => n + h.stats().instances, 0);

await Promise.all(ports.map((p) => p.close()));
await warmPort.close();
await Promise.all([...handles, warm].map((h) => h.stop({ signal: 'SIGKILL' })));
await runtime.close();

const report = {
  bench: 'kubia-idle',
  pods: COUNT,
  answered,
  baselineRss: baseline,
  perSandboxIdleBytes: (idle - baseline) / COUNT,
  perSandboxAfterServingBytes: (served - baseline) / COUNT,
  liveInstancesWhenIdle: instances,
  targetBytes: 8 * 1024 * 1024,
};
process.stderr.write(
  `${COUNT} idle kubia sandboxes: ${mib(report.perSandboxIdleBytes)} RSS each never called, ` +
    `${mib(report.perSandboxAfterServingBytes)} each after serving one request ` +
    `(${answered}/${COUNT} answered; live instances when idle: ${instances}; baseline RSS ${mib(baseline)})\n`,
);
process.stdout.write(JSON.stringify(report) + '\n');
