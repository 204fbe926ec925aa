// Start-to-exit of `busybox echo` through the Wasm runtime with a warm cache
// (compiled module cached, sandbox workers pooled), p50/p99 over many runs; in
// the same run, `docker run --rm` of a busybox echo when a Docker engine answers.
//
// Target (issue 2): p50 ≤ 10 ms, and ≥ 30× faster than docker run.

import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WasmRuntime, resolveWasmFile } from '../runtime/index.js';
import {
  DOCKER_BUSYBOX_IMAGE,
  dockerAvailable,
  ensureBusyboxImage,
  timeDockerEcho,
} from './lib/docker.js';
import { samples, sandbox, spec } from './lib/guests.js';
import { ms, summarize } from './lib/stats.js';

const RUNS = Number(process.env.SKIFF_BENCH_RUNS ?? 300);
const DOCKER_RUNS = Number(process.env.SKIFF_BENCH_DOCKER_RUNS ?? 20);

const runtime = new WasmRuntime({
  cacheDir: await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-')),
});
const image = await resolveWasmFile(samples.busybox);

async function echoOnce(): Promise<number> {
  const started = performance.now();
  const handle = await runtime.start(spec(image, ['echo', 'hi']), sandbox());
  const result = await handle.wait();
  const elapsed = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`echo exited ${result.exitCode}`);
  return elapsed;
}

for (let i = 0; i < 20; i++) await echoOnce(); // warm: compile, pool, JIT
const samplesMs: number[] = [];
for (let i = 0; i < RUNS; i++) samplesMs.push(await echoOnce());
const skiff = summarize(samplesMs);
await runtime.close();

let docker: ReturnType<typeof summarize> | undefined;
let dockerNote = 'no Docker engine answered `docker info` (start dockerd to get the baseline)';
if (await dockerAvailable()) {
  const missing = await ensureBusyboxImage();
  if (missing) dockerNote = missing;
  else {
    for (let i = 0; i < 3; i++) await timeDockerEcho();
    const dockerMs: number[] = [];
    for (let i = 0; i < DOCKER_RUNS; i++) dockerMs.push(await timeDockerEcho());
    docker = summarize(dockerMs);
    dockerNote = `docker run --rm --network none ${DOCKER_BUSYBOX_IMAGE} echo, ${DOCKER_RUNS} runs`;
  }
}

const report = {
  bench: 'runtime-start',
  skiff: { runs: skiff.n, p50: skiff.p50, p99: skiff.p99, mean: skiff.mean },
  docker: docker ? { runs: docker.n, p50: docker.p50, p99: docker.p99 } : null,
  dockerNote,
  speedupP50: docker ? docker.p50 / skiff.p50 : null,
  targets: { p50Ms: 10, speedup: 30 },
};
process.stderr.write(
  [
    `busybox echo, start to exit, warm (${skiff.n} runs): p50 ${ms(skiff.p50)}, p99 ${ms(skiff.p99)}`,
    docker
      ? `docker run baseline: p50 ${ms(docker.p50)}, p99 ${ms(docker.p99)} → Skiff is ${(docker.p50 / skiff.p50).toFixed(0)}× faster at p50`
      : `docker baseline: ${dockerNote}`,
  ].join('\n') + '\n',
);
process.stdout.write(JSON.stringify(report) + '\n');
