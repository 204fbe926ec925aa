// `skiff node join`'s serving certificate: made once (in a child process),
// kept in the data dir with a private key only its owner reads, reused on the
// next start, and made again when it no longer fits the agent's names or its
// key does not match it.

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { agentServingCertificate } from '../../sdk/cli/agent-certificate.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-agent-cert-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const pki = path.join(dir, 'pki');

t.test('made once, saved, reused', async (t) => {
  const first = await agentServingCertificate(pki, 'worker-1', [
    '127.0.0.1',
    'localhost',
    'worker-1',
  ]);
  const leaf = new X509Certificate(first.cert);
  t.match(leaf.subject, /CN=worker-1/);
  t.ok(leaf.checkIP('127.0.0.1'), 'valid for the listen address');
  t.ok(leaf.checkHost('worker-1'), 'and the node name');
  t.equal(await readFile(path.join(pki, 'agent.crt'), 'utf8'), first.cert);
  t.equal(
    (await stat(path.join(pki, 'agent.key'))).mode & 0o777,
    0o600,
    'key readable by its owner only',
  );
  const again = await agentServingCertificate(pki, 'worker-1', ['127.0.0.1', 'worker-1']);
  t.same(again, first, 'the saved pair is reused');
});

t.test('made again for a name it does not cover, or a key that does not match', async (t) => {
  const before = await readFile(path.join(pki, 'agent.crt'), 'utf8');
  const renamed = await agentServingCertificate(pki, 'worker-1', ['10.0.0.7', 'worker-1']);
  t.not(renamed.cert, before);
  t.ok(new X509Certificate(renamed.cert).checkIP('10.0.0.7'));

  const other = await agentServingCertificate(path.join(dir, 'other'), 'x', ['x']);
  await writeFile(path.join(pki, 'agent.key'), other.key);
  const repaired = await agentServingCertificate(pki, 'worker-1', ['10.0.0.7']);
  t.not(repaired.cert, renamed.cert, 'a certificate without its key is replaced');
  t.equal(await readFile(path.join(pki, 'agent.key'), 'utf8'), repaired.key);
});
