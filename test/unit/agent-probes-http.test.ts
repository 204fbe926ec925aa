// httpGet probes against a plain Node http.Server listening in a VirtualPodNetwork:
// the outcomes and the kubelet's messages, what the server sees of the request,
// the timeout, refused connections, named ports and HTTPS.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import t from 'tap';
import type { Probe } from '../../controlplane/api/generated/index.js';
import type { NamedPort, ProbeTarget } from '../../runtime/agent/probes/index.js';
import { probeOnce } from '../../runtime/agent/probes/index.js';
import { VirtualPodNetwork } from '../../runtime/index.js';

const POD_IP = '10.244.0.5';

/** What the server saw of one request. */
interface Seen {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
}

/** A pod whose container is `server`, listening on `port` of the pod's namespace. */
function podServing(
  t: Test,
  handler: RequestListener,
  options: { port?: number; ports?: NamedPort[]; podIP?: string; server?: http.Server } = {},
): { target: ProbeTarget; seen: Seen[] } {
  const podIP = options.podIP ?? POD_IP;
  const network = new VirtualPodNetwork(podIP);
  const seen: Seen[] = [];
  const server = options.server ?? http.createServer();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push({
      method: req.method,
      url: req.url,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
    });
    handler(req, res);
  });
  const binding = network.listen(options.port ?? 8080, (socket) =>
    server.emit('connection', socket),
  );
  t.teardown(() => {
    binding.close();
    server.closeAllConnections();
  });
  return {
    seen,
    target: {
      podIP,
      network,
      ports: options.ports ?? [],
      exec: () => Promise.reject(new Error('no exec in these tests')),
    },
  };
}

const answer =
  (status: number, body = '', headers: Record<string, string> = {}): RequestListener =>
  (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };

const httpGet = (
  port: number | string,
  extra: Partial<NonNullable<Probe['httpGet']>> = {},
): Probe => ({
  httpGet: { port, ...extra },
});

t.test('200 is a success; the request is the kubelet’s', async (t) => {
  const { target, seen } = podServing(t, answer(200, 'ok'));
  t.same(await probeOnce(httpGet(8080, { path: '/healthz' }), target), { success: true });
  t.equal(seen.length, 1);
  t.equal(seen[0]?.method, 'GET');
  t.equal(seen[0]?.url, '/healthz');
  t.match(seen[0]?.headers, {
    host: '10.244.0.5:8080',
    'user-agent': 'kube-probe/1.32',
    accept: '*/*',
    connection: 'close',
  });
  t.notOk(seen[0]?.headers['accept-encoding'], 'no compression asked for');
});

t.test('the path defaults to / and keeps its query', async (t) => {
  const { target, seen } = podServing(t, answer(204));
  t.same(await probeOnce(httpGet(8080), target), { success: true });
  t.same(await probeOnce(httpGet(8080, { path: 'ready?verbose=1' }), target), { success: true });
  t.same(
    seen.map((request) => request.url),
    ['/', '/ready?verbose=1'],
  );
});

t.test('a redirect is a success with a warning and is not followed', async (t) => {
  const { target, seen } = podServing(t, answer(302, '', { location: '/login' }));
  t.same(await probeOnce(httpGet(8080, { path: '/healthz' }), target), {
    success: true,
    warning: true,
    message: 'Probe terminated redirects, Response status code: 302',
  });
  t.equal(seen.length, 1, 'only the probed path was requested');
});

t.test('4xx and 5xx fail with the status code, never the body', async (t) => {
  const notFound = podServing(t, answer(404, 'no such page'));
  t.same(await probeOnce(httpGet(8080), notFound.target), {
    success: false,
    message: 'HTTP probe failed with statuscode: 404',
  });
  const broken = podServing(t, answer(500, 'stack trace with secrets'));
  t.same(await probeOnce(httpGet(8080), broken.target), {
    success: false,
    message: 'HTTP probe failed with statuscode: 500',
  });
});

t.test('a server that does not answer in timeoutSeconds fails the probe then', async (t) => {
  const { target } = podServing(t, () => undefined);
  const started = performance.now();
  const result = await probeOnce(httpGet(8080, { path: '/slow' }), target);
  const elapsed = performance.now() - started;
  t.same(result, {
    success: false,
    message:
      'Get "http://10.244.0.5:8080/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
  });
  t.ok(
    elapsed >= 990 && elapsed < 1900,
    `the default timeout is 1 s (took ${Math.round(elapsed)} ms)`,
  );

  const longer = performance.now();
  await probeOnce({ ...httpGet(8080), timeoutSeconds: 2 }, target);
  t.ok(performance.now() - longer >= 1990, 'timeoutSeconds is honoured');
});

t.test('a body that stops coming times out while reading it', async (t) => {
  const { target } = podServing(t, (_req, res) => {
    res.writeHead(200);
    res.write('partial');
  });
  t.same(await probeOnce(httpGet(8080), target), {
    success: false,
    message:
      'context deadline exceeded (Client.Timeout or context cancellation while reading body)',
  });
});

