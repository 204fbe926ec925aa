// `npm run bench`: every benchmark, each in a process of its own, then a summary.
// Figures are reported as measured and, where a target is a ratio, against the
// baseline measured in the same run.

import { runBenchScript } from './lib/child.js';

const benches = [
  'runtime-start',
  'kubia-idle',
  'isolation-models',
  'wasmer-sdk',
  'images',
  'apiserver',
  'pod-startup',
  'idle-rss',
  'scheduler',
];
const only = process.argv.slice(2);
const host = `${process.platform}/${process.arch}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`;
process.stderr.write(`Skiff benchmarks on ${host}\n\n`);

const results: unknown[] = [];
let failed = false;
for (const name of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`— ${name}\n`);
  const run = await runBenchScript(new URL(`./${name}.js`, import.meta.url));
  if (run.code !== 0) {
    failed = true;
    process.stderr.write(`  ${name} failed (exit ${run.code})\n`);
    continue;
  }
  for (const line of run.stdout.trim().split('\n')) if (line) results.push(JSON.parse(line));
  process.stderr.write('\n');
}
process.stdout.write(JSON.stringify({ host, results }, null, 2) + '\n');
process.exitCode = failed ? 1 : 0;
