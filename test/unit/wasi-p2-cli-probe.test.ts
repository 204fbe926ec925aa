// End to end, in this thread: a C program built as a WASI 0.2 command
// (test/fixtures/components/cli-probe.c, preview 1 command adapter), run with
// Skiff's providers. Covers args, env, stdout vs stderr, stdin, exit codes,
// clocks, random and traps, each on a fresh instance.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { GuestExit } from '../../runtime/wasm/guest/context.js';
import { createFilesystemProvider } from '../../runtime/wasm/guest/wasi-p2/filesystem.js';
import { createWasiP2Host } from '../../runtime/wasm/guest/wasi-p2/index.js';
import type { LoadedComponent } from './wasi-p2-support/components.js';
import { exportedInterface, loadComponent } from './wasi-p2-support/components.js';
import type { FakeGuestOptions } from './wasi-p2-support/fake-guest.js';
import { bytesSource, fakeGuest } from './wasi-p2-support/fake-guest.js';
import { noFilesystem } from './wasi-p2-support/no-filesystem.js';
import { COMPONENT_FIXTURES } from './wasi-p2-support/paths.js';
import { createTestGuest } from '../helpers/guest-context.js';

interface RunResult {
  /** Exit code, or undefined when the guest trapped. */
  code: number | undefined;
  stdout: string;
  stderr: string;
  trap?: unknown;
}

let component: LoadedComponent;

/** Runs `wasi:cli/run.run()` and maps how it ended, as the sandbox worker does. */
async function run(args: string[], options: FakeGuestOptions = {}): Promise<RunResult> {
  const guest = fakeGuest({ ...options, args: ['cli-probe', ...args] });
  const host = createWasiP2Host(guest.ctx, { createFilesystem: noFilesystem });
  const exports = await component.instantiate(host.imports);
  const result = (code: number | undefined, trap?: unknown): RunResult => ({
    code,
    stdout: guest.stdout.text(),
    stderr: guest.stderr.text(),
    ...(trap === undefined ? {} : { trap }),
  });
  try {
    exportedInterface(exports, 'wasi:cli/run').run?.();
    return result(0);
  } catch (error) {
    if (error instanceof GuestExit) return result(error.code);
    // jco throws a ComponentError when `run` returns err: exit status 1.
    if (error instanceof Error && error.name === 'ComponentError') return result(1);
    return result(undefined, error);
  }
}

t.before(async () => {
  component = await loadComponent(await readFile(`${COMPONENT_FIXTURES}cli-probe.wasm`));
});

t.test('the command imports only interfaces Skiff provides', async (t) => {
  t.ok(component.imports.includes('wasi:cli/environment'));
  t.ok(component.imports.includes('wasi:filesystem/preopens'));
});

t.test('arguments', async (t) => {
  const { code, stdout } = await run(['args', 'two words', 'é']);
  t.equal(code, 0);
  t.equal(stdout, 'cli-probe\nargs\ntwo words\né\n');
});

t.test('environment comes only from the spec', async (t) => {
  const set = await run(['env', 'HOSTNAME'], { env: [['HOSTNAME', 'kubia-abc']] });
  t.equal(set.stdout, 'HOSTNAME=kubia-abc\n');
  const unset = await run(['env', 'PATH']);
  t.equal(unset.stdout, 'PATH=(unset)\n', 'nothing leaks from the host process');
});

t.test('stdout and stderr are separate', async (t) => {
  const { code, stdout, stderr } = await run(['streams']);
  t.equal(code, 0);
  t.equal(stdout, 'to stdout\n');
  t.equal(stderr, 'to stderr\n');
});

t.test('stdin is read to its end', async (t) => {
  const input = 'line one\nline two\n'.repeat(1000);
  const { code, stdout, stderr } = await run(['cat'], {
    stdin: bytesSource(new TextEncoder().encode(input)),
  });
  t.equal(code, 0);
  t.equal(stdout, input);
  t.equal(stderr, `read ${input.length} bytes\n`);
});