t.test('a large body is read up to 10 KiB and the probe does not wait for the rest', async (t) => {
  const { target } = podServing(t, (_req, res) => {
    res.writeHead(200);
    res.write(Buffer.alloc(64 * 1024, 'x'));
    // The response never ends: only the cap lets the probe conclude.
  });
  const started = performance.now();
  t.same(await probeOnce(httpGet(8080), target), { success: true });
  t.ok(performance.now() - started < 500, 'concluded before the timeout');
});

t.test('nothing listening on the port: connection refused', async (t) => {
  const { target } = podServing(t, answer(200), { port: 9000 });
  t.same(await probeOnce(httpGet(8080, { path: '/healthz' }), target), {
    success: false,
    message:
      'Get "http://10.244.0.5:8080/healthz": dial tcp 10.244.0.5:8080: connect: connection refused',
  });
});

t.test('a server that hangs up without answering: EOF', async (t) => {
  const { target } = podServing(t, (req) => req.socket.destroy());
  t.same(await probeOnce(httpGet(8080), target), {
    success: false,
    message: 'Get "http://10.244.0.5:8080/": EOF',
  });
});

t.test('a named port is looked up in the container’s ports', async (t) => {
  const { target } = podServing(t, answer(200), {
    port: 8081,
    ports: [
      { name: 'metrics', containerPort: 9090 },
      { name: 'http', containerPort: 8081 },
    ],
  });
  t.same(await probeOnce(httpGet('http'), target), { success: true });
  t.same(await probeOnce(httpGet('8081'), target), { success: true }, 'a number as a string');
  t.same(await probeOnce(httpGet('admin'), target), {
    success: false,
    message: 'port admin not found',
  });
  t.same(await probeOnce(httpGet(70000), target), {
    success: false,
    message: 'invalid port number: 70000',
  });
});

t.test('httpHeaders are sent; Host, User-Agent and Accept can be overridden', async (t) => {
  const { target, seen } = podServing(t, answer(200));
  await probeOnce(
    httpGet(8080, {
      httpHeaders: [
        { name: 'Host', value: 'kubia.example.com' },
        { name: 'X-Probe', value: 'one' },
        { name: 'x-probe', value: 'two' },
        { name: 'user-agent', value: 'my-checker/2' },
        { name: 'Accept', value: 'application/json' },
      ],
    }),
    target,
  );
  t.match(seen[0]?.headers, {
    host: 'kubia.example.com',
    'x-probe': 'one, two',
    'user-agent': 'my-checker/2',
    accept: 'application/json',
  });
  t.equal(
    seen[0]?.rawHeaders.filter((name) => name.toLowerCase() === 'host').length,
    1,
    'one Host header',
  );

  await probeOnce(httpGet(8080, { httpHeaders: [{ name: 'Accept', value: '' }] }), target);
  t.notOk(seen[1]?.headers.accept, 'an empty Accept removes the header');
});

t.test('an IPv6 pod IP is bracketed in Host and messages', async (t) => {
  const { target, seen } = podServing(t, answer(500), { podIP: 'fd00::5' });
  t.same(await probeOnce(httpGet(8080), target), {
    success: false,
    message: 'HTTP probe failed with statuscode: 500',
  });
  t.equal(seen[0]?.headers.host, '[fd00::5]:8080');
  t.match(await probeOnce(httpGet(8081), target), {
    message: 'Get "http://[fd00::5]:8081/": dial tcp [fd00::5]:8081: connect: connection refused',
  });
});

t.test('HTTPS probes talk TLS and skip certificate verification', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-probe-tls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=kubia',
      '-days',
      '1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const server = https.createServer({
    key: await readFile(path.join(dir, 'key.pem')),
    cert: await readFile(path.join(dir, 'cert.pem')),
  });
  const { target, seen } = podServing(t, answer(200), { port: 8443, server });
  t.same(await probeOnce(httpGet(8443, { scheme: 'HTTPS', path: '/secure' }), target), {
    success: true,
  });
  t.equal(seen[0]?.url, '/secure');

  t.same(await probeOnce(httpGet(8443, { scheme: 'HTTP' }), target), {
    success: false,
    message: 'Get "http://10.244.0.5:8443/": EOF',
  });
  const plain = podServing(t, answer(200));
  t.same(await probeOnce(httpGet(8080, { scheme: 'HTTPS' }), plain.target), {
    success: false,
    message: 'Get "https://10.244.0.5:8080/": http: server gave HTTP response to HTTPS client',
  });
});

t.test('grpc probes and probes without a handler fail', async (t) => {
  const { target } = podServing(t, answer(200));
  t.same(await probeOnce({ grpc: { port: 8080 } }, target), {
    success: false,
    message: 'grpc probes are not supported by Skiff',
  });
  t.same(await probeOnce({}, target), { success: false, message: 'missing probe handler' });
});

t.test('an aborted signal rejects with its reason', async (t) => {
  const { target } = podServing(t, () => undefined);
  const controller = new AbortController();
  const pending = probeOnce(httpGet(8080), target, controller.signal);
  setTimeout(() => controller.abort(new Error('stopped')), 50);
  await t.rejects(pending, { message: 'stopped' });
  await t.rejects(probeOnce(httpGet(8080), target, AbortSignal.abort(new Error('before'))), {
    message: 'before',
  });
});
