// kill -9 of `skiff controlplane` while 16 clients create pods: after a restart
// on the same data directory, every create the server acknowledged (201) is
// there, and the server serves again.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startControlPlane, type TestControlPlane } from '../helpers/controlplane.js';

const CLIENTS = 16;
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-crash-'));
t.teardown(() => rm(dataDir, { recursive: true, force: true }));

function pod(name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { test: 'crash' } },
    spec: { containers: [{ name: 'c', image: '127.0.0.1:5000/kubia:v1' }] },
  };
}

/** Creates pods until the server stops answering; returns the names it acknowledged. */
async function writeUntilKilled(controlPlane: TestControlPlane, client: number): Promise<string[]> {
  const acknowledged: string[] = [];
  for (let i = 0; ; i++) {
    const name = `crash-${client}-${i}`;
    try {
      const response = await controlPlane.request(
        'POST',
        '/api/v1/namespaces/default/pods',
        pod(name),
      );
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`create ${name}: ${response.status}`);
      acknowledged.push(name);
    } catch (error) {
      // The server died under us: what it acknowledged so far is what must survive.
      if (error instanceof Error && /^create/.test(error.message)) throw error;
      return acknowledged;
    }
  }
}

t.test('acknowledged creates survive a kill -9 of the server', async (t) => {
  const first = await startControlPlane({ dataDir });
  const writers = Array.from({ length: CLIENTS }, (_, client) => writeUntilKilled(first, client));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await first.stop('SIGKILL');
  const acknowledged = (await Promise.all(writers)).flat();
  t.ok(acknowledged.length > 100, `${acknowledged.length} creates acknowledged before the kill`);

  const second = await startControlPlane({ dataDir });
  t.teardown(() => second.stop());
  const response = await second.request(
    'GET',
    '/api/v1/namespaces/default/pods?labelSelector=test%3Dcrash',
  );
  t.equal(response.status, 200);
  const list = (await response.json()) as { items: { metadata: { name: string } }[] };
  const stored = new Set(list.items.map((item) => item.metadata.name));
  const lost = acknowledged.filter((name) => !stored.has(name));
  t.same(lost, [], 'no acknowledged create is lost');
  t.ok(stored.size >= acknowledged.length, 'unacknowledged creates may or may not be there');

  const after = await second.request(
    'POST',
    '/api/v1/namespaces/default/pods',
    pod('after-restart'),
  );
  t.equal(after.status, 201, 'the restarted server accepts writes');
});