t.test('a blocked stdin read wakes when input arrives from another thread', async (t) => {
  const guest = createTestGuest({
    args: ['cli-probe', 'cat'],
    stdin: 'arrived late\n',
    stdinDelayMs: 60,
  });
  try {
    const host = createWasiP2Host(guest.ctx, { createFilesystem: noFilesystem });
    const exports = await component.instantiate(host.imports);
    const started = performance.now();
    exportedInterface(exports, 'wasi:cli/run').run?.();
    const elapsed = performance.now() - started;
    t.equal(guest.stdout(), 'arrived late\n');
    t.equal(guest.stderr(), 'read 13 bytes\n');
    t.ok(guest.waits() >= 1, `the guest blocked (${guest.waits()} waits)`);
    t.ok(elapsed >= 40, `and ran ${elapsed.toFixed(1)} ms`);
  } finally {
    guest.dispose();
  }
});

t.test('files through the real wasi:filesystem provider and the streams', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-probe-'));
  writeFileSync(path.join(dir, 'in.txt'), 'from the host\n'.repeat(500));
  const guest = createTestGuest({
    args: ['cli-probe', 'read-file', '/data/in.txt'],
    mounts: [{ guestPath: '/data', hostPath: dir, readOnly: false }],
  });
  const writer = createTestGuest({
    args: ['cli-probe', 'write-file', '/data/out.txt', 'from the guest'],
    mounts: [{ guestPath: '/data', hostPath: dir, readOnly: false }],
  });
  try {
    for (const g of [guest, writer]) {
      const host = createWasiP2Host(g.ctx, {
        createFilesystem: (streams) => createFilesystemProvider(g.fs, streams),
      });
      exportedInterface(await component.instantiate(host.imports), 'wasi:cli/run').run?.();
    }
    t.equal(guest.stdout(), 'from the host\n'.repeat(500));
    t.equal(readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'from the guest');
  } finally {
    guest.dispose();
    writer.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

t.test('exit codes', async (t) => {
  t.equal((await run(['exit', '0'])).code, 0);
  // The preview 1 adapter turns any non-zero proc_exit into `exit(err)`, which
  // WASI 0.2 defines as "failed": the host sees 1, whatever the number was.
  const three = await run(['exit', '3']);
  t.equal(three.code, 1, 'exit(3) through the adapter is exit(err)');
  t.equal(three.stdout, 'exiting with 3\n', 'output before exit is kept');
  t.equal((await run(['nonsense'])).code, 1, 'returning 2 from main, likewise');
  t.equal((await run(['exit-code', '3'])).code, 3, 'exit-with-code(3) is 3');
  t.equal((await run(['exit-code', '0'])).code, 0, 'exit-with-code(0) is 0');
});

t.test('sleep blocks through the monotonic clock and poll', async (t) => {
  let waits = 0;
  const started = performance.now();
  const { code, stdout } = await run(['sleep', '40'], { onWait: () => void waits++ });
  const elapsed = performance.now() - started;
  t.equal(code, 0);
  const slept = Number(/slept ([\d.]+) ms/.exec(stdout)?.[1]);
  t.ok(slept >= 39.5 && slept < 1000, `the guest measured ${slept} ms`);
  t.ok(elapsed >= 39, `the host saw ${elapsed.toFixed(1)} ms`);
  t.ok(waits >= 1, 'the guest blocked in waitForActivity');
});

t.test('wall clock', async (t) => {
  const { stdout } = await run(['time']);
  t.ok(Math.abs(Number(stdout) - Date.now() / 1000) < 5, `guest time ${stdout.trim()}`);
});

t.test('random', async (t) => {
  const { code, stdout } = await run(['random']);
  t.equal(code, 0);
  const [a, b] = stdout.trim().split('\n');
  t.match(a, /^[0-9a-f]{32}$/);
  t.not(a, b);
});

t.test('sockets link, and every socket and lookup is access-denied', async (t) => {
  t.ok(component.imports.includes('wasi:sockets/tcp-create-socket'));
  const { code, stdout } = await run(['sockets']);
  t.equal(code, 0);
  t.equal(stdout, 'tcp err 1\nlookup err 1\n', 'error-code 1 is access-denied');
});

t.test('a trap is not an exit', async (t) => {
  const { code, trap } = await run(['trap']);
  t.equal(code, undefined);
  t.ok(trap instanceof Error, `trapped: ${String(trap)}`);
});

t.test('instances are independent', async (t) => {
  const [a, b] = await Promise.all([
    run(['env', 'X'], { env: [['X', 'first']] }),
    run(['env', 'X'], { env: [['X', 'second']] }),
  ]);
  t.equal(a.stdout, 'X=first\n');
  t.equal(b.stdout, 'X=second\n');
});
