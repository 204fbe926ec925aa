// OCI image layouts: save from one store, load into another, as a directory
// and as a tar; skopeo (a real peer) reads what we write and writes what we read.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { Test } from 'tap';
import { loadImages, saveImages } from '../../runtime/images/layout/index.js';
import { parseReference } from '../../runtime/images/oci/reference.js';
import type { LocalImage, LocalImageStore } from '../../runtime/images/store/index.js';
import {
  DigestMismatchError,
  InvalidImageError,
  createImageStore,
} from '../../runtime/images/store/index.js';
import type { ImageBlobs } from '../fixtures/images/image-builder.js';
import {
  imageIndex,
  ingest,
  rootfsImage,
  sha256,
  tarOf,
  wasmArtifact,
} from '../fixtures/images/image-builder.js';
import { busyboxWasm, kubiaWasm } from '../helpers/paths.js';

const run = promisify(execFile);
const SKOPEO = '/usr/bin/skopeo';
const noSkopeo = existsSync(SKOPEO) ? false : `${SKOPEO} is missing (apt-get install skopeo)`;
const busybox = await readFile(busyboxWasm);
const kubia = await readFile(kubiaWasm);

async function tempDir(t: Test, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function openStore(t: Test): Promise<LocalImageStore> {
  const store = await createImageStore(await tempDir(t, 'skiff-images-'));
  t.teardown(() => store.close());
  return store;
}

async function skopeo(...args: string[]): Promise<string> {
  try {
    return (await run(SKOPEO, ['--insecure-policy', ...args])).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(`skopeo ${args.join(' ')} failed: ${stderr ?? String(error)}`);
  }
}

/** A store holding a Wasm artifact (kubia), a wasi/wasm rootfs image and a Linux image. */
async function populatedStore(t: Test): Promise<{ store: LocalImageStore; images: LocalImage[] }> {
  const store = await openStore(t);
  const rootfs = rootfsImage({
    layers: [await tarOf([{ name: 'busybox.wasm', content: busybox }])],
    entrypoint: ['/busybox.wasm'],
    cmd: ['echo', 'hi'],
  });
  const linux = rootfsImage({
    layers: [await tarOf([{ name: 'bin/sh', content: '#!' }])],
    gzipLayers: false,
    os: 'linux',
    architecture: 'arm64',
  });
  const images = [
    await ingest(store, '127.0.0.1:5000/team/kubia:v1', wasmArtifact(kubia, 'wasip2')),
    await ingest(store, 'example.com/busybox:rootfs', rootfs),
    await ingest(store, 'example.com/alpine:edge', linux),
  ];
  return { store, images };
}

/** Every file under blobs/ is named by the sha256 of its content. */
async function checkBlobNames(t: Test, dir: string): Promise<string[]> {
  const names = await readdir(path.join(dir, 'blobs', 'sha256'));
  for (const name of names) {
    t.equal(sha256(await readFile(path.join(dir, 'blobs', 'sha256', name))), `sha256:${name}`);
  }
  return names;
}

const summary = (images: readonly LocalImage[]) =>
  images.map(({ reference, manifestDigest, kind }) => ({ reference, manifestDigest, kind }));

t.test('save to a directory, load into another store', async (t) => {
  const { store, images } = await populatedStore(t);
  const dir = path.join(await tempDir(t, 'skiff-layout-'), 'out');
  await saveImages(store, images, { dir });
  t.same(JSON.parse(await readFile(path.join(dir, 'oci-layout'), 'utf8')), {
    imageLayoutVersion: '1.0.0',
  });
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
  t.match(index.manifests, [
    {
      digest: images[0]?.manifestDigest,
      annotations: {
        'org.opencontainers.image.ref.name': 'v1',
        'io.containerd.image.name': '127.0.0.1:5000/team/kubia:v1',
      },
      platform: { architecture: 'wasm', os: 'wasip2' },
    },
    { annotations: { 'org.opencontainers.image.ref.name': 'rootfs' } },
    { annotations: { 'org.opencontainers.image.ref.name': 'edge' } },
  ]);
  t.equal((await checkBlobNames(t, dir)).length, 9);

  const other = await openStore(t);
  const loaded = await loadImages(other, { dir });
  t.same(summary(loaded), summary(images));
  const rootfs = loaded[1];
  if (rootfs === undefined) throw new Error('unreachable');
  t.equal((await other.resolve(rootfs)).digest, sha256(busybox));
  t.ok(other.verifyCounts().consistent);

  // Saving into a layout that exists keeps its other entries; the same tag is replaced.
  await saveImages(other, [rootfs], { dir });
  const again = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8'));
  t.equal(again.manifests.length, 3);
});

t.test('save to a tar (reproducibly), load from it', async (t) => {
  const { store, images } = await populatedStore(t);
  const work = await tempDir(t, 'skiff-layout-');
  const tarFile = path.join(work, 'images.tar');
  await saveImages(store, images, { tarFile });
  await saveImages(store, images, { tarFile: path.join(work, 'again.tar') });
  t.same(await readFile(tarFile), await readFile(path.join(work, 'again.tar')), 'same bytes');
  t.same((await readdir(work)).sort(), ['again.tar', 'images.tar'], 'no temp file left');
  const other = await openStore(t);
  t.same(summary(await loadImages(other, { tarFile })), summary(images));
  t.same(await readdir(path.join(other.blobs.root, 'tmp')), [], 'the scratch copy is gone');
});

t.test('a corrupt or missing blob fails the image; nothing of it is stored', async (t) => {
  const { store, images } = await populatedStore(t);
  const dir = await tempDir(t, 'skiff-layout-');
  const kubiaImage = images[0];
  if (kubiaImage === undefined) throw new Error('unreachable');
  await saveImages(store, [kubiaImage], { dir });
  const layer = path.join(dir, 'blobs', 'sha256', sha256(kubia).slice(7));
  const bytes = await readFile(layer);
  bytes[100] = (bytes[100] ?? 0) ^ 0xff;
  await writeFile(layer, bytes);
  const other = await openStore(t);
  await t.rejects(loadImages(other, { dir }), {
    constructor: DigestMismatchError,
    message: /digest mismatch/,
  });
  t.same(await other.list(), []);
  t.same(await other.blobs.list(), [], "the image's other blobs were removed");

  await rm(layer);
  await t.rejects(loadImages(other, { dir }), {
    constructor: InvalidImageError,
    message: /a blob is missing/,
  });
  t.same(await other.blobs.list(), []);
  await t.rejects(loadImages(other, { dir: path.join(dir, 'blobs') }), {
    message: /no oci-layout: not an OCI image layout/,
  });
});

t.test('names: bare tags need a repository; indexes load their Wasm image', async (t) => {
  const store = await openStore(t);
  const dir = await tempDir(t, 'skiff-layout-');
  const artifact: ImageBlobs = wasmArtifact(busybox);
  const linux = rootfsImage({
    layers: [await tarOf([{ name: 'bin/sh', content: '#!' }])],
    os: 'linux',
    architecture: 'amd64',
  });
  const index = imageIndex([
    { blobs: linux, os: 'linux', architecture: 'amd64' },
    { blobs: artifact, os: 'wasip1', architecture: 'wasm' },
  ]);
  for (const blob of [...artifact.all, ...linux.all, index]) {
    await writeFile(path.join(dir, sha256(blob).slice(7)), blob);
  }
  const { mkdir, rename } = await import('node:fs/promises');
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const name of await readdir(dir)) {
    if (name !== 'blobs')
      await rename(path.join(dir, name), path.join(dir, 'blobs', 'sha256', name));
  }
  await writeFile(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const entry = (refName: string) => ({
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: sha256(index),
    size: index.length,
    annotations: { 'org.opencontainers.image.ref.name': refName },
  });
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [entry('v1')] }),
  );
  await t.rejects(loadImages(store, { dir }), {
    constructor: InvalidImageError,
    message: /named only by the tag "v1": give the repository/,
  });
  t.same(await store.blobs.list(), [], 'refused before anything was stored');
  const [image] = await loadImages(store, { dir }, { repository: 'example.com/multi' });
  t.match(image, {
    reference: 'example.com/multi:v1',
    manifestDigest: artifact.manifestDigest,
    indexDigest: sha256(index),
    kind: 'wasm-artifact',
  });
  // A ref.name that is a whole reference names the image by itself (Docker's rules).
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [entry('busybox:1.36'), entry('reg.io/a/b:c')] }),
  );
  t.same(
    (await loadImages(store, { dir })).map((i) => i.reference),
    ['docker.io/library/busybox:1.36', 'reg.io/a/b:c'],
  );
});

