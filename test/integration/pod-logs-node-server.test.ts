// The node agent's HTTP API as kube-apiserver (or a curl with the node token)
// uses it: `GET /containerLogs/{namespace}/{pod}/{container}` over HTTPS, the
// kubelet's answers for bad tokens, unknown pods and containers and bad
// queries, and follows streamed chunk by chunk until the run ends or the
// client goes away.

import t from 'tap';
import { fetch } from 'undici';
import type { TestNodeAgent } from '../helpers/pod-logs.js';
import { startTestNodeAgent } from '../helpers/pod-logs.js';

const TOKEN = 'node-token-0123456789abcdefghij';
const ref = { namespace: 'default', pod: 'web', podUid: 'uid-web', container: 'main' };

function get(
  node: TestNodeAgent,
  path: string,
  token: string | null = TOKEN,
  signal?: AbortSignal,
) {
  return fetch(`${node.listener.url}${path}`, {
    dispatcher: node.dispatcher,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(signal ? { signal } : {}),
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const node = await startTestNodeAgent(t, { token: TOKEN });
node.pods.set('default/web', { uid: 'uid-web', containers: ['main', 'sidecar'] });
const first = node.store.open(ref, 0);
first.write({ stream: 'stdout', data: Buffer.from('run 0\n'), time: new Date() });
await first.close();
const writer = node.store.open(ref, 1);
for (const text of ['one\n', 'two\n', 'three\n']) {
  writer.write({
    stream: 'stdout',
    data: Buffer.from(text),
    time: new Date('2024-05-01T10:00:00Z'),
  });
}

t.test('over HTTPS with the node token: the log as kubectl shows it', async (t) => {
  t.match(node.listener.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const whole = await get(node, '/containerLogs/default/web/main');
  t.equal(whole.status, 200);
  t.match(whole.headers.get('content-type'), /^text\/plain/);
  t.equal(await whole.text(), 'one\ntwo\nthree\n');
  const tail = await get(node, '/containerLogs/default/web/main?tailLines=1&timestamps=true');
  t.equal(await tail.text(), '2024-05-01T10:00:00.000000000Z three\n');
  const old = await get(node, '/containerLogs/default/web/main?tail=2');
  t.equal(await old.text(), 'two\nthree\n', 'the old `tail` parameter still works');
  const previous = await get(node, '/containerLogs/default/web/main?previous=true');
  t.equal(await previous.text(), 'run 0\n');
  const limited = await get(node, '/containerLogs/default/web/main?limitBytes=5');
  t.equal(await limited.text(), 'one\nt');
});

t.test("the kubelet's answers to what it cannot serve", async (t) => {
  const cases: [string, string | null, number, string][] = [
    ['/containerLogs/default/web/main', null, 401, 'Unauthorized'],
    ['/containerLogs/default/web/main', 'wrong-token', 401, 'Unauthorized'],
    ['/containerLogs/default/nope/main', TOKEN, 404, 'pod "nope" does not exist'],
    ['/containerLogs/other/web/main', TOKEN, 404, 'pod "web" does not exist'],
    ['/containerLogs/default/web/db', TOKEN, 404, 'container "db" not found in pod "web"'],
    [
      '/containerLogs/default/web/sidecar',
      TOKEN,
      400,
      'container "sidecar" in pod "web" is waiting to start - no logs yet',
    ],
    [
      '/containerLogs/default/web/main?tailLines=x',
      TOKEN,
      400,
      '{"message": "Unable to decode query."}',
    ],
    ['/containerLogs/default/web/main?tailLines=-1', TOKEN, 422, '{"message": "Invalid request."}'],
    [
      '/containerLogs/default/web/main?sinceSeconds=5&sinceTime=2024-05-01T10:00:00Z',
      TOKEN,
      422,
      '{"message": "Invalid request."}',
    ],
    ['/stats/summary', TOKEN, 404, '404 page not found'],
    ['/containerLogs/default/web', TOKEN, 404, '404 page not found'],
    ['/containerLogs/default/web/main/extra', TOKEN, 404, '404 page not found'],
    ['/containerLogs/default/%E0%A4%A/main', TOKEN, 404, '404 page not found'],
  ];
  for (const [path, token, status, message] of cases) {
    const response = await get(node, path, token);
    t.equal(response.status, status, `${path} (${token === TOKEN ? 'token' : token}): ${status}`);
    t.equal(await response.text(), message);
  }
  const encoded = await get(node, '/containerLogs/default/w%65b/main');
  t.equal(await encoded.text(), 'one\ntwo\nthree\n', 'path segments are URL-decoded');
  const posted = await fetch(`${node.listener.url}/containerLogs/default/web/main`, {
    dispatcher: node.dispatcher,
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  t.equal(posted.status, 405, 'a known path with another method');
  t.equal(await posted.text(), 'Method Not Allowed');
  const previousOfFirst = node.store.open({ ...ref, container: 'sidecar' }, 0);
  await previousOfFirst.close();
  const previous = await get(node, '/containerLogs/default/web/sidecar?previous=1');
  t.equal(previous.status, 400);
  t.equal(await previous.text(), 'previous terminated container "sidecar" in pod "web" not found');
});

t.test('follow: chunked, line by line, until the run ends', async (t) => {
  const run = node.store.open({ ...ref, container: 'sidecar' }, 1);
  const response = await get(node, '/containerLogs/default/web/sidecar?follow=true');
  t.equal(response.status, 200, 'the answer comes before any output');
  t.equal(response.headers.get('transfer-encoding'), 'chunked');
  const reader = response.body!.getReader();
  run.write({ stream: 'stdout', data: Buffer.from('hello\n'), time: new Date() });
  const chunk = await reader.read();
  t.equal(Buffer.from(chunk.value ?? []).toString(), 'hello\n');
  run.write({ stream: 'stderr', data: Buffer.from('bye\n'), time: new Date() });
  await run.close();
  let rest = '';
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    rest += Buffer.from(next.value).toString();
  }
  t.equal(rest, 'bye\n', 'the stream ends when the run does');
  await waitFor(() => node.store.activeReads() === 0);
});

t.test('a client that goes away leaves no follower behind', async (t) => {
  const abort = new AbortController();
  const response = await get(
    node,
    '/containerLogs/default/web/main?follow=1&tailLines=0',
    TOKEN,
    abort.signal,
  );
  t.equal(response.status, 200);
  await waitFor(() => node.store.activeReads() === 1);
  abort.abort();
  await waitFor(() => node.store.activeReads() === 0);
  t.pass('the follow ended with the connection');
});

t.test('closing the server ends the follows', async (t) => {
  // Reads of earlier tests end just after their answers do.
  await waitFor(() => node.store.activeReads() === 0);
  const response = await get(node, '/containerLogs/default/web/main?follow=1');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  // Closed once the log so far has arrived: the follow is then waiting for more.
  while (!text.endsWith('three\n')) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  await node.close();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    text += decoder.decode(chunk.value, { stream: true });
  t.equal(text, 'one\ntwo\nthree\n', 'the follow ended');
  t.equal(node.store.activeReads(), 0);
  await writer.close();
});
