// skiff build against the real image store and Wasm runtime: images built
// from Dockerfiles and Wasm artifacts are stored, resolved and run.

import { randomBytes } from 'node:crypto';
import { copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import tar from 'tar-stream';
import type { ImageConfigFile, WasmArtifactConfig } from '../../runtime/images/oci/types.js';
import { parseReference } from '../../runtime/images/oci/reference.js';
import { MediaTypes } from '../../runtime/images/oci/media-types.js';
import { createImageStore } from '../../runtime/images/store/index.js';
import type { BuildProgress } from '../../runtime/images/build/index.js';
import { buildArtifact, buildImage, DockerfileError } from '../../runtime/images/build/index.js';
import { WasmRuntime, publishPort } from '../../runtime/index.js';
import { busyboxWasm, kubiaWasm, repoRoot } from '../helpers/paths.js';
import { runToExit, specFor, testSandbox } from '../helpers/runtime.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-build-'));
const store = await createImageStore(path.join(root, 'store'));
const runtime = new WasmRuntime({ cacheDir: path.join(root, 'cache') });
t.teardown(async () => {
  await runtime.close();
  await store.close();
  await rm(root, { recursive: true, force: true });
});
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'build');

/** A copy of fixture `name` (plus busybox.wasm) to build from. */
async function contextOf(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(root, `${name}-`));
  await cp(path.join(fixtures, name), dir, { recursive: true });
  await copyFile(busyboxWasm, path.join(dir, 'busybox.wasm'));
  return dir;
}

async function imageConfig(
  reference: string,
): Promise<{ config: ImageConfigFile; layers: string[]; mediaType: string | undefined }> {
  const image = await store.get(parseReference(reference));
  if (image === undefined) throw new Error(`${reference} is not in the store`);
  const content = await store.content(image);
  return {
    config: content.config as ImageConfigFile,
    layers: content.manifest.layers.map((layer) => layer.digest),
    mediaType: content.manifest.mediaType,
  };
}

const busyboxTag = parseReference('skiff.test/busybox:1');

t.test('FROM scratch + COPY busybox.wasm: a wasi/wasm image that runs', async (t) => {
  const contextDir = await contextOf('busybox');
  const events: BuildProgress[] = [];
  const built = await buildImage({ store, contextDir, tag: busyboxTag }, (event) =>
    events.push(event),
  );
  t.equal(built.layers, 1);
  t.equal(built.unchanged, false);
  t.equal(built.image.kind, 'wasm-rootfs');
  t.same(built.image.platform, { os: 'wasi', architecture: 'wasm' });
  t.same(
    events
      .filter((e) => e.kind === 'step')
      .map((e) => (e.kind === 'step' ? `${e.step}/${e.steps} ${e.text}` : '')),
    [
      '1/4 FROM scratch',
      '2/4 COPY busybox.wasm /busybox.wasm',
      '3/4 ENTRYPOINT ["/busybox.wasm"]',
      '4/4 CMD ["echo", "hi"]',
    ],
  );
  const content = await store.content(built.image);
  t.equal(content.mediaType, MediaTypes.ociManifest);
  t.equal(content.manifest.config.mediaType, MediaTypes.ociConfig);
  t.same(
    content.manifest.layers.map((l) => l.mediaType),
    [MediaTypes.ociLayerTarGzip],
  );
  t.notOk('artifactType' in content.manifest);
  const config = content.config as ImageConfigFile;
  t.equal(config.architecture, 'wasm');
  t.equal(config.os, 'wasi');
  t.same(config.config?.Entrypoint, ['/busybox.wasm']);
  t.same(config.config?.Cmd, ['echo', 'hi']);
  t.equal(config.rootfs.diff_ids.length, 1);
  t.same(
    config.history?.map((h) => [h.created_by, h.empty_layer ?? false]),
    [
      ['COPY busybox.wasm /busybox.wasm', false],
      ['ENTRYPOINT ["/busybox.wasm"]', true],
      ['CMD ["echo", "hi"]', true],
    ],
  );
  const resolved = await store.resolve(built.image);
  const run = await runToExit(runtime, {
    name: 'c',
    image: resolved,
    env: [],
    mounts: [],
    ports: [],
    resources: {},
  });
  t.equal(run.stdout, 'hi\n', 'the image CMD runs');
  t.equal(run.result.exitCode, 0);
});

