// The wasi:filesystem provider end to end: the preview 1 C guests of
// test/fixtures/wasi, turned into WASI 0.2 components with the preview 1
// adapter, transpiled by jco and run against Skiff's 0.2 host. Checks the jco
// conventions for real (errors as thrown payloads, resources, dropped handles)
// and that the sandbox holds the same way through 0.2.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import t, { type Test } from 'tap';
import type { Mount } from '../../runtime/runtime.js';
import { GuestExit } from '../../runtime/wasm/guest/context.js';
import { createWasiP2Host } from '../../runtime/wasm/guest/wasi-p2/index.js';
import { createFilesystemProvider } from '../../runtime/wasm/guest/wasi-p2/filesystem.js';
import { createTestGuest } from '../helpers/guest-context.js';
import { repoRoot } from '../helpers/paths.js';
import { exportedInterface, loadComponent } from './wasi-p2-support/components.js';

const ADAPTER = path.join(
  repoRoot,
  'node_modules',
  '@bytecodealliance',
  'jco',
  'lib',
  'wasi_snapshot_preview1.command.wasm',
);

/** Runs fixture `name` as a component; resolves with its exit code and output. */
async function runComponent(
  name: string,
  args: string[],
  mounts: Mount[],
): Promise<{ exitCode: number; stdout: string }> {
  const core = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'wasi', `${name}.wasm`));
  const bytes = await componentNew(core, [['wasi_snapshot_preview1', fs.readFileSync(ADAPTER)]]);
  const component = await loadComponent(bytes);
  const guest = createTestGuest({ args: [name, ...args], mounts });
  const host = createWasiP2Host(guest.ctx, {
    createFilesystem: (streams) => createFilesystemProvider(guest.fs, streams),
  });
  let exitCode = 0;
  try {
    const exports = await component.instantiate(host.imports);
    exportedInterface(exports, 'wasi:cli/run')['run']?.();
  } catch (err) {
    if (!(err instanceof GuestExit)) throw err;
    exitCode = err.code;
  } finally {
    guest.dispose();
  }
  return { exitCode, stdout: guest.stdout() };
}

function tempDir(t: Test, name: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `skiff-p2c-${name}-`)));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const failures = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('FAIL'));

t.test('file operations in a read-write mount, through WASI 0.2', async (t) => {
  const data = tempDir(t, 'files');
  const result = await runComponent(
    'files',
    ['p2'],
    [{ guestPath: '/data', hostPath: data, readOnly: false }],
  );
  t.same(failures(result.stdout), []);
  t.equal(result.exitCode, 0);
  t.match(result.stdout, /^ok readdir lists every entry once$/m);
  t.equal(fs.readdirSync(path.join(data, 'many')).length, 150);
});

t.test('read-only mounts and cross-mount renames, through WASI 0.2', async (t) => {
  const ro = tempDir(t, 'ro');
  fs.writeFileSync(path.join(ro, 'hello.txt'), 'hello\n');
  fs.mkdirSync(path.join(ro, 'sub'));
  fs.writeFileSync(path.join(ro, 'sub', 'inner.txt'), 'inner');
  fs.symlinkSync('hello.txt', path.join(ro, 'hello.link'));
  const result = await runComponent(
    'readonly',
    [],
    [
      { guestPath: '/ro', hostPath: ro, readOnly: true },
      { guestPath: '/data', hostPath: tempDir(t, 'rw'), readOnly: false },
      { guestPath: '/data2', hostPath: tempDir(t, 'rw2'), readOnly: false },
    ],
  );
  t.same(failures(result.stdout), []);
  t.equal(result.exitCode, 0);
  t.same(fs.readdirSync(ro).sort(), ['hello.link', 'hello.txt', 'sub']);
});

t.test('every escape attempt is refused, through WASI 0.2', async (t) => {
  const root = tempDir(t, 'escape');
  const outside = path.join(root, 'outside');
  const mount = path.join(root, 'mnt');
  fs.mkdirSync(outside);
  fs.mkdirSync(path.join(mount, 'sub'), { recursive: true });
  const secret = path.join(outside, 'secret.txt');
  fs.writeFileSync(secret, 'TOP-SECRET');
  const links: [string, string][] = [
    [secret, 'abs'],
    [outside, 'absdir'],
    ['../outside/secret.txt', 'rel'],
    ['../outside', 'reldir'],
    ['chain2', 'chain1'],
    ['chain3', 'chain2'],
    ['../outside/secret.txt', 'chain3'],
    ['../../outside/secret.txt', 'sub/up'],
    ['loopB', 'loopA'],
    ['loopA', 'loopB'],
    ['sub/ok.txt', 'deep40'],
    ['sub/ok.txt', 'inside'],
  ];
  for (let i = 0; i < 40; i++) links.push([`deep${i + 1}`, `deep${i}`]);
  for (const [target, name] of links) fs.symlinkSync(target, path.join(mount, name));
  fs.writeFileSync(path.join(mount, 'sub', 'ok.txt'), 'fine');
  const result = await runComponent(
    'escape',
    ['p2'],
    [{ guestPath: '/data', hostPath: mount, readOnly: false }],
  );
  t.same(failures(result.stdout), []);
  t.equal(result.exitCode, 0);
  t.notMatch(result.stdout, 'TOP-SECRET');
  t.equal(fs.readFileSync(secret, 'utf8'), 'TOP-SECRET');
  t.same(fs.readdirSync(outside), ['secret.txt']);
});
