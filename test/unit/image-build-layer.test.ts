// Layers: deterministic tar + gzip, whatever the files' times and the order
// entries were given in.

import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import t, { type Test } from 'tap';
import tar from 'tar-stream';
import type { LayerEntry } from '../../runtime/images/build/layer-entries.js';
import { normalizeLayer } from '../../runtime/images/build/layer-entries.js';
import { writeLayer } from '../../runtime/images/build/layer-writer.js';
import { buildTimes } from '../../runtime/images/build/timestamps.js';
import { BlobStore } from '../../runtime/images/store/blob-store.js';

interface ReadEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  uname: string;
  linkname: string | null;
  body: string;
}

async function readTar(bytes: Buffer): Promise<ReadEntry[]> {
  const extract = tar.extract();
  const entries: ReadEntry[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const h = entry.header;
      entries.push({
        name: h.name,
        type: h.type,
        mode: h.mode,
        uid: h.uid,
        gid: h.gid,
        mtime: h.mtime.getTime(),
        uname: h.uname,
        linkname: h.linkname ?? null,
        body: Buffer.concat(chunks).toString(),
      });
    }
  })();
  extract.end(bytes);
  await done;
  return entries;
}

async function setup(t: Test): Promise<{ dir: string; blobs: BlobStore }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-layer-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return { dir, blobs: await BlobStore.open(path.join(dir, 'store')) };
}

t.test('the same entries give the same bytes, whatever the order and file times', async (t) => {
  const { dir, blobs } = await setup(t);
  const file = path.join(dir, 'app.wasm');
  await writeFile(file, 'wasm bytes');
  const entries = (): LayerEntry[] => [
    { type: 'file', path: 'app/bin/app.wasm', mode: 0o755, size: 10, source: { file } },
    {
      type: 'file',
      path: 'app/config.json',
      mode: 0o644,
      size: 2,
      source: { bytes: Buffer.from('{}') },
    },
    { type: 'symlink', path: 'app/current', target: 'bin/app.wasm' },
  ];
  const first = await writeLayer(blobs, entries(), { mtime: new Date(0) });
  await utimes(file, new Date(2020, 1, 1), new Date(2021, 1, 1));
  const second = await writeLayer(blobs, entries().reverse(), { mtime: new Date(0) });
  t.equal(second.staged.digest, first.staged.digest, 'same blob digest');
  t.equal(second.diffId, first.diffId, 'same diff_id');
  t.not(first.staged.digest, first.diffId, 'the blob is compressed, the diff_id is of the tar');
  const bytes = gunzipSync(await readFile(first.staged.tempPath));
  t.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, first.diffId);
  const read = await readTar(bytes);
  t.same(
    read.map((e) => [e.name, e.type, e.mode.toString(8)]),
    [
      ['app/', 'directory', '755'],
      ['app/bin/', 'directory', '755'],
      ['app/bin/app.wasm', 'file', '755'],
      ['app/config.json', 'file', '644'],
      ['app/current', 'symlink', '777'],
    ],
    'sorted, parents first, directories created for the destination',
  );
  t.ok(
    read.every((e) => e.mtime === 0 && e.uid === 0 && e.gid === 0 && e.uname === ''),
    'fixed times and owners',
  );
  t.equal(read[2]?.body, 'wasm bytes');
  t.equal(read[4]?.linkname, 'bin/app.wasm');
  const compressed = await readFile(first.staged.tempPath);
  t.same([...compressed.subarray(4, 8)], [0, 0, 0, 0], 'the gzip header has no time');
  await blobs.discard(first.staged);
  await blobs.discard(second.staged);
});

t.test('the entry time is the given mtime (SOURCE_DATE_EPOCH)', async (t) => {
  const { blobs } = await setup(t);
  const times = buildTimes(undefined, { SOURCE_DATE_EPOCH: '1700000000' });
  t.equal(times.created, '2023-11-14T22:13:20Z');
  t.equal(times.mtime.getTime(), 1700000000 * 1000);
  t.equal(buildTimes(undefined, {}).mtime.getTime(), 0, 'the epoch when unset');
  t.equal(buildTimes(new Date('2024-01-02T03:04:05Z'), {}).created, '2024-01-02T03:04:05Z');
  t.throws(
    () => buildTimes(undefined, { SOURCE_DATE_EPOCH: 'yesterday' }),
    /SOURCE_DATE_EPOCH=yesterday/,
  );
  const layer = await writeLayer(
    blobs,
    [{ type: 'file', path: 'a', mode: 0o644, size: 1, source: { bytes: Buffer.from('a') } }],
    { mtime: times.mtime },
  );
  const read = await readTar(gunzipSync(await readFile(layer.staged.tempPath)));
  t.equal(read[0]?.mtime, 1700000000 * 1000);
  await blobs.discard(layer.staged);
});

t.test('modes are kept exactly (000 too), long names work', async (t) => {
  const { blobs } = await setup(t);
  const long = `${'d'.repeat(120)}/${'f'.repeat(120)}.wasm`;
  const layer = await writeLayer(
    blobs,
    [
      { type: 'file', path: 'locked', mode: 0o000, size: 0, source: { bytes: Buffer.alloc(0) } },
      { type: 'file', path: long, mode: 0o4755, size: 1, source: { bytes: Buffer.from('x') } },
      { type: 'directory', path: 'private', mode: 0o700 },
    ],
    { mtime: new Date(0) },
  );
  const read = await readTar(gunzipSync(await readFile(layer.staged.tempPath)));
  const modes = Object.fromEntries(read.map((e) => [e.name, e.mode.toString(8)]));
  t.equal(modes.locked, '0');
  t.equal(modes[long], '4755');
  t.equal(modes['private/'], '700');
  await blobs.discard(layer.staged);
});

t.test(
  'normalizeLayer: the last entry at a path wins; a file replaces a directory tree',
  async (t) => {
    const bytes = (text: string): LayerEntry => ({
      type: 'file',
      path: 'x',
      mode: 0o644,
      size: text.length,
      source: { bytes: Buffer.from(text) },
    });
    const layer = normalizeLayer([
      { type: 'directory', path: 'x', mode: 0o755 },
      { type: 'file', path: 'x/inner', mode: 0o644, size: 0, source: { bytes: Buffer.alloc(0) } },
      bytes('second'),
      { type: 'file', path: 'a-b', mode: 0o644, size: 0, source: { bytes: Buffer.alloc(0) } },
      { type: 'file', path: 'a/b', mode: 0o644, size: 0, source: { bytes: Buffer.alloc(0) } },
    ]);
    t.same(
      layer.map((e) => [e.path, e.type]),
      [
        ['a', 'directory'],
        ['a-b', 'file'],
        ['a/b', 'file'],
        ['x', 'file'],
      ],
    );
  },
);

t.test('a source file that cannot be read fails the layer and leaves nothing staged', async (t) => {
  const { dir, blobs } = await setup(t);
  await t.rejects(
    writeLayer(
      blobs,
      [
        {
          type: 'file',
          path: 'gone',
          mode: 0o644,
          size: 5,
          source: { file: path.join(dir, 'missing') },
        },
      ],
      { mtime: new Date(0) },
    ),
    /ENOENT/,
  );
  t.same(await readdir(path.join(dir, 'store', 'tmp')), [], 'no temp file left');
});
