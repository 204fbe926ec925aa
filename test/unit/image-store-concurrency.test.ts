// Concurrency in one store: ingests sharing layers, a session giving up while
// another needs the same blob, and prune racing ingests (it waits for them).

import { readFile } from 'node:fs/promises';
import t from 'tap';
import type { Test } from 'tap';
import { parseReference } from '../../runtime/images/oci/reference.js';
import type { LocalImageStore } from '../../runtime/images/store/index.js';
import type { ImageBlobs } from '../fixtures/images/image-builder.js';
import { addBlob, ingest, rootfsImage, sha256, tarOf } from '../fixtures/images/image-builder.js';
import { busyboxWasm } from '../helpers/paths.js';
import { openTestStore } from '../helpers/image-store.js';

const busybox = await readFile(busyboxWasm);
const baseLayer = await tarOf([{ name: 'busybox.wasm', content: busybox }]);

const openStore = async (t: Test) => (await openTestStore(t)).store;

/** A wasi/wasm image: the shared busybox layer plus one file of its own. */
async function variant(name: string): Promise<ImageBlobs> {
  return rootfsImage({
    layers: [baseLayer, await tarOf([{ name, content: name }])],
    entrypoint: ['/busybox.wasm'],
  });
}

const sharedLayerDigest = (image: ImageBlobs) => sha256(image.layers[0] ?? Buffer.alloc(0));
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

t.test('two ingests of images sharing a layer, at once', async (t) => {
  const store = await openStore(t);
  const [one, two] = await Promise.all([variant('one'), variant('two')]);
  const images = await Promise.all([
    ingest(store, 'example.com/one:1', one),
    ingest(store, 'example.com/two:1', two),
  ]);
  t.same(
    images.map((i) => i.kind),
    ['wasm-rootfs', 'wasm-rootfs'],
  );
  const report = store.verifyCounts();
  t.ok(report.consistent, report.problems.join('\n'));
  t.ok(await store.blobs.has(sharedLayerDigest(one)));
  for (const image of images) t.equal((await store.resolve(image)).digest, sha256(busybox));
});

t.test('many ingests sharing a layer, with removals and prunes in between', async (t) => {
  const store = await openStore(t);
  const variants = await Promise.all(Array.from({ length: 8 }, (_, i) => variant(`v${i}`)));
  await Promise.all(
    variants.map(async (image, i) => {
      await ingest(store, `example.com/v:${i}`, image);
      if (i % 2 === 1) await store.remove(parseReference(`example.com/v:${i}`));
      if (i % 3 === 0) await store.prune();
    }),
  );
  await store.prune();
  const report = store.verifyCounts();
  t.ok(report.consistent, report.problems.join('\n'));
  const left = await store.list();
  t.same(
    left.map((i) => i.reference).sort(),
    [0, 2, 4, 6].map((i) => `example.com/v:${i}`),
  );
  for (const image of left) t.ok(await store.resolve(image));
  // 4 images × (manifest, config, own layer) + the shared layer.
  t.equal((await store.blobs.list()).length, 13);
});

t.test('a session giving up leaves a blob another session also wrote', async (t) => {
  const store = await openStore(t);
  const [one, two] = await Promise.all([variant('one'), variant('two')]);
  const quitter = await store.beginIngest();
  const keeper = await store.beginIngest();
  for (const bytes of one.all) await addBlob(store, quitter, bytes);
  for (const bytes of two.all) await addBlob(store, keeper, bytes);
  await quitter.abort();
  t.notOk(await store.blobs.has(one.manifestDigest), "the quitter's own blobs are gone");
  t.ok(
    await store.blobs.has(sharedLayerDigest(two)),
    'the shared layer stays: the keeper wrote it',
  );
  const image = await keeper.commit(parseReference('example.com/two:1'), two.manifestDigest);
  t.equal(image.kind, 'wasm-rootfs');
  t.ok(store.verifyCounts().consistent);
});

t.test('a session using a blob it did not write keeps it through another abort', async (t) => {
  const store = await openStore(t);
  const [one, two] = await Promise.all([variant('one'), variant('two')]);
  const writer = await store.beginIngest();
  for (const bytes of one.all) await addBlob(store, writer, bytes);
  const reader = await store.beginIngest();
  // The reader finds the shared layer present (the writer committed it) and
  // only claims it, as a pull does for blobs the store already has.
  t.ok(await reader.useBlob(sharedLayerDigest(two)));
  for (const bytes of [two.manifest, two.config, two.layers[1] ?? Buffer.alloc(0)]) {
    await addBlob(store, reader, bytes);
  }
  await writer.abort();
  t.ok(await store.blobs.has(sharedLayerDigest(two)));
  await reader.commit(parseReference('example.com/two:1'), two.manifestDigest);
  t.ok(store.verifyCounts().consistent);
});

t.test('prune waits for ingests in progress; later ingests wait for prune', async (t) => {
  const store = await openStore(t);
  const image = await variant('racing');
  const session = await store.beginIngest();
  for (const bytes of image.all) await addBlob(store, session, bytes);

  let pruned: Awaited<ReturnType<LocalImageStore['prune']>> | undefined;
  const pruning = store.prune().then((result) => (pruned = result));
  let laterStarted = false;
  const later = store.beginIngest().then((s) => {
    laterStarted = true;
    return s;
  });
  await tick();
  t.equal(pruned, undefined, 'prune waits while a session holds blobs it has not recorded');
  t.notOk(laterStarted, 'a session begun after the prune waits for it (no starvation)');

  await session.commit(parseReference('example.com/racing:1'), image.manifestDigest);
  await pruning;
  t.same(pruned?.deletedBlobs, [], 'nothing of the committed image was deleted');
  const next = await later;
  t.ok(laterStarted);
  await next.abort();
  t.ok(await store.resolve((await store.list())[0]!));
});

t.test('a prune that raced an aborted ingest frees its blobs', async (t) => {
  const store = await openStore(t);
  const image = await variant('aborted');
  const session = await store.beginIngest();
  for (const bytes of image.all.slice(0, 2)) await addBlob(store, session, bytes);
  const pruning = store.prune();
  await tick();
  // The session fails: a layer never arrived.
  await t.rejects(session.commit(parseReference('example.com/aborted:1'), image.manifestDigest), {
    message: /is missing/,
  });
  await pruning;
  t.same(await store.blobs.list(), []);
});
