// The committed sample binaries and WASI test guests are what their sources build to.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { repoRoot } from '../helpers/paths.js';

const run = promisify(execFile);

const hasClang = await run('clang', ['--version']).then(
  () => true,
  () => false,
);
const skip = hasClang
  ? false
  : 'clang is not installed (apt-get install clang lld wasi-libc libclang-rt-dev-wasm32)';

t.test(
  'samples/build.sh --check: every committed sample matches its sources',
  { skip },
  async (t) => {
    const script = path.join(repoRoot, 'samples', 'build.sh');
    const { stdout } = await run('bash', [script, '--check'], { timeout: 120_000 });
    t.match(stdout, /all 3 outputs match their sources/);
  },
);

t.test('test/fixtures/wasi: the WASI test guests match their sources', { skip }, async (t) => {
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'wasi');
  const out = await mkdtemp(path.join(os.tmpdir(), 'skiff-fixtures-'));
  t.teardown(() => rm(out, { recursive: true, force: true }));
  await run('bash', [path.join(fixtures, 'build.sh'), out], { timeout: 120_000 });
  const built = (await readdir(out)).filter((name) => name.endsWith('.wasm'));
  t.ok(built.length >= 4);
  for (const name of built) {
    const fresh = await readFile(path.join(out, name));
    t.same(fresh, await readFile(path.join(fixtures, name)), `${name} is up to date`);
  }
});
