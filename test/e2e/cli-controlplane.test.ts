// `skiff controlplane` as an operator runs it: what it leaves in its data
// directory, who it lets in, what a restart keeps, and how it refuses to start.

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { fetch } from 'undici';
import { skiff } from '../helpers/cli.js';
import { startControlPlane } from '../helpers/controlplane.js';

// A data directory of the test's own: it outlives the first server.
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-cp-restart-'));
const first = await startControlPlane({ dataDir });
t.teardown(async () => {
  await first.stop();
  await rm(dataDir, { recursive: true, force: true });
});

t.test('the data directory holds the state, the credentials and a kubeconfig', async (t) => {
  for (const file of [
    'admin-token',
    'node-token',
    'pki/ca.key',
    'pki/server.key',
    'kubeconfig.yaml',
  ]) {
    const info = await stat(path.join(first.dataDir, file));
    t.equal(info.mode & 0o777, 0o600, `${file} is readable by its owner only`);
  }
  t.ok((await stat(path.join(first.dataDir, 'state'))).isDirectory(), 'the LMDB store');
  t.match(first.server, /^https:\/\/127\.0\.0\.1:\d+$/, 'HTTPS on 127.0.0.1');
});

t.test('only the admin and node tokens are let in; health is public', async (t) => {
  const anonymous = await fetch(`${first.server}/api/v1/namespaces`, {
    dispatcher: first.dispatcher,
  });
  t.equal(anonymous.status, 401);
  t.match(await anonymous.json(), { kind: 'Status', reason: 'Unauthorized', code: 401 });
  const wrong = await first.request('GET', '/api/v1/namespaces', undefined, {
    authorization: 'Bearer not-a-token-0123456789',
  });
  t.equal(wrong.status, 401);
  const nodeToken = (await readFile(path.join(first.dataDir, 'node-token'), 'utf8')).trim();
  const asNode = await first.request('GET', '/api/v1/nodes', undefined, {
    authorization: `Bearer ${nodeToken}`,
  });
  t.equal(asNode.status, 200, 'the node-join token is accepted');
  const health = await fetch(`${first.server}/readyz`, { dispatcher: first.dispatcher });
  t.equal(await health.text(), 'ok');
});

t.test('the kubernetes Service points at the API, as in every Kubernetes cluster', async (t) => {
  const port = Number(new URL(first.server).port);
  const service = (await (
    await first.request('GET', '/api/v1/namespaces/default/services/kubernetes')
  ).json()) as {
    spec: { clusterIP: string; ports: { name: string; port: number; targetPort: number }[] };
  };
  t.equal(service.spec.clusterIP, '10.96.0.1');
  t.match(service.spec.ports, [{ name: 'https', port: 443, targetPort: port }]);
  const endpoints = (await (
    await first.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes')
  ).json()) as {
    subsets: { addresses: { ip: string }[]; ports: { port: number }[] }[];
  };
  t.match(endpoints.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port }] }]);
});

t.test('a second server on the same data directory is refused in one line', async (t) => {
  const second = await skiff([
    'controlplane',
    '--data-dir',
    first.dataDir,
    '--listen',
    '127.0.0.1:0',
  ]);
  t.equal(second.code, 1);
  t.match(
    second.stderr,
    /^skiff: cannot start the control plane: the store at .* is in use by process \d+/,
  );
  t.notMatch(second.stderr, /\n\s+at /, 'no stack trace');
  const badListen = await skiff([
    'controlplane',
    '--data-dir',
    first.dataDir,
    '--listen',
    'nowhere',
  ]);
  t.equal(badListen.code, 1);
  t.match(badListen.stderr, 'invalid --listen "nowhere"');
  const badStore = await skiff([
    'controlplane',
    '--data-dir',
    first.dataDir,
    '--listen',
    '127.0.0.1:0',
    '--store',
    'etcd',
  ]);
  t.equal(badStore.code, 1);
  t.match(badStore.stderr, 'invalid --store "etcd": expected one of lmdb, memory');
});

t.test('--store memory serves the same API and keeps nothing after exit', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-cp-memory-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const throwaway = await startControlPlane({ dataDir: dir, store: 'memory' });
  t.teardown(() => throwaway.stop());
  const created = await throwaway.request('POST', '/api/v1/namespaces/default/configmaps', {
    metadata: { name: 'scratch' },
    data: { a: 'b' },
  });
  t.equal(created.status, 201);
  const read = await throwaway.request('GET', '/api/v1/namespaces/default/configmaps/scratch');
  t.match(await read.json(), { data: { a: 'b' } });
  await t.rejects(stat(path.join(dir, 'state')), { code: 'ENOENT' }, 'no LMDB store on disk');
  await throwaway.stop('SIGTERM');

  const again = await startControlPlane({ dataDir: dir, store: 'memory' });
  t.teardown(() => again.stop());
  t.equal(again.token, throwaway.token, 'the credentials are kept: they live in the data dir');
  const gone = await again.request('GET', '/api/v1/namespaces/default/configmaps/scratch');
  t.equal(gone.status, 404, 'the objects are not');
  const defaults = await again.request('GET', '/api/v1/namespaces/kube-system');
  t.equal(defaults.status, 200, 'a fresh cluster: its bootstrap namespaces exist again');
});

t.test('a restart keeps the objects, the token and the CA', async (t) => {
  const created = await first.request('POST', '/api/v1/namespaces', { metadata: { name: 'kept' } });
  t.equal(created.status, 201);
  await first.stop('SIGTERM');
  const restarted = await startControlPlane({ dataDir: first.dataDir });
  t.teardown(() => restarted.stop());
  t.equal(restarted.token, first.token, 'the same admin token');
  t.equal(restarted.caCertificate, first.caCertificate, 'the same CA');
  const kept = await restarted.request('GET', '/api/v1/namespaces/kept');
  t.equal(kept.status, 200);
  const endpoints = (await (
    await restarted.request('GET', '/api/v1/namespaces/default/endpoints/kubernetes')
  ).json()) as {
    subsets: { ports: { port: number }[] }[];
  };
  t.equal(
    endpoints.subsets[0]?.ports[0]?.port,
    Number(new URL(restarted.server).port),
    'follows the new port',
  );
});
