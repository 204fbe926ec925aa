// HTTP containers: wasi:http components and WAGI core modules, served through
// the pod's network namespace and a published port on 127.0.0.1.

import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { ContainerHandle, PodSandbox, ResolvedImage } from '../../runtime/index.js';
import { RuntimeError, WasmRuntime, publishPort } from '../../runtime/index.js';
import { busybox, kubia } from '../helpers/images.js';
import { collect, eventually, specFor, testSandbox } from '../helpers/runtime.js';

const runtime = new WasmRuntime({
  cacheDir: await mkdtemp(path.join(os.tmpdir(), 'skiff-cache-')),
});
t.teardown(() => runtime.close());
const kubiaImage = await kubia();
const busyboxImage = await busybox();

/** Starts a server container and publishes `port` on 127.0.0.1; returns its base URL. */
async function serve(
  t: Test,
  image: ResolvedImage,
  args: string[],
  options: { port?: number; sandbox?: PodSandbox; memoryLimitBytes?: number } = {},
): Promise<{ url: string; handle: ContainerHandle; sandbox: PodSandbox }> {
  const port = options.port ?? 8080;
  const sandbox = options.sandbox ?? testSandbox('web-0');
  const handle = await runtime.start(
    specFor(image, args, {
      ports: [{ containerPort: port, protocol: 'TCP' }],
      resources: options.memoryLimitBytes ? { memoryLimitBytes: options.memoryLimitBytes } : {},
    }),
    sandbox,
  );
  const published = await publishPort(sandbox.network, {
    hostIP: '127.0.0.1',
    hostPort: 0,
    containerPort: port,
  });
  t.teardown(async () => {
    await published.close();
    await handle.stop({ signal: 'SIGKILL' });
  });
  return { url: `http://127.0.0.1:${published.address().port}`, handle, sandbox };
}

t.test('kubia answers every request with its hostname', async (t) => {
  const { url, handle } = await serve(t, kubiaImage, []);
  const answers = await Promise.all(
    Array.from({ length: 20 }, () =>
      fetch(`${url}/`).then(async (r) => [r.status, await r.text()]),
    ),
  );
  for (const answer of answers) t.same(answer, [200, "You've hit web-0\n"]);
  t.ok(await eventually(() => handle.stats().instances === 0), 'an idle server holds no instance');
});

t.test('a server binds its port in the pod namespace: a second bind is EADDRINUSE', async (t) => {
  const { sandbox } = await serve(t, kubiaImage, []);
  t.ok(sandbox.network.isListening(8080));
  await t.rejects(
    runtime.start(
      specFor(kubiaImage, [], { ports: [{ containerPort: 8080, protocol: 'TCP' }] }),
      sandbox,
    ),
    {
      constructor: RuntimeError,
      message: /EADDRINUSE/,
    },
  );
});

t.test('a core module with ports is served the WAGI way', async (t) => {
  const { url } = await serve(t, busyboxImage, ['cgi']);
  const posted = await fetch(`${url}/orders/7?verbose=1`, { method: 'POST', body: 'one order' });
  t.equal(posted.status, 200);
  t.equal(posted.headers.get('content-type'), 'text/plain');
  t.equal(await posted.text(), "You've hit web-0\nPOST /orders/7?verbose=1\none order");
  const missing = await fetch(`${url}/status/404`);
  t.equal(missing.status, 404);
});

t.test('a WAGI module that prints no header block gets a 500', async (t) => {
  const { url } = await serve(t, busyboxImage, ['echo', 'not a CGI response']);
  const response = await fetch(`${url}/`);
  t.equal(response.status, 500);
  t.match(await response.text(), /invalid CGI response/);
});

t.test('a trapping request gets a 500 and the server carries on', async (t) => {
  const { url, handle } = await serve(t, busyboxImage, ['stress', '--trap']);
  const response = await fetch(`${url}/`);
  t.equal(response.status, 500);
  t.notOk(
    await Promise.race([handle.wait(), new Promise((r) => setTimeout(r, 100))]),
    'still running',
  );
  const logs: string[] = [];
  for await (const chunk of handle.logs()) logs.push(new TextDecoder().decode(chunk.data));
  t.match(logs.join(''), /GET \/ failed: wasm trap: unreachable/);
});

t.test('a request past the memory limit OOMKills the container', async (t) => {
  const { url, handle } = await serve(t, busyboxImage, ['stress', '--grow-mib', '100'], {
    memoryLimitBytes: 32 * 1024 * 1024,
  });
  const response = await fetch(`${url}/`).catch(() => undefined);
  t.equal(response?.status ?? 500, 500);
  t.match(await handle.wait(), { exitCode: 137, reason: 'OOMKilled' });
});

t.test('a client that goes away ends its request’s guest', async (t) => {
  const { url, handle } = await serve(t, busyboxImage, ['stress', '--spin']);
  await t.rejects(fetch(`${url}/`, { signal: AbortSignal.timeout(300) }));
  t.ok(await eventually(() => handle.stats().instances === 0), 'no guest left spinning');
});

t.test('stop is graceful: in-flight requests finish, then the server exits 0', async (t) => {
  const slow = [
    'stress',
    '--sleep',
    '0.5',
    '--stdout',
    'Content-Type: text/plain',
    '--stdout',
    '',
    '--stdout',
    'slow',
  ];
  const { url, handle } = await serve(t, busyboxImage, slow);
  const inFlight = fetch(`${url}/`).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 150));
  const stopped = handle.stop({ signal: 'SIGTERM', graceMs: 5000 });
  t.equal(await inFlight, 'slow\n', 'the in-flight request completed');
  t.match(await stopped, { exitCode: 0, reason: 'Completed', signal: 'SIGTERM' });
  await t.rejects(fetch(`${url}/`), 'no new connections after the stop');
});

t.test('a stop whose grace runs out kills what is left (137)', async (t) => {
  const { url, handle } = await serve(t, busyboxImage, ['stress', '--spin']);
  void fetch(`${url}/`).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 150));
  const started = performance.now();
  t.match(await handle.stop({ graceMs: 200 }), { exitCode: 137, signal: 'SIGKILL' });
  t.ok(performance.now() - started < 1000);
});

t.test('kubia logs a line per request', async (t) => {
  const { url, handle } = await serve(t, kubiaImage, []);
  await (await fetch(`${url}/hello?x=1`)).text();
  await handle.stop();
  const { stdout } = await collect(handle);
  t.match(stdout, /GET \/hello\?x=1/);
});
