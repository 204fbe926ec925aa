// Rotation as the kubelet does it (containerLogMaxSize, containerLogMaxFiles):
// the live file is renamed `<n>.log.<timestamp>`, the oldest rotated files
// go, a read shows the live file, and a follower carries on across rotations
// without losing or repeating a line.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import t from 'tap';
import type { ContainerLogRef, FileContainerLogStore } from '../../runtime/agent/logs/index.js';
import { createContainerLogStore } from '../../runtime/agent/logs/index.js';

const ref: ContainerLogRef = { namespace: 'prod', pod: 'api', podUid: 'u-9', container: 'app' };
/** Each entry on disk is 47 bytes: a 30-byte timestamp, ` stdout F `, `line NNN`, newline. */
const line = (i: number) => `line ${String(i).padStart(3, '0')}\n`;
const ENTRY_BYTES = 30 + ' stdout F '.length + line(0).length;

async function newStore(t: Test, maxFiles: number): Promise<FileContainerLogStore> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-rotate-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  return createContainerLogStore({
    root,
    containerLogMaxSize: 4 * ENTRY_BYTES,
    containerLogMaxFiles: maxFiles,
  });
}

const dirOf = (store: FileContainerLogStore) => path.join(store.root, 'prod_api_u-9', 'app');

async function drain(iterable: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of iterable) text += Buffer.from(chunk).toString();
  return text;
}

t.test('the live file is rotated at the size limit; the oldest files go', async (t) => {
  const store = await newStore(t, 3);
  const writer = store.open(ref, 0);
  for (let i = 0; i < 18; i++) {
    writer.write({ stream: 'stdout', data: Buffer.from(line(i)), time: new Date() });
  }
  await writer.close();
  const files = (await readdir(dirOf(store))).sort();
  t.equal(files.length, 3, `the live file and 2 rotated ones: ${files.join(' ')}`);
  t.ok(files.includes('0.log'));
  const rotated = files.filter((f) => f !== '0.log');
  for (const name of rotated) t.match(name, /^0\.log\.\d{8}-\d{6}(\.\d+)?$/);
  // 18 lines, 4 per file: 4 files were made (16 lines) and the live one has 2; the first 2 files went.
  const contents = await Promise.all(
    [...rotated, '0.log'].map((f) => readFile(path.join(dirOf(store), f), 'utf8')),
  );
  for (const content of contents) t.ok(Buffer.byteLength(content) <= 4 * ENTRY_BYTES);
  const kept = contents.join('').replace(/^\S+ stdout F /gm, '');
  t.equal(kept, Array.from({ length: 10 }, (_, i) => line(i + 8)).join(''));
  t.equal(
    await drain(store.read(ref, {})),
    line(16) + line(17),
    'a read shows the live file, as the kubelet',
  );
});

t.test('a follower goes on across rotations, missing and repeating nothing', async (t) => {
  const store = await newStore(t, 100);
  const writer = store.open(ref, 0);
  const iterator = store.read(ref, { follow: true })[Symbol.asyncIterator]();
  await iterator.next();
  const reading = (async () => {
    let text = '';
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      text += Buffer.from(next.value).toString();
    }
    return text;
  })();
  const expected: string[] = [];
  for (let i = 0; i < 60; i++) {
    writer.write({ stream: 'stdout', data: Buffer.from(line(i)), time: new Date() });
    expected.push(line(i));
    // Sometimes let the follower catch up, sometimes not: rotations happen in both states.
    if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await writer.close();
  t.equal(await reading, expected.join(''));
  t.ok((await readdir(dirOf(store))).length >= 15, 'the log was rotated many times');
  t.equal(store.activeReads(), 0);
});

t.test('a follower behind by more than the kept files goes on with what remains', async (t) => {
  const store = await newStore(t, 2);
  const writer = store.open(ref, 0);
  const iterator = store.read(ref, { follow: true })[Symbol.asyncIterator]();
  await iterator.next();
  for (let i = 0; i < 40; i++) {
    writer.write({ stream: 'stdout', data: Buffer.from(line(i)), time: new Date() });
  }
  await writer.close();
  let text = '';
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    text += Buffer.from(next.value).toString();
  }
  const lines = text.split('\n').filter(Boolean);
  t.ok(lines.length > 0, `${lines.length} lines followed`);
  t.equal(lines.at(-1), 'line 039', 'up to the last line');
  const numbers = lines.map((l) => Number(l.slice(5)));
  t.ok(
    numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? -1)),
    'in order, without repeats',
  );
  t.equal((await readdir(dirOf(store))).length, 2);
});

t.test('rotation settings are checked', async (t) => {
  t.throws(() => createContainerLogStore({ root: '/tmp/x', containerLogMaxFiles: 1 }), RangeError);
  t.throws(() => createContainerLogStore({ root: '/tmp/x', containerLogMaxSize: 0 }), RangeError);
});