t.test('rebuilding the same inputs stores nothing new', async (t) => {
  const contextDir = await contextOf('busybox');
  const before = (await store.blobs.list()).sort();
  const firstLayers = (await imageConfig('skiff.test/busybox:1')).layers;
  const events: BuildProgress[] = [];
  const again = await buildImage({ store, contextDir, tag: busyboxTag }, (event) =>
    events.push(event),
  );
  t.equal(again.unchanged, true, 'the existing image is kept');
  t.same((await imageConfig('skiff.test/busybox:1')).layers, firstLayers, 'same layer digests');
  t.same(
    events.filter((e) => e.kind === 'layer').map((e) => e.kind === 'layer' && e.existed),
    [true],
  );
  t.same((await store.blobs.list()).sort(), before, 'no blob added');
  // With a fixed creation time, even a new tag gets the very same manifest.
  const created = new Date('2024-05-01T00:00:00Z');
  const a = await buildImage({
    store,
    contextDir,
    tag: parseReference('skiff.test/repro:a'),
    created,
  });
  const b = await buildImage({
    store,
    contextDir,
    tag: parseReference('skiff.test/repro:b'),
    created,
  });
  t.equal(a.manifestDigest, b.manifestDigest, 'reproducible manifests');
});

t.test(
  'FROM a built image + COPY/ADD: the base layers reused byte for byte, one layer each',
  async (t) => {
    const contextDir = await contextOf('layered');
    const pack = tar.pack();
    pack.entry({ name: 'index.html', mode: 0o644 }, Buffer.from('<h1>hi</h1>\n'));
    pack.entry({ name: 'same.html', type: 'link', linkname: 'index.html' });
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    await writeFile(path.join(contextDir, 'site.tar.gz'), gzipSync(Buffer.concat(chunks)));
    await writeFile(path.join(contextDir, 'build-output.log'), 'ignored');
    const base = await imageConfig('skiff.test/busybox:1');
    const baseImage = await store.get(busyboxTag);
    if (baseImage === undefined) throw new Error('no base');
    const baseManifest = (await store.content(baseImage)).manifest;
    const built = await buildImage({
      store,
      contextDir,
      tag: parseReference('skiff.test/layered:1'),
    });
    t.equal(built.layers, 3, 'the base layer and one per COPY/ADD');
    const { manifest } = await store.content(built.image);
    t.same(manifest.layers[0], baseManifest.layers[0], 'the base layer descriptor, unchanged');
    const { config } = await imageConfig('skiff.test/layered:1');
    t.same(config.rootfs.diff_ids.slice(0, 1), base.config.rootfs.diff_ids, 'base diff_ids first');
    t.same(config.config?.Entrypoint, ['/busybox.wasm'], 'entrypoint inherited');
    t.same(config.config?.Cmd, ['echo', 'hi'], 'cmd inherited');
    t.equal(config.config?.WorkingDir, '/srv/app');
    t.same(config.config?.Env, ['GREETING=hello from the layered image', 'APP_DIR=/srv/app']);
    t.same(config.config?.Labels, {
      'org.opencontainers.image.title': 'layered busybox',
      stage: 'test',
    });
    t.same(config.config?.ExposedPorts, { '53/udp': {}, '8080/tcp': {} });
    t.equal(config.history?.length, 3 + 6, 'base history, then one entry per instruction');
    t.equal(
      config.history?.filter((h) => h.empty_layer !== true).length,
      3,
      'one non-empty entry per layer',
    );

    const resolved = await store.resolve(built.image);
    const motd = await runToExit(runtime, specFor(resolved, ['cat', '/etc/motd']));
    t.equal(motd.stdout, 'from the layered image\n');
    const site = await runToExit(
      runtime,
      specFor(resolved, ['cat', '/srv/app/static/index.html', '/srv/app/static/same.html']),
    );
    t.equal(
      site.stdout,
      '<h1>hi</h1>\n<h1>hi</h1>\n',
      'ADD unpacked the archive relative to WORKDIR',
    );
    t.equal(resolved.config.workingDir, '/srv/app');
    const env = await runToExit(runtime, specFor(resolved, ['env']));
    t.match(env.stdout, /GREETING=hello from the layered image/);
    const ignored = await runToExit(runtime, specFor(resolved, ['ls', '/srv/app']));
    t.notMatch(ignored.stdout, /build-output/);
  },
);

