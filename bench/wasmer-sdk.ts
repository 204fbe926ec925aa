// The @wasmer/sdk evaluation: the same busybox echo through Wasmer's SDK
// (Wasmer + WASIX compiled to Wasm, run on Node) and through Skiff's runtime, in
// one process, plus what each offers for a container's sandbox. The decision it
// informs is in docs/architecture.md ("Engines").

import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WasmRuntime, resolveWasmFile } from '../runtime/index.js';
import { samples, sandbox, spec } from './lib/guests.js';
import { mib, ms, rssNow, summarize, table } from './lib/stats.js';

const RUNS = 50;

interface WasmerOutput {
  text(): string;
}
interface WasmerCommand {
  run(): Promise<WasmerOutput>;
}
interface WasmerSandbox {
  command(pkg: unknown, args: string[]): WasmerCommand;
  close(): Promise<void>;
}
interface WasmerClient {
  packages: {
    create(options: {
      modules: Record<string, Uint8Array>;
      commands: Record<string, { module: string }>;
    }): Promise<unknown>;
  };
  sandboxes: { create(options: { packages: unknown[] }): Promise<WasmerSandbox> };
  close?(): Promise<void>;
}

const rssBefore = rssNow();
const importStarted = performance.now();
let wasmerModule: { Wasmer: new () => WasmerClient };
try {
  wasmerModule = (await import('@wasmer/sdk/node')) as unknown as {
    Wasmer: new () => WasmerClient;
  };
} catch (error) {
  process.stderr.write(`@wasmer/sdk is not installed (${String(error)}); skipped\n`);
  process.stdout.write(JSON.stringify({ bench: 'wasmer-sdk', skipped: true }) + '\n');
  process.exit(0);
}
const wasmer = new wasmerModule.Wasmer();
const pkg = await wasmer.packages.create({
  modules: { app: await readFile(samples.busybox) },
  commands: { busybox: { module: 'app' } },
});
const box = await wasmer.sandboxes.create({ packages: [pkg] });
const firstStarted = performance.now();
const first = await box.command(pkg, ['echo', 'hi']).run();
const firstMs = performance.now() - firstStarted;
const setupMs = firstStarted - importStarted;
if (first.text() !== 'hi\n') throw new Error(`wasmer printed ${JSON.stringify(first.text())}`);
const wasmerMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const started = performance.now();
  await box.command(pkg, ['echo', 'hi']).run();
  wasmerMs.push(performance.now() - started);
}
const wasmerRss = rssNow() - rssBefore;
await box.close();
await wasmer.close?.();

const runtime = new WasmRuntime({
  cacheDir: await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-')),
});
const image = await resolveWasmFile(samples.busybox);
const skiffMs: number[] = [];
for (let i = 0; i < RUNS + 10; i++) {
  const started = performance.now();
  await (await runtime.start(spec(image, ['echo', 'hi']), sandbox())).wait();
  if (i >= 10) skiffMs.push(performance.now() - started);
}
await runtime.close();

const w = summarize(wasmerMs);
const s = summarize(skiffMs);
process.stderr.write(
  table([
    [
      '@wasmer/sdk',
      `setup ${ms(setupMs)}, first run ${ms(firstMs)}, warm p50 ${ms(w.p50)}, +${mib(wasmerRss)} RSS`,
    ],
    ['Skiff runtime', `warm p50 ${ms(s.p50)} (${(w.p50 / s.p50).toFixed(0)}× faster)`],
  ]) + '\n',
);
process.stdout.write(
  JSON.stringify({
    bench: 'wasmer-sdk',
    wasmer: { setupMs, firstMs, p50: w.p50, p99: w.p99, rssBytes: wasmerRss },
    skiff: { p50: s.p50, p99: s.p99 },
  }) + '\n',
);
