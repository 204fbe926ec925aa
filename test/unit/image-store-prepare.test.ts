// IngestSession.prepare: the image is unpacked while its blobs arrive, and an
// ingest that ends early stops the preparation and leaves nothing behind.

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { UnsafeLayerError, createImageStore, parseReference } from '../../runtime/images/index.js';
import { addBlob, rootfsImage, tarOf } from '../fixtures/images/image-builder.js';
import { busyboxWasm } from '../helpers/paths.js';

const scratch = await mkdtemp(path.join(os.tmpdir(), 'skiff-prepare-'));
t.teardown(() => rm(scratch, { recursive: true, force: true }));
const busybox = await readFile(busyboxWasm);
const image = rootfsImage({
  layers: [
    await tarOf([{ name: 'app.wasm', content: busybox }]),
    await tarOf([{ name: 'etc/later', content: Buffer.from('second layer') }]),
  ],
  entrypoint: ['/app.wasm'],
});

t.test('prepared before its blobs arrive, the image is unpacked and committed', async (t) => {
  const store = await createImageStore(path.join(scratch, 'a'));
  t.teardown(() => store.close());
  const session = await store.beginIngest();
  await addBlob(store, session, image.manifest);
  session.prepare(image.manifestDigest);
  for (const blob of [image.config, ...image.layers]) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await addBlob(store, session, blob);
  }
  const stored = await session.commit(parseReference('local/app:v1'), image.manifestDigest);
  const resolved = await store.resolve(stored);
  t.equal(await readFile(path.join(resolved.rootfs ?? '', 'etc', 'later'), 'utf8'), 'second layer');
});

t.test('an ingest aborted while preparing stops it, and keeps nothing', async (t) => {
  const root = path.join(scratch, 'b');
  const store = await createImageStore(root);
  t.teardown(() => store.close());
  const session = await store.beginIngest();
  await addBlob(store, session, image.manifest);
  await addBlob(store, session, image.config);
  session.prepare(image.manifestDigest);
  await addBlob(store, session, image.layers[0] ?? Buffer.alloc(0));
  await session.abort(); // the second layer never comes
  t.same(await readdir(path.join(root, 'rootfs')).catch(() => []), [], 'no rootfs, no temp tree');
  t.same(await store.blobs.list(), [], 'no blob');
});

t.test('an unsafe layer found while preparing fails the commit', async (t) => {
  const store = await createImageStore(path.join(scratch, 'c'));
  t.teardown(() => store.close());
  const evil = rootfsImage({
    layers: [await tarOf([{ name: '../outside', content: Buffer.from('x') }])],
    entrypoint: ['/app.wasm'],
  });
  const session = await store.beginIngest();
  await addBlob(store, session, evil.manifest);
  session.prepare(evil.manifestDigest);
  for (const blob of [evil.config, ...evil.layers]) await addBlob(store, session, blob);
  await t.rejects(
    session.commit(parseReference('local/evil:v1'), evil.manifestDigest),
    UnsafeLayerError,
  );
  t.same(await store.blobs.list(), []);
});