t.test('a base image that is not in the store: an error suggesting skiff pull', async (t) => {
  const contextDir = await mkdtemp(path.join(root, 'missing-'));
  await writeFile(
    path.join(contextDir, 'Dockerfile'),
    '# comment\nFROM 127.0.0.1:5000/nowhere:v2\nCMD ["x"]\n',
  );
  const error = await buildImage({
    store,
    contextDir,
    tag: parseReference('skiff.test/nope:1'),
  }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  t.ok(error instanceof DockerfileError);
  t.equal(
    (error as Error).message,
    'Dockerfile:2: FROM 127.0.0.1:5000/nowhere:v2: the image is not in the local store; run skiff pull 127.0.0.1:5000/nowhere:v2 first',
  );
  t.equal(await store.get(parseReference('skiff.test/nope:1')), undefined);
});

t.test('a failing COPY stores no image and leaves no new blob', async (t) => {
  const contextDir = await contextOf('busybox');
  await writeFile(
    path.join(contextDir, 'Dockerfile'),
    'FROM scratch\nCOPY other.wasm /x.wasm\nCOPY missing.wasm /y.wasm\n',
  );
  await copyFile(busyboxWasm, path.join(contextDir, 'other.wasm'));
  await writeFile(
    path.join(contextDir, 'other.wasm'),
    Buffer.concat([await readFile(busyboxWasm), Buffer.from([0, 1, 0])]),
  );
  const before = (await store.blobs.list()).sort();
  await t.rejects(
    buildImage({ store, contextDir, tag: parseReference('skiff.test/broken:1') }),
    /Dockerfile:3: COPY missing\.wasm: not found/,
  );
  t.same((await store.blobs.list()).sort(), before);
});

t.test('kubia as a wasip2 artifact: its world listed, and it serves HTTP', async (t) => {
  const built = await buildArtifact({
    store,
    wasmFile: kubiaWasm,
    tag: parseReference('skiff.test/kubia:artifact'),
  });
  t.equal(built.image.kind, 'wasm-artifact');
  const content = await store.content(built.image);
  t.equal(content.manifest.mediaType, MediaTypes.ociManifest);
  t.equal(content.manifest.config.mediaType, MediaTypes.wasmConfig);
  t.notOk('artifactType' in content.manifest, 'the CNCF layout has no artifactType');
  const [layer] = content.manifest.layers;
  t.equal(layer?.mediaType, MediaTypes.wasmLayer);
  t.equal(layer?.size, (await readFile(kubiaWasm)).length);
  const config = content.config as WasmArtifactConfig;
  t.equal(config.os, 'wasip2');
  t.equal(config.architecture, 'wasm');
  t.same(config.layerDigests, [layer?.digest]);
  t.same(config.component?.exports, ['wasi:http/incoming-handler@0.2.12']);
  t.ok(config.component?.imports.includes('wasi:http/types@0.2.12'), 'imports listed');
  const resolved = await store.resolve(built.image);
  const sandbox = testSandbox('kubia-artifact');
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
  t.equal(await response.text(), "You've hit kubia-artifact\n");
});

t.test('busybox as a wasip1 artifact runs', async (t) => {
  const built = await buildArtifact({
    store,
    wasmFile: busyboxWasm,
    tag: parseReference('skiff.test/busybox:artifact'),
  });
  const config = (await store.content(built.image)).config as WasmArtifactConfig;
  t.equal(config.os, 'wasip1');
  t.notOk('component' in config);
  const run = await runToExit(runtime, specFor(await store.resolve(built.image), ['echo', 'hi']));
  t.equal(run.stdout, 'hi\n');
  const again = await buildArtifact({
    store,
    wasmFile: busyboxWasm,
    tag: parseReference('skiff.test/busybox:artifact'),
  });
  t.equal(again.unchanged, true);
  t.equal(again.manifestDigest, built.manifestDigest);
  await t.rejects(
    buildArtifact({
      store,
      wasmFile: path.join(fixtures, 'busybox', 'Dockerfile'),
      tag: parseReference('skiff.test/x:1'),
    }),
    /not a WebAssembly module or component/,
  );
});

t.test('building a 5 MiB Wasm image (timed)', async (t) => {
  const contextDir = await mkdtemp(path.join(root, 'big-'));
  const busybox = await readFile(busyboxWasm);
  // busybox plus a 5 MiB custom section of incompressible bytes: still a valid, runnable module.
  const name = Buffer.from('skiff-padding');
  const payload = randomBytes(5 * 1024 * 1024);
  const body = Buffer.concat([leb128(name.length), name, payload]);
  await writeFile(
    path.join(contextDir, 'big.wasm'),
    Buffer.concat([busybox, Buffer.from([0]), leb128(body.length), body]),
  );
  await writeFile(
    path.join(contextDir, 'Dockerfile'),
    'FROM scratch\nCOPY big.wasm /big.wasm\nENTRYPOINT ["/big.wasm"]\n',
  );
  const started = performance.now();
  const built = await buildImage({ store, contextDir, tag: parseReference('skiff.test/big:1') });
  const buildMs = performance.now() - started;
  const size = (await store.content(built.image)).manifest.layers[0]?.size ?? 0;
  t.comment(
    `build of a ${(payload.length / 1048576).toFixed(0)} MiB Wasm image: ${buildMs.toFixed(0)} ms (layer ${(size / 1048576).toFixed(2)} MiB gzipped)`,
  );
  const run = await runToExit(runtime, specFor(await store.resolve(built.image), ['echo', 'big']));
  t.equal(run.stdout, 'big\n');
});

function leb128(value: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return Buffer.from(bytes);
}
