// What the image store refuses: broken manifests and configs, missing or
// mis-sized blobs, images of the wrong shape, diff_id mismatches, unsafe
// layers. Each time nothing is stored: no reference, no blob, no rootfs.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { parseReference } from '../../runtime/images/oci/reference.js';
import type { LocalImageStore } from '../../runtime/images/store/index.js';
import { InvalidImageError, UnsafeLayerError } from '../../runtime/images/store/index.js';
import type { ImageBlobs } from '../fixtures/images/image-builder.js';
import {
  addBlob,
  imageIndex,
  ingest,
  rootfsImage,
  sha256,
  tarOf,
  wasmArtifact,
} from '../fixtures/images/image-builder.js';
import { busyboxWasm } from '../helpers/paths.js';
import { openTestStore } from '../helpers/image-store.js';

const busybox = await readFile(busyboxWasm);
const ref = parseReference;

const openStore = openTestStore;

const busyboxRootfs = async (entrypoint: string[]) =>
  rootfsImage({
    layers: [await tarOf([{ name: 'busybox.wasm', content: busybox, mode: 0o755 }])],
    entrypoint,
  });

async function expectNothingStored(t: Test, store: LocalImageStore, root: string): Promise<void> {
  t.same(await store.list(), [], 'no reference');
  t.same(await store.blobs.list(), [], 'no blob left by the session');
  t.same(await readdir(path.join(root, 'rootfs')).catch(() => []), [], 'no rootfs');
  t.ok(store.verifyCounts().consistent);
}

t.test('invalid images are rejected and nothing is stored', async (t) => {
  const cases: [string, () => Promise<ImageBlobs>, RegExp, new (message: string) => Error][] = [
    [
      'diff_id mismatch',
      async () =>
        rootfsImage({
          layers: [await tarOf([{ name: 'busybox.wasm', content: busybox }])],
          entrypoint: ['/busybox.wasm'],
          diffIds: [sha256('not this layer')],
        }),
      /diff_id/,
      InvalidImageError,
    ],
    [
      'entrypoint missing from the rootfs',
      () => busyboxRootfs(['/missing.wasm']),
      /Entrypoint \/missing\.wasm is not a file/,
      InvalidImageError,
    ],
    [
      'entrypoint that is not .wasm',
      () => busyboxRootfs(['/bin/sh']),
      /needs an Entrypoint naming its \.wasm/,
      InvalidImageError,
    ],
    [
      'entrypoint that is not WebAssembly',
      async () =>
        rootfsImage({
          layers: [await tarOf([{ name: 'fake.wasm', content: 'text' }])],
          entrypoint: ['/fake.wasm'],
        }),
      /not WebAssembly/,
      InvalidImageError,
    ],
    [
      'artifact whose layer is not Wasm',
      async () => wasmArtifact(Buffer.from('#!/bin/sh\n')),
      /not WebAssembly/,
      InvalidImageError,
    ],
    [
      'artifact with a bad os',
      async () => wasmArtifact(busybox, 'wasip1', { os: 'linux' }),
      /os "linux"/,
      InvalidImageError,
    ],
    [
      'artifact whose layerDigests disagree',
      async () => wasmArtifact(busybox, 'wasip1', { layerDigests: [sha256('x')] }),
      /layerDigests/,
      InvalidImageError,
    ],
    [
      'unsafe layer',
      async () =>
        rootfsImage({
          layers: [await tarOf([{ name: '../escape', content: 'x' }])],
          entrypoint: ['/x.wasm'],
        }),
      /entry "\.\.\/escape"/,
      UnsafeLayerError,
    ],
  ];
  for (const [name, build, message, constructor] of cases) {
    await t.test(name, async (t) => {
      const { store, root } = await openStore(t);
      await t.rejects(ingest(store, 'example.com/bad:1', await build()), { constructor, message });
      await expectNothingStored(t, store, root);
    });
  }
});

t.test('malformed manifests and missing blobs are rejected', async (t) => {
  const { store, root } = await openStore(t);
  const good = wasmArtifact(busybox);
  const commitWith = async (blobs: Buffer[], manifestDigest: string) => {
    const session = await store.beginIngest();
    for (const bytes of blobs) await addBlob(store, session, bytes);
    return session.commit(ref('example.com/bad:1'), manifestDigest);
  };
  await t.rejects(commitWith([good.manifest, good.config], good.manifestDigest), {
    constructor: InvalidImageError,
    message: /layer 0: blob sha256:\w+ is missing/,
  });
  const index = imageIndex([{ blobs: good, os: 'wasip1', architecture: 'wasm' }]);
  await t.rejects(commitWith([index], sha256(index)), { message: /is an image index/ });
  const notJson = Buffer.from('{ nope');
  await t.rejects(commitWith([notJson], sha256(notJson)), { message: /not JSON/ });
  const lying = Buffer.from(
    good.manifest.toString().replace(`"size":${busybox.length}`, `"size":${busybox.length + 1}`),
  );
  await t.rejects(commitWith([lying, good.config, busybox], sha256(lying)), {
    message: new RegExp(`has ${busybox.length} bytes, the manifest says ${busybox.length + 1}`),
  });
  await t.rejects(commitWith(good.all.slice(), sha256('absent')), { message: /is missing/ });
  const mismatched = await store.beginIngest();
  for (const bytes of good.all) await addBlob(store, mismatched, bytes);
  await t.rejects(
    mismatched.commit(ref(`example.com/bad@${sha256('other')}`), good.manifestDigest),
    { message: /the digest names neither manifest/ },
  );
  await expectNothingStored(t, store, root);
});
