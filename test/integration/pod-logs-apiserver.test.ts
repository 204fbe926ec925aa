// `GET pods/{name}/log` through the API server, as kubectl and client-go call
// it: the API server finds the pod's node and proxies to its agent with the
// node token, streams the log back (following as it grows), and answers what
// it cannot serve with Kubernetes' Status and messages.

import t from 'tap';
import type { Test } from 'tap';
import type { Pod } from '../../controlplane/api/generated/pod.js';
import type { Status } from '../../controlplane/api/types.js';
import type { TestNodeAgent } from '../helpers/pod-logs.js';
import { startTestNodeAgent } from '../helpers/pod-logs.js';
import type { TestServer } from './apiserver-support.js';
import { createOk, pod, podsPath, startApiServer, TEST_TOKEN } from './apiserver-support.js';

const NODE_TOKEN = 'the-node-token-0123456789abcdef';

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Creates `manifest`, binds it to `nodeName` (unless undefined) and tells the node it runs it. */
async function runPod(
  t: Test,
  server: TestServer,
  node: TestNodeAgent,
  manifest: Pod,
  nodeName: string | undefined,
): Promise<Pod> {
  const created = await createOk(t, server, podsPath(), manifest);
  const name = created.metadata.name ?? '';
  if (nodeName !== undefined) {
    const bound = await server.request(`${podsPath()}/${name}/binding`, {
      method: 'POST',
      json: {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name },
        target: { kind: 'Node', name: nodeName },
      },
    });
    if (bound.status !== 201) throw new Error(`binding ${name}: ${bound.status} ${bound.text}`);
  }
  const containers = [
    ...(manifest.spec?.initContainers ?? []),
    ...(manifest.spec?.containers ?? []),
  ];
  node.pods.set(`default/${name}`, {
    uid: created.metadata.uid ?? '',
    containers: containers.map((c) => c.name),
  });
  return created;
}

const node = await startTestNodeAgent(t, { token: NODE_TOKEN });
const server = await startApiServer(t, { server: { nodeAgents: { token: NODE_TOKEN } } });
await createOk(t, server, '/api/v1/nodes', node.node('node-1'));
const web = await runPod(t, server, node, pod('web'), 'node-1');
const ref = { namespace: 'default', pod: 'web', podUid: web.metadata.uid ?? '', container: 'main' };
const previousRun = node.store.open(ref, 0);
previousRun.write({ stream: 'stdout', data: Buffer.from('first run\n'), time: new Date() });
await previousRun.close();
const run = node.store.open(ref, 1);
run.write({
  stream: 'stdout',
  data: Buffer.from('hello\nworld\n'),
  time: new Date('2024-05-01T10:00:00Z'),
});

const logPath = (name: string, query = '') => `${podsPath()}/${name}/log${query}`;

t.test('the log of the pod, as the node has it', async (t) => {
  const reply = await server.request(logPath('web'));
  t.equal(reply.status, 200);
  t.equal(reply.headers.get('content-type'), 'text/plain');
  t.equal(reply.text, 'hello\nworld\n');
  t.equal((await server.request(logPath('web', '?container=main&tailLines=1'))).text, 'world\n');
  t.equal(
    (await server.request(logPath('web', '?timestamps=true&limitBytes=36'))).text,
    '2024-05-01T10:00:00.000000000Z hello',
  );
  t.equal((await server.request(logPath('web', '?previous=true'))).text, 'first run\n');
  t.equal(
    (await server.request(logPath('web', '?sinceTime=2030-01-01T00:00:00Z'))).text,
    '',
    'sinceTime reaches the node',
  );
});

t.test('follow streams what is written later and ends when the run ends', async (t) => {
  const follower = await startTestNodeAgent(t, { token: NODE_TOKEN });
  await createOk(t, server, '/api/v1/nodes', follower.node('node-2'));
  const tailed = await runPod(t, server, follower, pod('tailed'), 'node-2');
  const writer = follower.store.open(
    { namespace: 'default', pod: 'tailed', podUid: tailed.metadata.uid ?? '', container: 'main' },
    0,
  );
  writer.write({ stream: 'stdout', data: Buffer.from('before\n'), time: new Date() });
  const response = await fetch(`${server.url}${logPath('tailed', '?follow=true')}`, {
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
  });
  t.equal(response.status, 200);
  t.equal(response.headers.get('transfer-encoding'), 'chunked');
  const reader = response.body!.getReader();
  let seen = '';
  while (seen !== 'before\n') seen += Buffer.from((await reader.read()).value ?? []).toString();
  writer.write({ stream: 'stdout', data: Buffer.from('after\n'), time: new Date() });
  while (seen !== 'before\nafter\n')
    seen += Buffer.from((await reader.read()).value ?? []).toString();
  t.pass('a line written later arrives');
  await writer.close();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    seen += Buffer.from(next.value).toString();
  }
  t.equal(seen, 'before\nafter\n', 'the stream ends when the writer closes');

  // A follower that leaves ends the node's follow too.
  const second = follower.store.open(
    { namespace: 'default', pod: 'tailed', podUid: tailed.metadata.uid ?? '', container: 'main' },
    1,
  );
  const abort = new AbortController();
  const leaving = await fetch(`${server.url}${logPath('tailed', '?follow=1')}`, {
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
    signal: abort.signal,
  });
  t.equal(leaving.status, 200);
  await waitFor(() => follower.store.activeReads() === 1);
  abort.abort();
  await waitFor(() => follower.store.activeReads() === 0);
  t.pass('no follower left on the node');
  await second.close();
});

