// The image store with real parts: LMDB in a temp directory, blobs on disk,
// images built from real tar layers and the samples' .wasm files.

import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { parseReference } from '../../runtime/images/oci/reference.js';
import { ImageNotFoundError, InvalidImageError } from '../../runtime/images/store/index.js';
import {
  addBlob,
  imageIndex,
  ingest,
  rootfsImage,
  sha256,
  tarOf,
  wasmArtifact,
} from '../fixtures/images/image-builder.js';
import { busyboxWasm, kubiaWasm } from '../helpers/paths.js';
import { openTestStore } from '../helpers/image-store.js';

const busybox = await readFile(busyboxWasm);
const kubia = await readFile(kubiaWasm);
const ref = parseReference;

const openStore = openTestStore;

/** A wasi/wasm image: busybox at /busybox.wasm, plus `extra` layers on top. */
async function busyboxRootfs(extra: Buffer[] = []) {
  return rootfsImage({
    layers: [await tarOf([{ name: 'busybox.wasm', content: busybox, mode: 0o755 }]), ...extra],
    entrypoint: ['/busybox.wasm'],
    cmd: ['echo', 'hi'],
    env: ['GREETING=hello'],
    workingDir: '/',
    exposedPorts: ['8080/tcp'],
  });
}

const linuxImage = async (marker: string) =>
  rootfsImage({
    layers: [await tarOf([{ name: 'bin/sh', content: `#!${marker}` }])],
    os: 'linux',
    architecture: 'amd64',
    entrypoint: ['/bin/sh'],
  });

