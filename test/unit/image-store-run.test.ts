// What the store resolves, the Wasm runtime runs: busybox from a wasi/wasm
// rootfs image and from a CNCF artifact, kubia (a wasi:http component) from an
// artifact, served through a published port.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { WasmRuntime, publishPort } from '../../runtime/index.js';
import { createImageStore } from '../../runtime/images/store/index.js';
import { ingest, rootfsImage, tarOf, wasmArtifact } from '../fixtures/images/image-builder.js';
import { busyboxWasm, kubiaWasm } from '../helpers/paths.js';
import { runToExit, specFor, testSandbox } from '../helpers/runtime.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-images-run-'));
const store = await createImageStore(root);
const runtime = new WasmRuntime({ cacheDir: path.join(root, 'cache') });
t.teardown(async () => {
  await runtime.close();
  await store.close();
  await rm(root, { recursive: true, force: true });
});
const busybox = await readFile(busyboxWasm);

t.test('busybox from a wasi/wasm rootfs image: echo, and the rootfs is its /', async (t) => {
  const image = await ingest(
    store,
    'example.com/busybox:rootfs',
    rootfsImage({
      layers: [
        await tarOf([{ name: 'busybox.wasm', content: busybox, mode: 0o755 }]),
        await tarOf([{ name: 'etc/motd', content: 'from the image\n' }]),
      ],
      entrypoint: ['/busybox.wasm'],
      cmd: ['echo', 'hi'],
      env: ['FROM_IMAGE=yes'],
    }),
  );
  const resolved = await store.resolve(image);
  const echo = await runToExit(runtime, {
    name: 'c',
    image: resolved,
    env: [],
    mounts: [],
    ports: [],
    resources: {},
  });
  t.equal(echo.stdout, 'hi\n', 'the image Cmd is the default argv');
  t.equal(echo.result.exitCode, 0);
  const cat = await runToExit(runtime, specFor(resolved, ['cat', '/etc/motd']));
  t.equal(cat.stdout, 'from the image\n', 'files of the upper layer are visible');
  const env = await runToExit(runtime, specFor(resolved, ['env']));
  t.match(env.stdout, /FROM_IMAGE=yes/);
});

t.test('busybox from a Wasm artifact', async (t) => {
  const image = await ingest(store, 'example.com/busybox:artifact', wasmArtifact(busybox));
  const resolved = await store.resolve(image);
  const run = await runToExit(runtime, specFor(resolved, ['echo', 'hi']));
  t.equal(run.stdout, 'hi\n');
  t.equal(run.result.exitCode, 0);
});

t.test('kubia from a wasip2 artifact answers HTTP', async (t) => {
  const image = await ingest(
    store,
    'example.com/kubia:1',
    wasmArtifact(await readFile(kubiaWasm), 'wasip2'),
  );
  const resolved = await store.resolve(image);
  t.same(resolved.config, { entrypoint: ['kubia.wasm'] });
  const sandbox = testSandbox('kubia-0');
  const handle = await runtime.start(
    specFor(resolved, [], { ports: [{ containerPort: 8080, protocol: 'TCP' }] }),
    sandbox,
  );
  const published = await publishPort(sandbox.network, {
    hostIP: '127.0.0.1',
    hostPort: 0,
    containerPort: 8080,
  });
  t.teardown(async () => {
    await published.close();
    await handle.stop({ signal: 'SIGKILL' });
  });
  const response = await fetch(`http://127.0.0.1:${published.address().port}/`);
  t.equal(response.status, 200);
  t.equal(await response.text(), "You've hit kubia-0\n");
});
