// What the Wasm runtime accepts, refuses and caches, and what it leaves behind.

import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { RuntimeError, WasmRuntime, resolveWasmFile } from '../../runtime/index.js';
import { busybox, busyboxComponent, watImage } from '../helpers/images.js';
import {
  collect,
  openStdin,
  outputContaining,
  runToExit,
  specFor,
  stdinOf,
  testSandbox,
} from '../helpers/runtime.js';

const scratch = await mkdtemp(path.join(os.tmpdir(), 'skiff-guests-'));
t.teardown(() => rm(scratch, { recursive: true, force: true }));
const runtime = new WasmRuntime({ cacheDir: path.join(scratch, 'cache') });
t.teardown(() => runtime.close());
const busyboxImage = await busybox();

t.test('a module is compiled once and shared by every container', async (t) => {
  const before = runtime.loader.modules.compilations;
  const runs = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      runToExit(runtime, specFor(busyboxImage, ['echo', `run ${i}`])),
    ),
  );
  runs.forEach(({ stdout }, i) => t.equal(stdout, `run ${i}\n`));
  t.ok(runtime.loader.modules.compilations - before <= 1, 'at most one compilation');
});

t.test('a wasi:cli/run component is a command container', async (t) => {
  const image = await busyboxComponent();
  const ok = await runToExit(
    runtime,
    specFor(image, ['env'], { env: [{ name: 'A', value: 'b' }] }),
    testSandbox('p2'),
  );
  t.same(ok.stdout.trim().split('\n').sort(), ['A=b', 'HOSTNAME=p2']);
  t.equal(ok.result.exitCode, 0);
  // The preview 1 adapter maps every non-zero exit status to wasi:cli/exit's error.
  t.match((await runToExit(runtime, specFor(image, ['false']))).result, {
    exitCode: 1,
    reason: 'Error',
  });
  const over = await runToExit(
    runtime,
    specFor(image, ['stress', '--grow-mib', '100'], {
      resources: { memoryLimitBytes: 32 * 1024 * 1024 },
    }),
  );
  t.match(over.result, { exitCode: 137, reason: 'OOMKilled' });
  const spinning = await runtime.start(specFor(image, ['stress', '--spin']), testSandbox());
  await new Promise((r) => setTimeout(r, 200));
  const started = performance.now();
  t.match(await spinning.stop(), { exitCode: 143 });
  t.ok(performance.now() - started < 1000);
});

t.test('imports Skiff does not provide are refused before anything runs', async (t) => {
  const image = await watImage(
    'needs-env',
    '(module (import "env" "launch_missiles" (func)) (memory (export "memory") 1) (func (export "_start")))',
  );
  await t.rejects(runtime.start(specFor(image, []), testSandbox()), {
    constructor: RuntimeError,
    reason: 'UnsupportedImport',
    message: /needs-env\.wasm imports env\.launch_missiles \(func\), which Skiff does not provide/,
  });
});

t.test('a reactor or a memory-less module is not runnable, and says so', async (t) => {
  const reactor = await watImage(
    'reactor',
    '(module (memory (export "memory") 1) (func (export "_initialize")))',
  );
  await t.rejects(runtime.start(specFor(reactor, []), testSandbox()), {
    reason: 'NotRunnable',
    message: /reactor/,
  });
  const noMemory = await watImage('no-memory', '(module (func (export "_start")))');
  await t.rejects(runtime.start(specFor(noMemory, []), testSandbox()), {
    reason: 'NotRunnable',
    message: /does not export its memory/,
  });
});

t.test('a corrupt module is refused naming the file', async (t) => {
  const file = path.join(scratch, 'corrupt.wasm');
  const bytes = Buffer.from(
    await import('node:fs').then((fs) => fs.readFileSync(busyboxImage.wasmPath ?? '')),
  );
  bytes.fill(0xff, 2000, 2400);
  await writeFile(file, bytes);
  await t.rejects(runtime.start(specFor(await resolveWasmFile(file), []), testSandbox()), {
    constructor: RuntimeError,
    reason: 'InvalidImage',
    message: /corrupt\.wasm/,
  });
});

t.test('a guest whose initial memory is over its limit is OOMKilled at start', async (t) => {
  const big = await watImage(
    'big',
    '(module (memory (export "memory") 64) (func (export "_start")))',
  );
  const { result } = await runToExit(
    runtime,
    specFor(big, [], { resources: { memoryLimitBytes: 1024 * 1024 } }),
  );
  t.match(result, { exitCode: 137, reason: 'OOMKilled', message: /exceeds|limit/ });
});

t.test('a mount that does not exist is an invalid spec', async (t) => {
  await t.rejects(
    runtime.start(
      specFor(busyboxImage, ['true'], {
        mounts: [{ guestPath: '/x', hostPath: path.join(scratch, 'nope'), readOnly: false }],
      }),
      testSandbox(),
    ),
    { reason: 'InvalidSpec', message: /does not exist/ },
  );
});

t.test('a guest killed with files open leaves no host file descriptor behind', async (t) => {
  const dir = await mkdtemp(path.join(scratch, 'fds-'));
  /** Host descriptors open on something inside `dir`. */
  const openFds = async () => {
    let count = 0;
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target.startsWith(dir)) count++;
    }
    return count;
  };
  const before = await openFds();
  const mounts = [{ guestPath: '/out', hostPath: dir, readOnly: false }];
  for (let i = 0; i < 5; i++) {
    // tee opens its files, copies the first line, then blocks on a stdin that never ends.
    const handle = await runtime.start(
      specFor(busyboxImage, ['tee', '/out/a', '/out/b', '/out/c'], {
        mounts,
        stdin: openStdin('x\n'),
      }),
      testSandbox(),
    );
    await outputContaining(handle, 'x');
    t.ok((await openFds()) >= 4, 'the guest holds its files (and its mount) open');
    await handle.stop({ signal: 'SIGKILL' });
  }
  t.equal(await openFds(), before, 'every descriptor was closed');
});

t.test('stdin that arrives later wakes a blocked reader', async (t) => {
  const handle = await runtime.start(
    specFor(busyboxImage, ['cat'], { stdin: stdinOf(['late\n'], 300) }),
    testSandbox(),
  );
  const { stdout, result } = await collect(handle);
  t.equal(stdout, 'late\n');
  t.equal(result.exitCode, 0);
});
