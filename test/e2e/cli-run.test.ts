// `skiff run` end to end, as a user runs it.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { finished, skiff, startSkiff, stderrMatching } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { busyboxComponentWasm, busyboxWasm, kubiaWasm, repoRoot } from '../helpers/paths.js';

const scratch = await mkdtemp(path.join(os.tmpdir(), 'skiff-cli-'));
t.teardown(() => rm(scratch, { recursive: true, force: true }));

t.test('busybox echo prints Hello world', async (t) => {
  const { code, stdout, stderr } = await skiff(['run', busyboxWasm, 'echo', 'Hello world']);
  t.equal(stdout, 'Hello world\n');
  t.equal(stderr, '');
  t.equal(code, 0);
});

t.test("exits with the guest's exit code", async (t) => {
  t.equal((await skiff(['run', busyboxWasm, 'stress', '--exit', '7'])).code, 7);
  t.equal((await skiff(['run', busyboxWasm, 'false'])).code, 1);
});

t.test('guest flags after the file are the guest’s, not skiff’s', async (t) => {
  const { stdout } = await skiff(['run', busyboxWasm, 'echo', '-n', '--name', 'x']);
  t.equal(stdout, '--name x');
});

t.test('--env, --hostname and HOSTNAME', async (t) => {
  const { stdout } = await skiff([
    'run',
    '--hostname',
    'box-1',
    '-e',
    'A=1',
    '--env',
    'B=two words',
    busyboxWasm,
    'env',
  ]);
  t.same(stdout.trim().split('\n').sort(), ['A=1', 'B=two words', 'HOSTNAME=box-1']);
});

t.test('--volume mounts read-write and read-only directories', async (t) => {
  const dir = await mkdtemp(path.join(scratch, 'vol-'));
  await writeFile(path.join(dir, 'in.txt'), 'from host\n');
  const rw = await skiff([
    'run',
    '-v',
    `${dir}:/mnt`,
    busyboxWasm,
    'stress',
    '--read-file',
    '/mnt/in.txt',
    '--write-file',
    '/mnt/out.txt',
    'from guest',
  ]);
  t.equal(rw.code, 0, rw.stderr);
  t.equal(rw.stdout, 'from host\n');
  t.equal(await readFile(path.join(dir, 'out.txt'), 'utf8'), 'from guest');
  const ro = await skiff(['run', '-v', `${dir}:/mnt:ro`, busyboxWasm, 'rm', '/mnt/in.txt']);
  t.not(ro.code, 0);
  t.match(ro.stderr, /Read-only file system/);
});

t.test('-i passes stdin; without it the guest reads end of file', async (t) => {
  t.equal(
    (await skiff(['run', '-i', busyboxWasm, 'cat'], { input: 'piped in\n' })).stdout,
    'piped in\n',
  );
  t.equal((await skiff(['run', busyboxWasm, 'cat'], { input: 'ignored\n' })).stdout, '');
});

t.test('--memory: past the limit the guest is OOMKilled with 137', async (t) => {
  const { code, stderr } = await skiff([
    'run',
    '--memory',
    '64Mi',
    busyboxWasm,
    'stress',
    '--grow-mib',
    '200',
  ]);
  t.equal(code, 137);
  t.match(stderr, /OOMKilled/);
  t.match(stderr, /64Mi/);
});

t.test('a wasi:cli/run component runs like a module', async (t) => {
  const { code, stdout } = await skiff([
    'run',
    '--hostname',
    'cmp',
    busyboxComponentWasm,
    'hostname',
  ]);
  t.equal(stdout, 'cmp\n');
  t.equal(code, 0);
  // Through the preview 1 adapter, wasi:cli/exit only carries success or failure.
  t.equal((await skiff(['run', busyboxComponentWasm, 'stress', '--exit', '3'])).code, 1);
});

t.test('SIGTERM stops a spinning guest', async (t) => {
  const child = startSkiff(['run', busyboxWasm, 'stress', '--stderr', 'spinning', '--spin']);
  const done = finished(child);
  await stderrMatching(child, /spinning/);
  const sent = performance.now();
  child.kill('SIGTERM');
  const { code } = await done;
  t.equal(code, 143);
  t.ok(performance.now() - sent < 2000, 'exits promptly');
});

t.test('--publish serves kubia on 127.0.0.1 until stopped', async (t) => {
  const port = await freePort();
  const child = startSkiff([
    'run',
    '--hostname',
    'kubia-e2e',
    '--publish',
    `127.0.0.1:${port}:8080`,
    kubiaWasm,
  ]);
  const done = finished(child);
  await stderrMatching(child, /serving/);
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    t.equal(response.status, 200);
    t.equal(await response.text(), "You've hit kubia-e2e\n");
  }
  child.kill('SIGINT');
  const { code, stdout } = await done;
  t.equal(code, 0, 'a drained server exits 0');
  t.match(stdout, /GET \//, 'kubia logged its requests');
});

t.test('bad input: one clear line, exit 125, nothing run', async (t) => {
  const truncated = path.join(scratch, 'truncated.wasm');
  await writeFile(truncated, (await readFile(busyboxWasm)).subarray(0, 200));
  const notWasm = path.join(repoRoot, 'package.json');
  const unsupported = path.join(scratch, 'keyvalue.wasm');
  await writeFile(
    unsupported,
    await parse('(component (import "wasi:keyvalue/store@0.2.0" (instance)))'),
  );
  const cases: [string[], RegExp][] = [
    [['run', path.join(scratch, 'missing.wasm')], /missing\.wasm: no such file/],
    [['run', notWasm], /package\.json: not a WebAssembly module/],
    [['run', truncated], /truncated\.wasm: .*truncated/i],
    [
      ['run', unsupported],
      /keyvalue\.wasm imports wasi:keyvalue\/store@0\.2\.0, which Skiff does not provide/,
    ],
    [['run', '--memory', '12XB', busyboxWasm], /invalid --memory "12XB": quantities must match/],
    [['run', '--publish', 'nope', busyboxWasm], /invalid --publish "nope"/],
    [['run', '--volume', 'just-one-part', busyboxWasm], /invalid --volume "just-one-part"/],
    [['run', '--volume', `${scratch}/absent:/x`, busyboxWasm, 'true'], /absent does not exist/],
    [['run', '--no-such-flag', busyboxWasm], /unknown option '--no-such-flag'/],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await skiff(args);
    t.equal(code, 125, `${args.join(' ')} exits 125`);
    t.match(stderr, message, `${args.join(' ')} says why`);
    t.equal(stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line (${stderr})`);
    t.notMatch(stderr, /\n\s+at /, 'no stack trace');
    t.equal(stdout, '');
  }
});