t.test('skopeo reads our layouts and writes layouts we load', { skip: noSkopeo }, async (t) => {
  const { store, images } = await populatedStore(t);
  const work = await tempDir(t, 'skiff-layout-skopeo-');
  const ours = path.join(work, 'ours');
  await saveImages(store, images, { dir: ours });
  for (const image of images) {
    const raw = await skopeo('inspect', '--raw', `oci:${ours}:${image.tag}`);
    t.equal(sha256(raw), image.manifestDigest, `skopeo inspect --raw ${image.tag}`);
    // skopeo 1.9 refuses image operations on artifacts (non-image configs).
    if (image.kind === 'wasm-artifact') continue;
    const inspected = JSON.parse(await skopeo('inspect', `oci:${ours}:${image.tag}`));
    t.equal(inspected.Digest, image.manifestDigest, `skopeo inspect ${image.tag}`);
    t.equal(inspected.Architecture, image.platform.architecture);
    t.equal(inspected.Os, image.platform.os);
  }
  const theirs = path.join(work, 'theirs');
  for (const image of images) {
    await skopeo('copy', `oci:${ours}:${image.tag}`, `oci:${theirs}:${image.tag}`);
  }
  const other = await openStore(t);
  // skopeo names entries by tag only: the repository comes from the caller.
  const loaded = await loadImages(other, { dir: theirs }, { repository: 'example.com/copied' });
  t.same(
    loaded.map((i) => i.reference),
    images.map((i) => `example.com/copied:${i.tag}`),
  );
  t.same(
    loaded.slice(0, 2).map((i) => i.manifestDigest),
    images.slice(0, 2).map((i) => i.manifestDigest),
    'skopeo kept the manifests of gzipped and Wasm images byte for byte',
  );
  // skopeo compresses the Linux image's uncompressed layer for an oci: target:
  // a new manifest, the same config (diff_ids are of the uncompressed tars).
  const [copiedLinux, linux] = [loaded[2], images[2]];
  if (copiedLinux === undefined || linux === undefined) throw new Error('unreachable');
  t.not(copiedLinux.manifestDigest, linux.manifestDigest);
  t.equal(copiedLinux.kind, 'oci');
  const [copiedContent, originalContent] = [
    await other.content(copiedLinux),
    await store.content(linux),
  ];
  t.equal(copiedContent.manifest.config.digest, originalContent.manifest.config.digest);
  t.equal(
    copiedContent.manifest.layers[0]?.mediaType,
    'application/vnd.oci.image.layer.v1.tar+gzip',
  );
  t.equal((await other.resolve(loaded[1]!)).digest, sha256(busybox));

  // Tars too: skopeo reads our tar and writes one we load.
  const ourTar = path.join(work, 'ours.tar');
  await saveImages(store, images.slice(0, 1), { tarFile: ourTar });
  const theirTar = path.join(work, 'theirs.tar');
  await skopeo('copy', `oci-archive:${ourTar}:v1`, `oci-archive:${theirTar}:v1`);
  const fromTar = await loadImages(
    await openStore(t),
    { tarFile: theirTar },
    { repository: 'x.io/k' },
  );
  t.same(summary(fromTar), [
    { reference: 'x.io/k:v1', manifestDigest: images[0]?.manifestDigest, kind: 'wasm-artifact' },
  ]);
});

t.test('a digest reference is saved by full name only and loads back as itself', async (t) => {
  const store = await openStore(t);
  const artifact = wasmArtifact(busybox);
  const byDigest = await ingest(store, `example.com/tools@${artifact.manifestDigest}`, artifact);
  const dir = await tempDir(t, 'skiff-layout-');
  await saveImages(store, [byDigest], { dir });
  const other = await openStore(t);
  const [loaded] = await loadImages(other, { dir });
  t.equal(loaded?.reference, `example.com/tools@${artifact.manifestDigest}`);
  t.ok(await other.get(parseReference(byDigest.reference)));
});
