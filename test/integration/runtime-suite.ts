// The contract every ContainerRuntime must honour, as tests. A runtime's test
// file calls `runtimeSuite` with a factory and a busybox-compatible image (the
// multi-call `samples/busybox`, whose `stress` applet scripts the workloads).

import { mkdtemp, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import type { ContainerRuntime, Mount, ResolvedImage } from '../../runtime/index.js';
import {
  collect,
  outputContaining,
  runToExit,
  specFor,
  stdinOf,
  testSandbox,
} from '../helpers/runtime.js';

export interface RuntimeSuiteOptions {
  readonly makeRuntime: () => ContainerRuntime;
  /** A busybox-compatible multi-call image with Skiff's `stress` applet. */
  readonly busybox: ResolvedImage;
}

const SECRET = 'top-secret-host-data';

/** A temp layout: `outside/secret.txt` next to the mounted `data/` and `ro/` dirs. */
async function hostLayout(t: Test) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-suite-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const data = path.join(root, 'data');
  const ro = path.join(root, 'ro');
  await mkdir(data);
  await mkdir(ro);
  await writeFile(path.join(root, 'secret.txt'), SECRET);
  await writeFile(path.join(data, 'hello.txt'), 'hello from the host\n');
  await writeFile(path.join(ro, 'fixed.txt'), 'read only\n');
  const mounts: Mount[] = [
    { guestPath: '/data', hostPath: data, readOnly: false },
    { guestPath: '/ro', hostPath: ro, readOnly: true },
  ];
  return { root, data, ro, mounts };
}

