// Pulls into the node's store: concurrent pulls of one blob download it once,
// and blobs already present are never transferred again.

import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import {
  createImageStore,
  parseReference,
  pullImage,
  registryClient,
} from '../../runtime/images/index.js';
import type { TransferEvent } from '../../runtime/images/index.js';
import { rootfsImage, tarOf } from '../fixtures/images/image-builder.js';
import { skopeo, skopeoUnavailable, writeLayout } from '../helpers/oci-layout.js';
import { busyboxWasm } from '../helpers/paths.js';
import { registryUnavailable, testRegistry } from '../helpers/registry.js';
import { startProxy } from './registry-client-servers.js';

const skip = registryUnavailable() ?? skopeoUnavailable();
if (skip) {
  t.plan(0, skip);
} else {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'skiff-pull-'));
  t.teardown(() => rm(scratch, { recursive: true, force: true }));
  const registry = await testRegistry();
  t.teardown(() => registry.stop());
  const busybox = await tarOf([{ name: 'app.wasm', content: await readFile(busyboxWasm) }]);
  const shared = await tarOf([{ name: 'data/shared.bin', content: randomBytes(256 * 1024) }]);
  const one = rootfsImage({ layers: [busybox, shared], entrypoint: ['/app.wasm'] });
  const two = rootfsImage({
    layers: [busybox, shared, await tarOf([{ name: 'data/own.txt', content: Buffer.from('two') }])],
    entrypoint: ['/app.wasm'],
  });
  const layout = path.join(scratch, 'layout');
  await writeLayout(layout, [
    { tag: 'one', image: one },
    { tag: 'two', image: two },
  ]);
  for (const tag of ['one', 'two']) {
    await skopeo(
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:${tag}`,
      `docker://${registry.address}/pull/app:${tag}`,
    );
  }

  t.test('concurrent pulls sharing layers download each blob once', async (t) => {
    const proxy = await startProxy(registry.address);
    t.teardown(() => proxy.close());
    const store = await createImageStore(path.join(scratch, 'store-a'));
    t.teardown(() => store.close());
    const client = registryClient(proxy.address);
    const pull = (tag: string) =>
      pullImage({ store, client, reference: parseReference(`${proxy.address}/pull/app:${tag}`) });
    const images = await Promise.all([pull('one'), pull('one'), pull('two')]);
    t.same(
      images.map((image) => image.kind),
      ['wasm-rootfs', 'wasm-rootfs', 'wasm-rootfs'],
    );
    const blobGets = proxy.requests.filter((r) => r.method === 'GET' && r.url.includes('/blobs/'));
    const perDigest = new Map<string, number>();
    for (const request of blobGets)
      perDigest.set(request.url, (perDigest.get(request.url) ?? 0) + 1);
    t.ok(perDigest.size >= 4, 'configs and layers were fetched');
    for (const [url, count] of perDigest)
      t.equal(count, 1, `${url.replace(/.*\//, '')} fetched once`);
  });

  t.test('a re-pull transfers 0 bytes; a sibling image transfers only its own layer', async (t) => {
    const store = await createImageStore(path.join(scratch, 'store-b'));
    t.teardown(() => store.close());
    const client = registryClient(registry.address);
    const transferred = async (tag: string) => {
      const bytes = new Map<string, number>();
      const onEvent = (event: TransferEvent) => {
        if (event.type === 'bytes') bytes.set(event.digest, event.transferred);
      };
      await pullImage({
        store,
        client,
        reference: parseReference(`${registry.address}/pull/app:${tag}`),
        onEvent,
      });
      return [...bytes.values()].reduce((a, b) => a + b, 0);
    };
    t.ok((await transferred('one')) > 256 * 1024, 'the first pull downloads');
    t.equal(await transferred('one'), 0, 'a re-pull downloads nothing');
    const own = (two.layers[2]?.length ?? 0) + two.config.length;
    t.equal(await transferred('two'), own, 'only the new layer (and its config) move');
  });
}
