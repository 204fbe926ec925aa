// The sandbox, against a real C guest (test/fixtures/wasi/escape.c): every
// escape attempt out of a mount is refused, and the file outside is neither
// read nor changed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runPreview1 } from '../helpers/guest-context.js';
import { repoRoot } from '../helpers/paths.js';

const ESCAPE = path.join(repoRoot, 'test', 'fixtures', 'wasi', 'escape.wasm');
const SECRET = 'TOP-SECRET';

/** The layout escape.c expects, under a fresh temp dir. */
function prepare(): { root: string; mount: string; secret: string } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-escape-')));
  const outside = path.join(root, 'outside');
  const mount = path.join(root, 'mnt');
  fs.mkdirSync(outside);
  fs.mkdirSync(path.join(mount, 'sub'), { recursive: true });
  const secret = path.join(outside, 'secret.txt');
  fs.writeFileSync(secret, SECRET);
  fs.utimesSync(secret, 1_000_000, 1_000_000);
  const link = (target: string, name: string) => fs.symlinkSync(target, path.join(mount, name));
  link(secret, 'abs');
  link(outside, 'absdir');
  link('../outside/secret.txt', 'rel');
  link('../outside', 'reldir');
  link('chain2', 'chain1');
  link('chain3', 'chain2');
  link('../outside/secret.txt', 'chain3');
  link('../../outside/secret.txt', 'sub/up');
  link('loopB', 'loopA');
  link('loopA', 'loopB');
  for (let i = 0; i < 40; i++) link(`deep${i + 1}`, `deep${i}`);
  link('sub/ok.txt', 'deep40');
  link('sub/ok.txt', 'inside');
  fs.writeFileSync(path.join(mount, 'sub', 'ok.txt'), 'fine');
  return { root, mount, secret };
}

t.test('every escape attempt is refused and the outside file is untouched', async (t) => {
  const { root, mount, secret } = prepare();
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const mountBefore = fs.readdirSync(mount).sort();
  const result = runPreview1(ESCAPE, {
    args: ['escape'],
    mounts: [{ guestPath: '/data', hostPath: mount, readOnly: false }],
  });
  const failed = result.stdout.split('\n').filter((line) => line.startsWith('FAIL'));
  t.same(failed, [], 'every attempt was refused with the expected error');
  t.equal(result.exitCode, 0, 'exit code 0');
  for (const attempt of [
    'raw ../ beyond the root',
    'raw absolute path',
    'raw link through an absolute symlink',
    'absolute symlink',
    'relative symlink climbing out',
    'symlinked dir in the middle',
    'chain of symlinks',
    'symlink loop',
    'unlink through a symlinked dir',
    'hard link through a symlink',
  ]) {
    t.match(result.stdout, new RegExp(`^ok ${attempt}$`, 'm'), attempt);
  }
  t.notMatch(result.stdout + result.stderr, SECRET, 'the secret never reached the guest');
  t.equal(fs.readFileSync(secret, 'utf8'), SECRET, 'the secret is unchanged');
  t.equal(fs.statSync(secret).mtimeMs, 1_000_000_000, 'its times are unchanged');
  t.same(fs.readdirSync(path.join(root, 'outside')), ['secret.txt'], 'nothing was created outside');
  t.same(fs.readdirSync(root).sort(), ['mnt', 'outside'], 'nothing was created beside the mount');
  t.same(fs.readdirSync(mount).sort(), mountBefore, 'no links or files were left in the mount');
});