t.test("what cannot be served: Kubernetes' Status and messages", async (t) => {
  await runPod(t, server, node, pod('pending'), undefined);
  await runPod(
    t,
    server,
    node,
    {
      ...pod('two'),
      spec: {
        initContainers: [{ name: 'setup', image: 'registry.local/setup:v1' }],
        containers: [
          { name: 'a', image: 'registry.local/a:v1' },
          { name: 'b', image: 'registry.local/b:v1' },
        ],
      },
    },
    'node-1',
  );
  const ghost = await createOk(t, server, podsPath(), pod('ghost'));
  await server.request(`${podsPath()}/ghost/binding`, {
    method: 'POST',
    json: { apiVersion: 'v1', kind: 'Binding', target: { kind: 'Node', name: 'node-1' } },
  });
  t.ok(ghost.metadata.uid, 'a pod the node does not know of');
  await runPod(t, server, node, pod('lost'), 'node-gone');

  const cases: [string, number, string, string][] = [
    [logPath('nope'), 404, 'NotFound', 'pods "nope" not found'],
    [logPath('pending'), 400, 'BadRequest', 'pod pending does not have a host assigned'],
    [
      logPath('two'),
      400,
      'BadRequest',
      'a container name must be specified for pod two, choose one of: [setup a b]',
    ],
    [logPath('web', '?container=db'), 400, 'BadRequest', 'container db is not valid for pod web'],
    [
      logPath('two', '?container=b'),
      400,
      'BadRequest',
      'container "b" in pod "two" is waiting to start - no logs yet',
    ],
    [
      logPath('web', '?previous=true&container=main&tailLines=-1'),
      422,
      'Invalid',
      'PodLogOptions "web" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      logPath('web', '?sinceSeconds=0'),
      422,
      'Invalid',
      'PodLogOptions "web" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0',
    ],
    [
      logPath('web', '?limitBytes=x'),
      400,
      'BadRequest',
      'invalid value for limitBytes: "x" is not an integer',
    ],
    [
      logPath('ghost'),
      404,
      'NotFound',
      'the server could not find the requested resource ( pods/log ghost)',
    ],
    [logPath('lost'), 404, 'NotFound', 'nodes "node-gone" not found'],
  ];
  for (const [path, code, reason, message] of cases) {
    const reply = await server.request<Status>(path);
    t.equal(reply.status, code, `${path}: ${code}`);
    t.match(reply.body, { kind: 'Status', status: 'Failure', code, reason, message });
  }
  const post = await server.request<Status>(logPath('web'), { method: 'POST', json: {} });
  t.equal(post.status, 405);
});

t.test('the previous run of a container that ran once: BadRequest from the node', async (t) => {
  const once = await runPod(t, server, node, pod('once'), 'node-1');
  const writer = node.store.open(
    { namespace: 'default', pod: 'once', podUid: once.metadata.uid ?? '', container: 'main' },
    0,
  );
  await writer.close();
  const reply = await server.request<Status>(logPath('once', '?previous=true'));
  t.equal(reply.status, 400);
  t.match(reply.body, {
    reason: 'BadRequest',
    message: 'previous terminated container "main" in pod "once" not found',
  });
});

t.test('a node that refuses the API server: 401 passed on, as kube-apiserver does', async (t) => {
  const tokenless = await startApiServer(t);
  await createOk(t, tokenless, '/api/v1/nodes', node.node('node-1'));
  await createOk(t, tokenless, podsPath(), pod('web', { nodeName: 'node-1' }));
  const reply = await tokenless.request<Status>(logPath('web'));
  t.equal(reply.status, 401);
  t.match(reply.body, {
    reason: 'Unauthorized',
    message: 'the server has asked for the client to provide credentials ( pods/log web)',
  });
});

t.test('a node that does not answer: the connection error, as a 500', async (t) => {
  const down = await startTestNodeAgent(t, { token: NODE_TOKEN });
  await createOk(t, server, '/api/v1/nodes', down.node('node-down'));
  await runPod(t, server, down, pod('unreachable'), 'node-down');
  const port = down.listener.port;
  await down.close();
  const reply = await server.request<Status>(logPath('unreachable'));
  t.equal(reply.status, 500);
  t.equal(
    reply.body.message,
    `Get "https://127.0.0.1:${port}/containerLogs/default/unreachable/main": dial tcp 127.0.0.1:${port}: connect: connection refused`,
  );
  t.equal(
    reply.body.reason,
    undefined,
    'no reason, as kube-apiserver for errors that are not API errors',
  );
});

t.test('plain HTTP node agents when the API server is told so', async (t) => {
  const plain = await startTestNodeAgent(t, { token: NODE_TOKEN, tls: false });
  const api = await startApiServer(t, {
    server: { nodeAgents: { token: NODE_TOKEN, scheme: 'http' } },
  });
  await createOk(t, api, '/api/v1/nodes', plain.node('plain'));
  const created = await runPod(t, api, plain, pod('p'), 'plain');
  const writer = plain.store.open(
    { namespace: 'default', pod: 'p', podUid: created.metadata.uid ?? '', container: 'main' },
    0,
  );
  writer.write({ stream: 'stderr', data: Buffer.from('over http\n'), time: new Date() });
  await writer.close();
  t.equal((await api.request(logPath('p'))).text, 'over http\n');
});

t.test('teardown', async () => {
  await run.close();
});
