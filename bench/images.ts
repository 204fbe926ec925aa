// Images (issue 3): pull throughput of a 20 MiB image from a local registry
// against `skopeo copy` of the same image in the same run; bytes moved by a
// re-pull and by a sibling image sharing all layers but one; build time of a
// 5 MiB Wasm image.
//
// A Skiff pull fetches, verifies and unpacks the layers into a rootfs (as a
// container engine's pull does). skopeo is measured both ways: into an OCI
// layout (fetch and verify only) and into containers-storage with the vfs
// driver (fetch, verify and unpack: the like-for-like baseline).
//
// Targets: re-pull of present layers moves 0 bytes; pull within 2x of skopeo.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TransferEvent } from '../runtime/images/index.js';
import {
  buildImage,
  createImageStore,
  parseReference,
  pullImage,
  registryClient,
} from '../runtime/images/index.js';
import { rootfsImage, tarOf } from '../test/fixtures/images/image-builder.js';
import { skopeoUnavailable, writeLayout } from '../test/helpers/oci-layout.js';
import { registryUnavailable, testRegistry } from '../test/helpers/registry.js';
import { samples } from './lib/guests.js';
import { ms, summarize, table } from './lib/stats.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const ROUNDS = 3;

const unavailable = registryUnavailable() ?? skopeoUnavailable();
if (unavailable) {
  process.stderr.write(`images bench skipped: ${unavailable}\n`);
  process.stdout.write(JSON.stringify({ bench: 'images', skipped: unavailable }) + '\n');
  process.exit(0);
}

const scratch = await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-images-'));
const registry = await testRegistry();
try {
  const wasm = await readFile(samples.busybox);
  // Four 5 MiB layers of random bytes (gzip cannot shrink them) plus the module.
  const layers = [await tarOf([{ name: 'app.wasm', content: wasm }])];
  for (let i = 0; i < 4; i++)
    layers.push(await tarOf([{ name: `data/${i}.bin`, content: randomBytes(5 * MiB) }]));
  const big = rootfsImage({ layers, entrypoint: ['/app.wasm'] });
  const sibling = rootfsImage({
    layers: [...layers, await tarOf([{ name: 'data/extra.bin', content: randomBytes(MiB) }])],
    entrypoint: ['/app.wasm'],
  });
  const imageBytes = big.all.reduce((sum, blob) => sum + blob.length, 0);
  const layout = path.join(scratch, 'layout');
  await writeLayout(layout, [
    { tag: 'big', image: big },
    { tag: 'sibling', image: sibling },
  ]);
  for (const tag of ['big', 'sibling']) {
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:${tag}`,
      `docker://${registry.address}/bench/app:${tag}`,
    ]);
  }
  const reference = (tag: string) => parseReference(`${registry.address}/bench/app:${tag}`);

  const skiffMs: number[] = [];
  const skopeoMs: number[] = [];
  const skopeoUnpackMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const store = await createImageStore(path.join(scratch, `store-${round}`));
    let started = performance.now();
    await pullImage({
      store,
      client: registryClient(registry.address),
      reference: reference('big'),
    });
    skiffMs.push(performance.now() - started);
    await store.close();
    started = performance.now();
    await run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.address}/bench/app:big`,
      `oci:${path.join(scratch, `skopeo-${round}`)}:big`,
    ]);
    skopeoMs.push(performance.now() - started);
    const storage = path.join(scratch, `containers-storage-${round}`);
    started = performance.now();
    const unpacked = await run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.address}/bench/app:big`,
      `containers-storage:[vfs@${storage}/root+${storage}/run]bench/app:big`,
    ]).then(
      () => true,
      () => false, // containers-storage needs root; the baseline is then left out
    );
    if (unpacked) skopeoUnpackMs.push(performance.now() - started);
  }

  const store = await createImageStore(path.join(scratch, 'store-0'));
  const moved = async (tag: string) => {
    let bytes = 0;
    const counted = new Map<string, number>();
    const onEvent = (event: TransferEvent) => {
      if (event.type === 'bytes') counted.set(event.digest, event.transferred);
    };
    await pullImage({
      store,
      client: registryClient(registry.address),
      reference: reference(tag),
      onEvent,
    });
    for (const value of counted.values()) bytes += value;
    return bytes;
  };
  const repullBytes = await moved('big');
  const siblingBytes = await moved('sibling');
  const siblingNewBytes = (sibling.layers.at(-1)?.length ?? 0) + sibling.config.length;
  await store.close();

  // Build: FROM scratch, COPY of a 5 MiB module (busybox plus a 5 MiB custom section).
  const padding = randomBytes(5 * MiB);
  const name = Buffer.from('pad');
  const payload = Buffer.concat([Buffer.from([name.length]), name, padding]);
  const section = Buffer.concat([Buffer.from([0]), leb128(payload.length), payload]);
  const context = path.join(scratch, 'context');
  await run('mkdir', ['-p', context]);
  await writeFile(path.join(context, 'app.wasm'), Buffer.concat([wasm, section]));
  await writeFile(
    path.join(context, 'Dockerfile'),
    'FROM scratch\nCOPY app.wasm /app.wasm\nENTRYPOINT ["/app.wasm"]\n',
  );
  const buildMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const buildStore = await createImageStore(path.join(scratch, `build-${round}`));
    const started = performance.now();
    await buildImage({
      store: buildStore,
      contextDir: context,
      tag: parseReference('bench/build:v1'),
    });
    buildMs.push(performance.now() - started);
    await buildStore.close();
  }

  const skiff = summarize(skiffMs);
  const skopeo = summarize(skopeoMs);
  const skopeoUnpack = skopeoUnpackMs.length > 0 ? summarize(skopeoUnpackMs) : undefined;
  const build = summarize(buildMs);
  const mbps = (millis: number) => imageBytes / 1e6 / (millis / 1000);
  process.stderr.write(
    table([
      ['pull 20 MiB image (skiff)', `${ms(skiff.p50)} median → ${mbps(skiff.p50).toFixed(1)} MB/s`],
      [
        'skopeo → containers-storage',
        skopeoUnpack
          ? `${ms(skopeoUnpack.p50)} median, fetch + unpack (skiff takes ${(skiff.p50 / skopeoUnpack.p50).toFixed(2)}x its time)`
          : 'not measured (containers-storage needs root)',
      ],
      [
        'skopeo → OCI layout',
        `${ms(skopeo.p50)} median, fetch only (skiff takes ${(skiff.p50 / skopeo.p50).toFixed(2)}x its time)`,
      ],
      ['re-pull, layers present', `${repullBytes} bytes moved`],
      [
        'sibling image, one new layer',
        `${siblingBytes} bytes moved (its new layer + config: ${siblingNewBytes})`,
      ],
      ['build of a 5 MiB Wasm image', `${ms(build.p50)} median`],
    ]) + '\n',
  );
  process.stdout.write(
    JSON.stringify({
      bench: 'images',
      imageBytes,
      pullMs: skiff.p50,
      skopeoMs: skopeo.p50,
      pullMBps: mbps(skiff.p50),
      ratioToSkopeo: skiff.p50 / skopeo.p50,
      skopeoUnpackMs: skopeoUnpack?.p50 ?? null,
      ratioToSkopeoUnpack: skopeoUnpack ? skiff.p50 / skopeoUnpack.p50 : null,
      repullBytes,
      siblingBytes,
      siblingNewBytes,
      buildMs: build.p50,
      targets: { repullBytes: 0, ratioToSkopeo: 2 },
    }) + '\n',
  );
} finally {
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}

function leb128(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return Buffer.from(bytes);
}
