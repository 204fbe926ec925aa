// WASI preview 1, process side, against a real C guest (test/fixtures/wasi/proc.c):
// argv, environment, stdio, exit paths, stdin, clocks, randomness, sleeping,
// polling, memory growth and bad pointers.

import path from 'node:path';
import t from 'tap';
import { WASI_PREVIEW1_FUNCTIONS, WasiPreview1 } from '../../runtime/wasm/guest/wasi-p1/index.js';
import { createTestGuest, runPreview1 } from '../helpers/guest-context.js';
import { repoRoot } from '../helpers/paths.js';

const PROC = path.join(repoRoot, 'test', 'fixtures', 'wasi', 'proc.wasm');
const run = (args: string[], options: Parameters<typeof runPreview1>[1] = {}) =>
  runPreview1(PROC, { ...options, args: ['proc', ...args] });

t.test('every preview 1 function is a plain JS function', async (t) => {
  const guest = createTestGuest();
  const wasi = new WasiPreview1(guest.ctx);
  // wasi_snapshot_preview1.witx: 45 functions, plus sock_accept added to the snapshot later.
  t.equal(WASI_PREVIEW1_FUNCTIONS.length, 46);
  t.same(Object.keys(wasi.imports).sort(), [...WASI_PREVIEW1_FUNCTIONS].sort());
  for (const name of WASI_PREVIEW1_FUNCTIONS) t.type(wasi.imports[name], 'function', name);
  guest.dispose();
});

t.test('argv reaches the guest in order, including argv[0]', async (t) => {
  const result = run(['args', 'two words', 'ünïcødé', '']);
  t.equal(result.exitCode, 0);
  t.equal(
    result.stdout,
    'argc=5\nargv[0]=proc\nargv[1]=args\nargv[2]=two words\nargv[3]=ünïcødé\nargv[4]=\n',
  );
});

t.test('the environment is exactly what the spec grants', async (t) => {
  const result = run(['env'], {
    env: [
      ['A', '1'],
      ['PATH', '/bin'],
      ['EMPTY', ''],
      ['WITH_EQUALS', 'x=y'],
    ],
  });
  t.equal(result.stdout, 'A=1\nPATH=/bin\nEMPTY=\nWITH_EQUALS=x=y\n');
  t.equal(run(['env']).stdout, '', 'no host variables leak in');
});

t.test('stdout and stderr are kept apart', async (t) => {
  const result = run(['streams']);
  t.equal(result.stdout, 'to stdout\n');
  t.equal(result.stderr, 'to stderr\n');
});

t.test('exit codes: return from main, exit(), proc_exit', async (t) => {
  t.equal(run(['return', '0']).exitCode, 0);
  t.equal(run(['return', '3']).exitCode, 3);
  const exited = run(['exit', '42']);
  t.equal(exited.exitCode, 42);
  t.equal(exited.stdout, 'buffered before exit\n', 'exit() flushed stdio first');
  t.equal(run(['proc_exit', '7']).exitCode, 7);
  t.equal(run(['proc_exit', '0']).exitCode, 0);
  t.equal(run(['proc_exit', '256']).exitCode, 0, 'only the low 8 bits of a status are kept');
});

t.test('proc_raise ends the guest as the signal would', async (t) => {
  t.equal(run(['raise', '15']).exitCode, 143, 'SIGTERM');
  t.equal(run(['raise', '9']).exitCode, 137, 'SIGKILL');
  t.equal(run(['raise', '6']).exitCode, 134, 'SIGABRT');
  t.equal(run(['raise', '30']).exitCode, 128 + 31, 'SIGSYS (Linux numbering)');
  const ignored = run(['raise', '16']);
  t.equal(ignored.exitCode, 0, 'SIGCHLD is ignored');
  t.equal(ignored.stdout, 'raise returned 0\n');
  t.equal(run(['raise', '99']).stdout, 'raise returned 28\n', 'unknown signal is EINVAL');
});

