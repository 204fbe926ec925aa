import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import {
  CredentialsFileError,
  credentialsFile,
  credentialsFor,
  loadCredentials,
  normalizeRegistry,
  removeCredentials,
  saveCredentials,
} from '../../runtime/images/credentials/index.js';

async function home(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-creds-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('credentials round-trip through a Docker-format file, mode 0600', async (t) => {
  const file = credentialsFile(path.join(await home(t), 'nested'));
  t.same([...(await loadCredentials(file))], [], 'a missing file has no credentials');
  await saveCredentials(file, '127.0.0.1:5001', { username: 'skiff', password: 'pa:ss w0rd' });
  await saveCredentials(file, 'docker.io', { username: 'hub', password: 'h' });
  t.equal((await stat(file)).mode & 0o777, 0o600);
  t.equal((await stat(path.dirname(file))).mode & 0o777, 0o700);
  const json = JSON.parse(await readFile(file, 'utf8')) as {
    auths: Record<string, { auth: string }>;
  };
  t.same(Object.keys(json.auths).sort(), ['127.0.0.1:5001', 'https://index.docker.io/v1/']);
  t.equal(json.auths['127.0.0.1:5001']?.auth, Buffer.from('skiff:pa:ss w0rd').toString('base64'));
  const loaded = await loadCredentials(file);
  t.same(loaded.get('127.0.0.1:5001'), { username: 'skiff', password: 'pa:ss w0rd' });
  t.same(loaded.get('docker.io'), { username: 'hub', password: 'h' });
  t.same(await credentialsFor(file, 'index.docker.io'), { username: 'hub', password: 'h' });
  t.equal(await credentialsFor(file, 'elsewhere.example'), undefined);
});

t.test('writes are atomic: a new file renamed over the old, no temp left', async (t) => {
  const dir = await home(t);
  const file = credentialsFile(dir);
  await saveCredentials(file, 'a.example', { username: 'u', password: '1' });
  const before = (await stat(file)).ino;
  await saveCredentials(file, 'a.example', { username: 'u', password: '2' });
  t.not((await stat(file)).ino, before, 'replaced by rename, not rewritten in place');
  t.same(await readdir(dir), ['config.json']);
  t.same((await loadCredentials(file)).get('a.example'), { username: 'u', password: '2' });
});

t.test("other tools' fields and entries survive; keys are normalised", async (t) => {
  const file = credentialsFile(await home(t));
  await writeFile(
    file,
    JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('old:pw').toString('base64') },
        'http://127.0.0.1:5000/v2/': { username: 'plain', password: 'fields' },
        'ghcr.io': { identitytoken: 'opaque' },
      },
      credsStore: 'desktop',
      HttpHeaders: { 'X-Meta': 'kept' },
    }),
    { mode: 0o644 },
  );
  const loaded = await loadCredentials(file);
  t.same(loaded.get('docker.io'), { username: 'old', password: 'pw' });
  t.same(loaded.get('127.0.0.1:5000'), { username: 'plain', password: 'fields' });
  t.notOk(loaded.has('ghcr.io'), 'identity tokens are not supported; skipped');

  await saveCredentials(file, 'docker.io', { username: 'new', password: 'pw2' });
  t.equal((await stat(file)).mode & 0o777, 0o600, 'a wider mode is narrowed on rewrite');
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  t.equal(json.credsStore, 'desktop');
  t.same(json.HttpHeaders, { 'X-Meta': 'kept' });
  t.same((await loadCredentials(file)).get('docker.io'), { username: 'new', password: 'pw2' });

  t.equal(
    await removeCredentials(file, '127.0.0.1:5000'),
    true,
    'removed under its URL-shaped key',
  );
  t.equal(await removeCredentials(file, '127.0.0.1:5000'), false);
  const after = await loadCredentials(file);
  t.notOk(after.has('127.0.0.1:5000'));
  t.ok(after.has('docker.io'));
});

t.test('registry names normalise as Docker keys do', async (t) => {
  t.equal(normalizeRegistry('https://index.docker.io/v1/'), 'docker.io');
  t.equal(normalizeRegistry('registry-1.docker.io'), 'docker.io');
  t.equal(normalizeRegistry('http://127.0.0.1:5000/v2/'), '127.0.0.1:5000');
  t.equal(normalizeRegistry('Registry.Example:443'), 'registry.example:443');
});

t.test('a malformed file is reported, not overwritten', async (t) => {
  const file = credentialsFile(await home(t));
  await writeFile(file, '{"auths": ');
  await t.rejects(loadCredentials(file), CredentialsFileError);
  await t.rejects(
    saveCredentials(file, 'x.example', { username: 'u', password: 'p' }),
    CredentialsFileError,
  );
  t.equal(await readFile(file, 'utf8'), '{"auths": ');
  await t.rejects(
    saveCredentials(file, 'x.example', { username: 'a:b', password: 'p' }),
    /username/,
  );
});
