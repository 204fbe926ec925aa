// The committed WASI test guests are what their sources build to: a rebuild
// with test/fixtures/wasi/build.sh must give the same bytes.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { repoRoot } from '../helpers/paths.js';

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'wasi');

t.test('test/fixtures/wasi/*.wasm match a rebuild of their sources', async (t) => {
  const clang = spawnSync('clang', ['--version']);
  if (clang.status !== 0) {
    t.comment('clang is not installed: the committed fixtures are used as they are');
    return;
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-wasi-fixtures-'));
  t.teardown(() => fs.rmSync(out, { recursive: true, force: true }));
  const build = spawnSync('bash', [path.join(FIXTURES, 'build.sh'), out], { encoding: 'utf8' });
  t.equal(build.status, 0, build.stderr);
  const sources = fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.c'));
  t.ok(sources.length >= 4, 'all guests are there');
  for (const source of sources) {
    const name = source.replace(/\.c$/, '.wasm');
    const committed = fs.readFileSync(path.join(FIXTURES, name));
    const rebuilt = fs.readFileSync(path.join(out, name));
    t.ok(committed.equals(rebuilt), `${name} is up to date (run test/fixtures/wasi/build.sh)`);
  }
});
