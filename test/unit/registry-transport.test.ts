// The client's HTTP behaviour against scripted servers on 127.0.0.1: retries,
// Retry-After, timeouts, redirects, network failures, scheme choice.
import type { ServerResponse } from 'node:http';
import t from 'tap';
import type { Test } from 'tap';
import { RegistryError, registryClient } from '../../runtime/images/distribution/index.js';
import { freePort } from '../helpers/free-port.js';
import { startServer, type TestServer } from '../integration/registry-client-servers.js';

const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${'a'.repeat(64)}`,
      size: 2,
    },
    layers: [],
  }),
);
const fast = { baseDelayMs: 10, maxDelayMs: 50 };

function serveManifest(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
  response.end(MANIFEST);
}

async function server(t: Test, handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const started = await startServer(handler);
  t.teardown(() => started.close());
  return started;
}

t.test('503 twice, then success: retried with backoff', async (t) => {
  let calls = 0;
  const fake = await server(t, (_request, response) => {
    if (++calls <= 2) {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end('{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}');
      return;
    }
    serveManifest(response);
  });
  const pulled = await registryClient(fake.address, { retry: fast }).getManifest('team/app', 'v1');
  t.equal(pulled.bytes.toString(), MANIFEST.toString());
  t.equal(fake.requests.length, 3);
});

t.test('429 with Retry-After: waits as asked', async (t) => {
  let calls = 0;
  const fake = await server(t, (_request, response) => {
    if (++calls === 1) {
      response.writeHead(429, { 'retry-after': '1' });
      response.end();
      return;
    }
    serveManifest(response);
  });
  const started = Date.now();
  await registryClient(fake.address, { retry: fast }).getManifest('team/app', 'v1');
  t.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
  t.equal(fake.requests.length, 2);
});

t.test('4xx is final; 5xx gives up after the attempts, with the status', async (t) => {
  const missing = await server(t, (_request, response) => {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(
      '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}}]}',
    );
  });
  const error = await registryClient(missing.address, { retry: fast })
    .getManifest('team/app', 'v9')
    .catch((e: unknown) => e);
  t.type(error, RegistryError);
  t.match(error, {
    status: 404,
    failure: 'http',
    codes: ['MANIFEST_UNKNOWN'],
    message: `${missing.address}/team/app: pull manifest v9: 404 manifest unknown`,
  });
  t.equal(missing.requests.length, 1, 'not retried');

  const broken = await server(t, (_request, response) => {
    response.writeHead(500);
    response.end('oops');
  });
  const failing = registryClient(broken.address, { retry: { ...fast, attempts: 3 } });
  await t.rejects(failing.getManifest('team/app', 'v1'), {
    name: 'RegistryError',
    status: 500,
    message: `${broken.address}/team/app: pull manifest v1: 500 internal server error`,
  });
  t.equal(broken.requests.length, 3);
});

t.test('connection refused: a clear network error, after retries', async (t) => {
  const address = `127.0.0.1:${await freePort()}`;
  const client = registryClient(address, { retry: { ...fast, attempts: 2 } });
  await t.rejects(client.getManifest('team/app', 'v1'), {
    name: 'RegistryError',
    failure: 'network',
    network: 'connection-refused',
    status: undefined,
    message: `${address}/team/app: pull manifest v1: cannot connect to ${address}: connection refused (is the registry running?)`,
  });
});

t.test('timeouts: no headers, or a body that stalls', async (t) => {
  const silent = await server(t, () => undefined);
  const client = registryClient(silent.address, { timeoutMs: 200, retry: { attempts: 1 } });
  await t.rejects(client.getManifest('team/app', 'v1'), {
    failure: 'network',
    network: 'timeout',
    message: new RegExp(
      `^${silent.address}/team/app: pull manifest v1: no response from ${silent.address}`,
    ),
  });

  const digest = `sha256:${'b'.repeat(64)}`;
  const stalling = await server(t, (_request, response) => {
    response.writeHead(200, { 'content-length': '100' });
    response.write(Buffer.alloc(10));
  });
  const blob = await registryClient(stalling.address, { timeoutMs: 200 }).getBlob('team/app', {
    digest,
    size: 100,
  });
  const reading = (async () => {
    for await (const chunk of blob) void chunk;
  })();
  await t.rejects(reading, { name: 'RegistryError', network: 'timeout' });
});

t.test('redirects are followed; credentials stay with the registry', async (t) => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const storage = await server(t, (_request, response) => {
    response.writeHead(200, { 'content-length': '5' });
    response.end('bytes');
  });
  const registry = await server(t, (request, response) => {
    if (!request.headers.authorization) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' });
      response.end();
      return;
    }
    if (request.url === `/v2/team/app/blobs/${digest}`) {
      response.writeHead(307, { location: `/storage/${digest}` });
      response.end();
      return;
    }
    response.writeHead(307, { location: `http://${storage.address}/signed?x=1` });
    response.end();
  });
  const client = registryClient(registry.address, {
    credentials: { username: 'u', password: 'p' },
  });
  const body = await client.getBlob('team/app', { digest, size: 5 });
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  t.equal(Buffer.concat(chunks).toString(), 'bytes');
  t.same(
    registry.requests.map((r) => [r.url, Boolean(r.headers.authorization)]),
    [
      [`/v2/team/app/blobs/${digest}`, false],
      [`/v2/team/app/blobs/${digest}`, true],
      [`/storage/${digest}`, true],
    ],
    'same origin: Authorization kept',
  );
  t.same(
    storage.requests.map((r) => [r.url, r.headers.authorization]),
    [['/signed?x=1', undefined]],
    'another origin: no Authorization',
  );
});

t.test('plain HTTP only for local and insecure registries', async (t) => {
  t.equal(registryClient('127.0.0.1:5000').baseUrl.href, 'http://127.0.0.1:5000/');
  t.equal(registryClient('localhost:5000').baseUrl.href, 'http://localhost:5000/');
  t.equal(registryClient('[::1]:5000').baseUrl.href, 'http://[::1]:5000/');
  t.equal(registryClient('registry.example').baseUrl.href, 'https://registry.example/');
  t.equal(
    registryClient('registry.example', { insecure: ['registry.example'] }).baseUrl.protocol,
    'http:',
  );
  t.equal(
    registryClient('registry.example', { insecure: ['other.example'] }).baseUrl.protocol,
    'https:',
  );
  t.equal(registryClient('registry.example:8443', { insecure: true }).baseUrl.protocol, 'http:');
  t.equal(registryClient('docker.io').baseUrl.href, 'https://registry-1.docker.io/');
});

t.test('names that would not make a safe path are refused before any request', async (t) => {
  const client = registryClient('127.0.0.1:1');
  await t.rejects(client.getManifest('../etc', 'v1'), {
    failure: 'protocol',
    message: /invalid repository name/,
  });
  await t.rejects(client.getManifest('team/app', 'v1/../../x'), {
    message: /invalid tag or digest/,
  });
});

t.test("cancellation: the caller's reason, not retried", async (t) => {
  const silent = await server(t, () => undefined);
  const controller = new AbortController();
  const reason = new Error('pod deleted');
  const pulling = registryClient(silent.address).getManifest('team/app', 'v1', {
    signal: controller.signal,
  });
  setTimeout(() => controller.abort(reason), 50);
  await t.rejects(pulling, reason);
});
