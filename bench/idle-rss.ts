// Idle memory of the processes people run: `skiff up` (control plane,
// scheduler and one node agent in one process) and `skiff node join` (an
// agent alone), with no pods, as VmRSS 5 s after it is ready and again once
// settled, 30 s after: V8's memory reducer shrinks the heap of an idle
// process ~10 s after its last burst of work (start-up), and what is left
// then is what an idle node holds. The baseline is a bare `node` process
// idling in the same run.
//
// Targets (issue 5): node agent ≤ 60 MiB, all-in-one ≤ 150 MiB.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './lib/guests.js';
import { mib } from './lib/stats.js';

const EARLY_MS = 5_000;
const SETTLED_MS = 30_000;
const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-rss-'));
const skiffBin = path.join(repoRoot(), 'bin', 'skiff.js');
const env = { ...process.env, SKIFF_HOME: path.join(dir, 'home') };

function rssOf(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

/** Starts `args`, resolving once its stderr matches `ready`. */
function start(
  args: readonly string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; output: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), 60_000);
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const up = await start(
  [skiffBin, 'up', '--data-dir', path.join(dir, 'cluster'), '--listen', '127.0.0.1:0'],
  /Join more nodes/,
);
const url = /serving (https:\/\/\S+)/.exec(up.output)?.[1] ?? '';
const cpDir = path.join(dir, 'cluster', 'controlplane');
const token = (await readFile(path.join(cpDir, 'node-token'), 'utf8')).trim();
const agent = await start(
  [
    skiffBin,
    'node',
    'join',
    url,
    '--token',
    token,
    '--certificate-authority',
    path.join(cpDir, 'pki', 'ca.crt'),
    '--name',
    'bench-node',
    '--data-dir',
    path.join(dir, 'node'),
  ],
  /joined/,
);
const sample = () => ({
  bareNodeBytes: rssOf(bare),
  allInOneBytes: rssOf(up.child),
  nodeAgentBytes: rssOf(agent.child),
});
await sleep(EARLY_MS);
const early = sample();
await sleep(SETTLED_MS - EARLY_MS);
const settled = sample();
const report = {
  bench: 'idle-rss',
  ...settled,
  early,
  ratios: {
    allInOne: settled.allInOneBytes / settled.bareNodeBytes,
    nodeAgent: settled.nodeAgentBytes / settled.bareNodeBytes,
  },
  targets: { allInOneBytes: 150 * 1024 ** 2, nodeAgentBytes: 60 * 1024 ** 2 },
};
await stop(agent.child);
await stop(up.child);
bare.kill();
await rm(dir, { recursive: true, force: true });
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
process.stderr.write(
  `idle RSS settled (${SETTLED_MS / 1000} s after ready): ` +
    `skiff up ${mib(report.allInOneBytes)} = ${times(report.ratios.allInOne)} bare node ` +
    `(target ≤ 150 MiB), skiff node join ${mib(report.nodeAgentBytes)} = ` +
    `${times(report.ratios.nodeAgent)} bare node (target ≤ 60 MiB); ` +
    `a bare node process ${mib(report.bareNodeBytes)}\n` +
    `idle RSS ${EARLY_MS / 1000} s after ready: skiff up ${mib(early.allInOneBytes)}, ` +
    `skiff node join ${mib(early.nodeAgentBytes)}, bare node ${mib(early.bareNodeBytes)}\n`,
);
process.stdout.write(JSON.stringify(report) + '\n');