t.test('a Wasm artifact: stored, found by tag and digest, resolved to its layer', async (t) => {
  const { store } = await openStore(t);
  const artifact = wasmArtifact(busybox);
  const image = await ingest(store, '127.0.0.1:5000/tools/busybox:v1', artifact);
  t.match(image, {
    reference: '127.0.0.1:5000/tools/busybox:v1',
    repository: '127.0.0.1:5000/tools/busybox',
    tag: 'v1',
    manifestDigest: artifact.manifestDigest,
    kind: 'wasm-artifact',
    platform: { architecture: 'wasm', os: 'wasip1' },
    size: artifact.manifest.length + artifact.config.length + busybox.length,
    created: '2024-01-01T00:00:00Z',
  });
  t.same(await store.get(ref('127.0.0.1:5000/tools/busybox:v1')), image);
  t.same(await store.get(ref(`127.0.0.1:5000/tools/busybox@${artifact.manifestDigest}`)), image);
  t.equal(await store.get(ref(`127.0.0.1:5000/other@${artifact.manifestDigest}`)), undefined);
  t.equal(await store.get(ref('127.0.0.1:5000/tools/busybox:v2')), undefined);

  const resolved = await store.resolve(image);
  t.same(resolved, {
    ref: '127.0.0.1:5000/tools/busybox:v1',
    digest: sha256(busybox),
    kind: 'wasm',
    wasmPath: store.blobs.path(sha256(busybox)),
    config: { entrypoint: ['busybox.wasm'] },
  });
  const content = await store.content(image);
  t.equal(content.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  t.same(content.manifestBytes, artifact.manifest);
  t.match(content.config, { os: 'wasip1', layerDigests: [sha256(busybox)] });
});

t.test('a wasi/wasm rootfs image is unpacked and resolved to its entrypoint', async (t) => {
  const { store, root } = await openStore(t);
  const blobs = await busyboxRootfs([await tarOf([{ name: 'etc/motd', content: 'hello' }])]);
  const image = await ingest(store, 'example.com/busybox:rootfs', blobs);
  t.equal(image.kind, 'wasm-rootfs');
  t.same(image.platform, { architecture: 'wasm', os: 'wasi' });
  const rootfs = path.join(root, 'rootfs', blobs.manifestDigest.slice(7));
  t.same((await readdir(rootfs)).sort(), ['busybox.wasm', 'etc']);
  const resolved = await store.resolve(image);
  t.same(resolved, {
    ref: 'example.com/busybox:rootfs',
    digest: sha256(busybox),
    kind: 'wasm',
    wasmPath: path.join(rootfs, 'busybox.wasm'),
    rootfs,
    config: {
      entrypoint: ['/busybox.wasm'],
      cmd: ['echo', 'hi'],
      env: ['GREETING=hello'],
      workingDir: '/',
      exposedPorts: ['8080/tcp'],
    },
  });
  // A rootfs deleted behind the store's back is unpacked again.
  await rm(rootfs, { recursive: true });
  t.same(await store.resolve(image), resolved);
});

t.test('an entrypoint reached through symlinks resolves inside the rootfs', async (t) => {
  const { store, root } = await openStore(t);
  const layer = await tarOf([
    { name: 'opt/app/real.wasm', content: kubia },
    { name: 'opt/current', type: 'symlink', linkname: '/opt/app' },
  ]);
  const image = await ingest(
    store,
    'kubia:linked',
    // Relative to WorkingDir, through an absolute symlink (resolved inside the rootfs).
    rootfsImage({
      layers: [layer],
      entrypoint: ['current/real.wasm'],
      workingDir: '/opt',
      os: 'wasip2',
    }),
  );
  const resolved = await store.resolve(image);
  const rootfs = path.join(root, 'rootfs', image.manifestDigest.slice(7));
  t.equal(resolved.wasmPath, path.join(rootfs, 'opt/app/real.wasm'));
  t.equal(resolved.digest, sha256(kubia));
});

t.test('a Linux image is kept as blobs and needs the Docker runtime', async (t) => {
  const { store, root } = await openStore(t);
  const image = await ingest(store, 'docker.io/library/alpine:3', await linuxImage('alpine'));
  t.equal(image.reference, 'docker.io/library/alpine:3');
  t.equal(image.kind, 'oci');
  t.same(image.platform, { architecture: 'amd64', os: 'linux' });
  t.same(await readdir(path.join(root, 'rootfs')).catch(() => []), [], 'not unpacked');
  await t.rejects(store.resolve(image), {
    constructor: InvalidImageError,
    message: 'docker.io/library/alpine:3 is a linux/amd64 image: it needs the Docker runtime',
  });
});

t.test('two images sharing layers: prune frees only what no reference uses', async (t) => {
  const { store, root } = await openStore(t);
  const base = await tarOf([{ name: 'busybox.wasm', content: busybox }]);
  const one = rootfsImage({
    layers: [base, await tarOf([{ name: 'one', content: '1' }])],
    entrypoint: ['/busybox.wasm'],
  });
  const two = rootfsImage({
    layers: [base, await tarOf([{ name: 'two', content: '2' }])],
    entrypoint: ['/busybox.wasm'],
  });
  const shared = sha256(one.layers[0] ?? Buffer.alloc(0));
  t.equal(shared, sha256(two.layers[0] ?? Buffer.alloc(0)), 'the first layers are the same blob');
  await ingest(store, 'example.com/one:1', one);
  await ingest(store, 'example.com/two:1', two);
  t.equal((await store.blobs.list()).length, 7, '2 manifests, 2 configs, 3 distinct layers');
  const snapshot = store.verifyCounts();
  t.ok(snapshot.consistent, snapshot.problems.join('\n'));

  t.same(await store.prune(), { deletedBlobs: [], reclaimedBytes: 0 }, 'everything in use');
  await store.remove(ref('example.com/one:1'));
  const first = await store.prune();
  const oneOnly = [
    one.manifestDigest,
    sha256(one.config),
    sha256(one.layers[1] ?? Buffer.alloc(0)),
  ];
  t.same([...first.deletedBlobs].sort(), oneOnly.sort());
  t.ok(first.reclaimedBytes > 0);
  t.ok(await store.blobs.has(shared), 'the shared layer stays');
  t.same(await readdir(path.join(root, 'rootfs')), [two.manifestDigest.slice(7)]);
  t.same((await store.resolve((await store.list())[0]!)).digest, sha256(busybox));

  await store.remove(ref('example.com/two:1'));
  const second = await store.prune();
  t.equal(second.deletedBlobs.length, 4);
  t.same(await store.blobs.list(), []);
  t.same(await readdir(path.join(root, 'rootfs')), []);
  t.ok(store.verifyCounts().consistent);
});

t.test('tags: several references to one manifest count it once', async (t) => {
  const { store } = await openStore(t);
  const artifact = wasmArtifact(kubia, 'wasip2');
  const v1 = await ingest(store, 'example.com/kubia:v1', artifact);
  const latest = await store.tag(ref('example.com/kubia:v1'), ref('registry.local/kubia'));
  t.equal(latest.reference, 'registry.local/kubia:latest');
  t.equal(latest.manifestDigest, v1.manifestDigest);
  t.same(
    (await store.list()).map((i) => i.reference),
    ['registry.local/kubia:latest', 'example.com/kubia:v1'],
    'newest first',
  );
  t.ok(store.verifyCounts().consistent);
  await store.remove(ref('example.com/kubia:v1'));
  t.same((await store.prune()).deletedBlobs, [], 'still tagged');
  await t.rejects(store.remove(ref('example.com/kubia:v1')), {
    constructor: ImageNotFoundError,
    message: 'no such image: example.com/kubia:v1',
  });
  await t.rejects(store.tag(ref('example.com/missing:1'), ref('x:1')), {
    constructor: ImageNotFoundError,
    message: /no such image/,
  });
  await t.rejects(store.tag(ref('registry.local/kubia'), ref(`x@${v1.manifestDigest}`)), {
    message: /a tag has no digest/,
  });
  // Re-pointing a tag at another image unpins the first.
  const other = await ingest(store, 'registry.local/kubia:latest', wasmArtifact(busybox));
  t.not(other.manifestDigest, v1.manifestDigest);
  t.equal((await store.prune()).deletedBlobs.length, 3, "kubia's manifest, config and layer");
  t.ok(store.verifyCounts().consistent);
});

t.test('an image chosen from an index: found by either digest, the index kept', async (t) => {
  const { store } = await openStore(t);
  const artifact = wasmArtifact(busybox);
  const index = imageIndex([
    { blobs: artifact, os: 'wasip1', architecture: 'wasm' },
    { blobs: await linuxImage('x'), os: 'linux', architecture: 'amd64' },
  ]);
  const image = await ingest(store, 'example.com/multi:1', artifact, {
    indexDigest: sha256(index),
    extraBlobs: [index],
  });
  t.equal(image.indexDigest, sha256(index));
  t.same(await store.get(ref(`example.com/multi@${sha256(index)}`)), image);
  t.same(await store.get(ref(`example.com/multi@${artifact.manifestDigest}`)), image);
  t.same((await store.prune()).deletedBlobs, [], 'the index blob is pinned too');
  await store.remove(ref(`example.com/multi@${sha256(index)}`));
  t.equal((await store.prune()).deletedBlobs.length, 4);
  t.ok(store.verifyCounts().consistent);
});

t.test('pull by digest records a digest reference', async (t) => {
  const { store } = await openStore(t);
  const artifact = wasmArtifact(busybox);
  const image = await ingest(store, `example.com/tools@${artifact.manifestDigest}`, artifact);
  t.equal(image.reference, `example.com/tools@${artifact.manifestDigest}`);
  t.equal(image.tag, undefined);
  t.same(await store.get(ref(`example.com/tools@${artifact.manifestDigest}`)), image);
});

t.test('prune deletes blobs the index does not know and unpacks a crash left', async (t) => {
  const { store, root } = await openStore(t);
  const kept = await ingest(store, 'example.com/kept:1', await busyboxRootfs());
  const stray = await store.blobs.put(Buffer.from('written by a crashed pull'));
  const leftover = path.join(root, 'rootfs', `${kept.manifestDigest.slice(7)}.tmp-abc123`);
  await mkdir(leftover, { recursive: true });
  await writeFile(path.join(leftover, 'half'), '12345');
  const result = await store.prune();
  t.same(result.deletedBlobs, [stray.digest]);
  t.equal(result.reclaimedBytes, stray.size + 5, 'the blob and the leftover tree');
  t.same(await readdir(path.join(root, 'rootfs')), [kept.manifestDigest.slice(7)]);
  t.ok(await store.resolve(kept));
});

t.test('abort removes the blobs the session added that no image uses', async (t) => {
  const { store } = await openStore(t);
  const kept = await ingest(store, 'example.com/kept:1', wasmArtifact(busybox));
  const session = await store.beginIngest();
  const reused = await addBlob(store, session, busybox);
  const fresh = await addBlob(store, session, Buffer.from('only this session wanted it'));
  await session.abort();
  t.ok(await store.blobs.has(reused), 'a blob an image uses stays');
  t.notOk(await store.blobs.has(fresh), 'a blob only the session wanted is gone');
  await session.abort();
  await t.rejects(addBlob(store, session, Buffer.from('late')), { message: /has ended/ });
  t.ok(await store.get(ref(kept.reference)));
});
