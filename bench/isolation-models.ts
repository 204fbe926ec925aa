// The isolation decision, measured: what one sleeping busybox guest costs, and
// how fast a spinning one can be stopped, under three models.
//
//   worker per container    — Skiff's choice: WasmRuntime, one worker per guest
//   instances in one worker — N instances share a thread (cheapest, but a guest
//                             that spins blocks all the others until the whole
//                             worker is killed)
//   process per container   — a Node process per guest
//
// Memory is RSS growth per guest with N guests alive.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WasmRuntime, resolveWasmFile } from '../runtime/index.js';
import { firstOutput, samples, sandbox, spec } from './lib/guests.js';
import { mib, ms, rssNow, summarize, table } from './lib/stats.js';

const N = Number(process.env.SKIFF_BENCH_GUESTS ?? 20);
const pause = (msTime: number) => new Promise((resolve) => setTimeout(resolve, msTime));

async function workerPerContainer() {
  const runtime = new WasmRuntime({
    cacheDir: await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-')),
    pool: { warm: 0, maxIdle: 0 },
  });
  const image = await resolveWasmFile(samples.busybox);
  await (await runtime.start(spec(image, ['true']), sandbox())).wait(); // compile once
  await pause(500);
  const before = rssNow();
  const startMs: number[] = [];
  const handles = [];
  for (let i = 0; i < N; i++) {
    const started = performance.now();
    const handle = await runtime.start(
      spec(image, ['stress', '--stdout', 'up', '--sleep', '600']),
      sandbox(),
    );
    await firstOutput(handle);
    startMs.push(performance.now() - started);
    handles.push(handle);
  }
  await pause(500);
  const perGuest = (rssNow() - before) / N;
  const spinner = await runtime.start(
    spec(image, ['stress', '--stdout', 'up', '--spin']),
    sandbox(),
  );
  await firstOutput(spinner);
  const stopStarted = performance.now();
  await spinner.stop();
  const stopMs = performance.now() - stopStarted;
  await Promise.all(handles.map((h) => h.stop({ signal: 'SIGKILL' })));
  await runtime.close();
  return { perGuest, start: summarize(startMs).p50, stopMs };
}

async function instancesInOneWorker() {
  const wasmBytes = readFileSync(samples.busybox);
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const module = new WebAssembly.Module(workerData.bytes);
    const instances = [];
    const noop = () => 0;
    const imports = new Proxy({}, { get: () => noop });
    parentPort.on('message', (count) => {
      const t0 = performance.now();
      for (let i = 0; i < count; i++) instances.push(new WebAssembly.Instance(module, { wasi_snapshot_preview1: imports }));
      for (const instance of instances) new Uint8Array(instance.exports.memory.buffer).fill(1, 0, 65536);
      parentPort.postMessage((performance.now() - t0) / count);
    });`;
  const worker = new Worker(source, { eval: true, workerData: { bytes: wasmBytes } });
  await pause(300);
  const before = rssNow();
  const perInstanceMs = await new Promise<number>((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(N);
  });
  await pause(300);
  const perGuest = (rssNow() - before) / N;
  await worker.terminate();
  return { perGuest, start: perInstanceMs };
}

function vmRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

async function processPerContainer() {
  const script = new URL('./lib/guest-process.js', import.meta.url).pathname;
  const startOne = (args: string[]) =>
    new Promise<{ child: ChildProcess; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, [script, ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr?.once('data', () => resolve({ child, ms: performance.now() - started }));
      child.once('error', reject);
    });
  const children: ChildProcess[] = [];
  const startMs: number[] = [];
  for (let i = 0; i < N; i++) {
    const { child, ms: elapsed } = await startOne(['sleep', '600']);
    children.push(child);
    startMs.push(elapsed);
  }
  await pause(500);
  const perGuest = children.reduce((sum, c) => sum + vmRss(c.pid ?? 0), 0) / N;
  const { child: spinner } = await startOne(['stress', '--spin']);
  const stopStarted = performance.now();
  const exited = new Promise((resolve) => spinner.once('exit', resolve));
  spinner.kill('SIGTERM');
  await exited;
  const stopMs = performance.now() - stopStarted;
  for (const child of children) child.kill('SIGKILL');
  return { perGuest, start: summarize(startMs).p50, stopMs };
}

const worker = await workerPerContainer();
const shared = await instancesInOneWorker();
const proc = await processPerContainer();
process.stderr.write(
  `${N} sleeping busybox guests per model (memory = RSS per guest; start = to the guest's first output)\n` +
    table([
      [
        'worker per container',
        `${mib(worker.perGuest)}, start p50 ${ms(worker.start)}, stop of a spinning guest ${ms(worker.stopMs)}`,
      ],
      [
        'instances in one worker',
        `${mib(shared.perGuest)}, instantiate ${ms(shared.start)}, a spinning guest blocks every other guest of its worker`,
      ],
      [
        'process per container',
        `${mib(proc.perGuest)}, start p50 ${ms(proc.start)}, stop of a spinning guest ${ms(proc.stopMs)}`,
      ],
    ]) +
    '\n',
);
process.stdout.write(
  JSON.stringify({
    bench: 'isolation-models',
    guests: N,
    workerPerContainer: worker,
    instancesInOneWorker: shared,
    processPerContainer: proc,
  }) + '\n',
);