t.test('stdin is read to end-of-file', async (t) => {
  const input = 'line one\nline two\n'.repeat(1000);
  const result = run(['cat'], { stdin: input });
  t.equal(result.exitCode, 0);
  t.equal(result.stdout, input);
  t.match(result.stderr, /^bytes=18000 reads=\d+\n$/);
  const empty = run(['cat']);
  t.equal(empty.stdout, '');
  t.equal(empty.stderr, 'bytes=0 reads=1\n', 'no stdin: end-of-file on the first read');
});

t.test('a stdin read blocks until data arrives', async (t) => {
  const result = run(['cat'], { stdin: 'late data', stdinDelayMs: 150 });
  t.equal(result.stdout, 'late data');
  t.ok(result.elapsedMs >= 100, `waited for the data (${result.elapsedMs.toFixed(0)} ms)`);
  t.ok(result.waits >= 1, 'blocked through waitForActivity');
});

t.test('nanosleep sleeps about the requested time', async (t) => {
  const result = run(['sleep', '120']);
  const slept = Number(/slept_ms=(\d+)/.exec(result.stdout)?.[1]);
  t.match(result.stdout, /^rc=0 /);
  t.ok(slept >= 115 && slept < 1000, `slept ${slept} ms`);
  t.ok(result.elapsedMs >= 115, 'the host really waited');
});

t.test('poll_oneoff clock subscriptions, relative and absolute', async (t) => {
  for (const command of ['poll-mono-abs', 'poll-real-abs', 'poll-real-rel']) {
    const result = run([command, '80']);
    const elapsed = Number(/elapsed_ms=(\d+)/.exec(result.stdout)?.[1]);
    t.match(result.stdout, /^err=0 events=1 /, command);
    t.match(result.stdout, /event userdata=1 type=0 error=0/, `${command}: the clock fired`);
    t.ok(elapsed >= 70 && elapsed < 1000, `${command} waited ${elapsed} ms`);
  }
});

t.test('poll_oneoff returns early when stdin data arrives', async (t) => {
  const result = run(['poll-stdin', '5000'], { stdin: 'wake up', stdinDelayMs: 100 });
  const elapsed = Number(/elapsed_ms=(\d+)/.exec(result.stdout)?.[1]);
  t.match(result.stdout, /^err=0 events=1 /);
  t.match(result.stdout, /event userdata=2 type=1 error=0\nstdin=wake up\n/);
  t.ok(elapsed >= 50 && elapsed < 2000, `woke after ${elapsed} ms, long before the 5 s timeout`);
});

t.test('poll_oneoff with stdin already at end-of-file is ready at once', async (t) => {
  const result = run(['poll-stdin', '5000']);
  t.match(result.stdout, /event userdata=2 type=1 error=0/);
  t.ok(result.elapsedMs < 2000);
});

t.test('clocks: monotonic increasing, realtime plausible, bad ids refused', async (t) => {
  const result = run(['clocks']);
  t.equal(result.exitCode, 0, 'exit code 0');
  t.notMatch(result.stdout, /FAIL/);
});

t.test('random_get gives fresh, non-constant bytes', async (t) => {
  const result = run(['random']);
  t.notMatch(result.stdout, /FAIL/);
  t.equal(result.exitCode, 0, 'exit code 0');
});

t.test('reads into memory grown between calls land in the new pages', async (t) => {
  let input = '';
  for (let i = 0; input.length < 200_000; i++) input += `${i},`;
  input = input.slice(0, 200_000);
  const result = runPreview1(PROC, { args: ['proc', 'grow', '8'], stdin: input });
  t.equal(result.exitCode, 0, result.stderr);
  t.equal(result.stdout, input, 'every byte went through the freshly grown pages');
  t.match(result.stderr, /bytes=200000\n/);
});

t.test('pointers outside linear memory are EFAULT, not a host crash', async (t) => {
  const result = run(['badptr']);
  t.notMatch(result.stdout, /FAIL/);
  t.equal(result.exitCode, 0, 'exit code 0');
});