export function runtimeSuite(t: Test, options: RuntimeSuiteOptions): void {
  const { busybox } = options;
  const runtime = options.makeRuntime();
  t.teardown(() => runtime.close());

  t.test('runs a program with its arguments and reports a clean exit', async (t) => {
    const { result, stdout, stderr } = await runToExit(
      runtime,
      specFor(busybox, ['echo', 'Hello', 'world']),
    );
    t.equal(stdout, 'Hello world\n');
    t.equal(stderr, '');
    t.match(result, { exitCode: 0, reason: 'Completed' });
    t.ok(result.finishedAt >= result.startedAt);
  });

  t.test('keeps stdout and stderr apart', async (t) => {
    const { stdout, stderr } = await runToExit(
      runtime,
      specFor(busybox, ['stress', '--stdout', 'to-out', '--stderr', 'to-err']),
    );
    t.equal(stdout, 'to-out\n');
    t.equal(stderr, 'to-err\n');
  });

  t.test('reports exit codes as the guest set them', async (t) => {
    t.match((await runToExit(runtime, specFor(busybox, ['false']))).result, {
      exitCode: 1,
      reason: 'Error',
    });
    t.match((await runToExit(runtime, specFor(busybox, ['stress', '--exit', '42']))).result, {
      exitCode: 42,
      reason: 'Error',
    });
    t.match((await runToExit(runtime, specFor(busybox, ['true']))).result, { exitCode: 0 });
  });

  t.test(
    'gives the guest exactly its spec env, with HOSTNAME, and nothing of the host',
    async (t) => {
      process.env.SKIFF_SUITE_HOST_ONLY = 'leak';
      t.teardown(() => void delete process.env.SKIFF_SUITE_HOST_ONLY);
      const { stdout } = await runToExit(
        runtime,
        specFor(busybox, ['env'], { env: [{ name: 'GREETING', value: 'hi there' }] }),
        testSandbox('pod-abc'),
      );
      const lines = stdout.trim().split('\n').sort();
      t.same(lines, ['GREETING=hi there', 'HOSTNAME=pod-abc']);
    },
  );

  t.test('the hostname is the sandbox hostname', async (t) => {
    const { stdout } = await runToExit(
      runtime,
      specFor(busybox, ['hostname']),
      testSandbox('kubia-7d9f'),
    );
    t.equal(stdout, 'kubia-7d9f\n');
  });

  t.test('reads stdin when given, and sees end of file otherwise', async (t) => {
    const piped = await runToExit(
      runtime,
      specFor(busybox, ['wc', '-l'], { stdin: stdinOf(['a\nb\n', 'c\n'], 50) }),
    );
    t.match(piped.stdout, /^\s*3\s*$/);
    const none = await runToExit(runtime, specFor(busybox, ['cat']));
    t.equal(none.stdout, '');
    t.equal(none.result.exitCode, 0);
  });

  t.test('reads and writes files in a read-write mount', async (t) => {
    const { data, mounts } = await hostLayout(t);
    const read = await runToExit(runtime, specFor(busybox, ['cat', '/data/hello.txt'], { mounts }));
    t.equal(read.stdout, 'hello from the host\n');
    const write = await runToExit(
      runtime,
      specFor(busybox, ['stress', '--write-file', '/data/new.txt', 'written by the guest'], {
        mounts,
      }),
    );
    t.equal(write.result.exitCode, 0, write.stderr);
    t.equal(await readFile(path.join(data, 'new.txt'), 'utf8'), 'written by the guest');
    const made = await runToExit(
      runtime,
      specFor(busybox, ['mkdir', '-p', '/data/a/b'], { mounts }),
    );
    t.equal(made.result.exitCode, 0, made.stderr);
    t.same(await readdir(path.join(data, 'a')), ['b']);
  });

  t.test('a read-only mount refuses every change and still reads', async (t) => {
    const { ro, mounts } = await hostLayout(t);
    const read = await runToExit(runtime, specFor(busybox, ['cat', '/ro/fixed.txt'], { mounts }));
    t.equal(read.stdout, 'read only\n');
    const attempts = [
      ['stress', '--write-file', '/ro/new.txt', 'x'],
      ['stress', '--write-file', '/ro/fixed.txt', 'overwritten'],
      ['rm', '/ro/fixed.txt'],
      ['mkdir', '/ro/dir'],
      ['touch', '/ro/touched'],
      ['ln', '-s', 'fixed.txt', '/ro/link'],
    ];
    for (const args of attempts) {
      const { result, stderr } = await runToExit(runtime, specFor(busybox, args, { mounts }));
      t.not(result.exitCode, 0, `${args.join(' ')} fails`);
      t.match(stderr, /Read-only file system/, `${args.join(' ')} says why`);
    }
    t.same((await readdir(ro)).sort(), ['fixed.txt']);
    t.equal(await readFile(path.join(ro, 'fixed.txt'), 'utf8'), 'read only\n');
  });

  t.test('no path, .. or symlink leads out of a mount', async (t) => {
    const { root, data, mounts } = await hostLayout(t);
    await symlink(path.join(root, 'secret.txt'), path.join(data, 'absolute-link'));
    await symlink('../secret.txt', path.join(data, 'relative-link'));
    await symlink('..', path.join(data, 'parent-dir'));
    await symlink('relative-link', path.join(data, 'chained-link'));
    const reads = [
      '/data/../secret.txt',
      '/data/../../../../secret.txt',
      `${root}/secret.txt`,
      '/data/absolute-link',
      '/data/relative-link',
      '/data/parent-dir/secret.txt',
      '/data/chained-link',
    ];
    for (const target of reads) {
      const { result, stdout } = await runToExit(
        runtime,
        specFor(busybox, ['cat', target], { mounts }),
      );
      t.not(result.exitCode, 0, `cat ${target} fails`);
      t.notMatch(stdout, SECRET, `cat ${target} reveals nothing`);
    }
    for (const target of [
      '/data/../escaped.txt',
      '/data/parent-dir/escaped.txt',
      '/data/relative-link',
    ]) {
      const { result } = await runToExit(
        runtime,
        specFor(busybox, ['stress', '--write-file', target, 'x'], { mounts }),
      );
      t.not(result.exitCode, 0, `writing ${target} fails`);
    }
    t.same((await readdir(root)).sort(), ['data', 'ro', 'secret.txt']);
    t.equal(await readFile(path.join(root, 'secret.txt'), 'utf8'), SECRET);
  });

  t.test('a guest past its memory limit is OOMKilled (137); within it, it runs', async (t) => {
    const limit = 64 * 1024 * 1024;
    const over = await runToExit(
      runtime,
      specFor(busybox, ['stress', '--grow-mib', '200'], { resources: { memoryLimitBytes: limit } }),
    );
    t.match(over.result, { exitCode: 137, reason: 'OOMKilled' });
    const under = await runToExit(
      runtime,
      specFor(busybox, ['stress', '--grow-mib', '16', '--stdout', 'ok'], {
        resources: { memoryLimitBytes: limit },
      }),
    );
    t.match(under.result, { exitCode: 0 });
    t.match(under.stdout, /ok/);
  });

  t.test('a spinning guest stops within a second of the request', async (t) => {
    const handle = await runtime.start(
      specFor(busybox, ['stress', '--stdout', 'spinning', '--spin']),
      testSandbox(),
    );
    const logs = collect(handle);
    await outputContaining(handle, 'spinning');
    const started = performance.now();
    const result = await handle.stop({ graceMs: 10_000 });
    const elapsed = performance.now() - started;
    t.ok(elapsed < 1000, `stopped in ${elapsed.toFixed(1)} ms`);
    t.match(result, { exitCode: 143, signal: 'SIGTERM' });
    t.equal((await logs).result, result, 'wait() reports the same result');
  });

  t.test('a sleeping guest stops at once, and SIGKILL reports 137', async (t) => {
    const handle = await runtime.start(specFor(busybox, ['sleep', '60']), testSandbox());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const result = await handle.stop({ signal: 'SIGKILL' });
    t.ok(performance.now() - started < 1000);
    t.match(result, { exitCode: 137, signal: 'SIGKILL' });
  });

  t.test('a crashing guest ends alone: the host and its neighbours carry on', async (t) => {
    const neighbour = await runtime.start(
      specFor(busybox, ['stress', '--sleep', '0.5', '--stdout', 'still here']),
      testSandbox(),
    );
    const crashes = await Promise.all([
      runToExit(runtime, specFor(busybox, ['stress', '--trap'])),
      runToExit(runtime, specFor(busybox, ['stress', '--recurse'])),
    ]);
    for (const { result } of crashes) {
      t.equal(result.reason, 'Error');
      t.not(result.exitCode, 0);
      t.ok(result.message, 'says what happened');
    }
    const { result, stdout } = await collect(neighbour);
    t.equal(result.exitCode, 0);
    t.equal(stdout, 'still here\n');
  });

  t.test('stats report the memory a running guest holds, against its limit', async (t) => {
    const limit = 64 * 1024 * 1024;
    const handle = await runtime.start(
      specFor(busybox, ['stress', '--grow-mib', '16', '--stdout', 'grown', '--sleep', '30'], {
        resources: { memoryLimitBytes: limit },
      }),
      testSandbox(),
    );
    await outputContaining(handle, 'grown');
    const running = handle.stats();
    t.ok(running.memoryBytes >= 16 * 1024 * 1024, `${running.memoryBytes} bytes in use`);
    t.ok(running.memoryBytes < limit);
    t.match(running, { memoryLimitBytes: limit, instances: 1 });
    await handle.stop({ signal: 'SIGKILL' });
    t.match(handle.stats(), { memoryBytes: 0, instances: 0 });
  });

  t.test('logs replay past output and follow new output', async (t) => {
    const handle = await runtime.start(
      specFor(busybox, ['stress', '--stdout', 'one', '--sleep', '0.2', '--stdout', 'two']),
      testSandbox(),
    );
    await handle.wait();
    const chunks: string[] = [];
    for await (const chunk of handle.logs()) chunks.push(new TextDecoder().decode(chunk.data));
    t.equal(chunks.join(''), 'one\ntwo\n');
  });
}
