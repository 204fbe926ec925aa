// WASI preview 1 files against real C guests and real temp directories:
// test/fixtures/wasi/files.c in a read-write mount, readonly.c against a
// read-only mount and two read-write ones.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runPreview1 } from '../helpers/guest-context.js';
import { repoRoot } from '../helpers/paths.js';

const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'wasi', `${name}.wasm`);

function tempDir(t: { teardown(fn: () => void): void }, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `skiff-${name}-`));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The names of failed checks in a guest's output. */
function failures(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('FAIL'));
}

t.test('file operations in a read-write mount', async (t) => {
  const data = tempDir(t, 'files');
  const result = runPreview1(fixture('files'), {
    args: ['files'],
    mounts: [{ guestPath: '/data', hostPath: data, readOnly: false }],
  });
  t.same(failures(result.stdout), [], 'no check failed');
  t.equal(result.exitCode, 0, 'exit code 0');
  t.match(result.stdout, /ok readdir lists every entry once\n/);
  t.match(result.stdout, /failures=0\n$/);
  // What the guest did is really on the host.
  t.equal(fs.readdirSync(path.join(data, 'many')).length, 150);
  t.equal(fs.readlinkSync(path.join(data, 'dirlink')), 'real');
  t.equal(fs.statSync(path.join(data, 'hard.txt')).nlink, 2);
  t.equal(fs.readFileSync(path.join(data, 'dotdot.txt'), 'utf8'), 'ok');
});

t.test(
  'a read-only mount refuses every mutation; renames and links across mounts are EXDEV',
  async (t) => {
    const ro = tempDir(t, 'ro');
    fs.writeFileSync(path.join(ro, 'hello.txt'), 'hello\n');
    fs.mkdirSync(path.join(ro, 'sub'));
    fs.writeFileSync(path.join(ro, 'sub', 'inner.txt'), 'inner');
    fs.symlinkSync('hello.txt', path.join(ro, 'hello.link'));
    const before = snapshot(ro);
    const data = tempDir(t, 'rw');
    const data2 = tempDir(t, 'rw2');
    const result = runPreview1(fixture('readonly'), {
      args: ['readonly'],
      mounts: [
        { guestPath: '/ro', hostPath: ro, readOnly: true },
        { guestPath: '/data', hostPath: data, readOnly: false },
        { guestPath: '/data2', hostPath: data2, readOnly: false },
      ],
    });
    t.same(failures(result.stdout), [], 'no check failed');
    t.equal(result.exitCode, 0, 'exit code 0');
    for (const op of [
      'create',
      'mkdir',
      'unlink',
      'rmdir',
      'rename inside',
      'symlink',
      'hard link',
    ]) {
      t.match(result.stdout, new RegExp(`ok ${op}\\n`), `${op} was refused with EROFS`);
    }
    t.same(snapshot(ro), before, 'the read-only mount is unchanged, times included');
    t.same(fs.readdirSync(data2), [], 'nothing crossed into the other mount');
    t.same(fs.readdirSync(data), ['yours.txt']);
  },
);

/** Names, contents and modification times of everything under `dir`. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, name);
    const st = fs.lstatSync(full);
    const content = st.isFile()
      ? fs.readFileSync(full, 'utf8')
      : st.isSymbolicLink()
        ? fs.readlinkSync(full)
        : 'dir';
    out[name] = `${content} @${st.mtimeMs}`;
  }
  return out;
}
