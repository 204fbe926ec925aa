// The node's container log store, as `kubectl logs` reads it: the kubelet's
// layout and CRI format on disk, the current and the previous run, tail,
// timestamps, since, limitBytes, follow, and the kubelet's messages when there
// is nothing to read.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import t from 'tap';
import type {
  ContainerLogRef,
  FileContainerLogStore,
  LogReadOptions,
} from '../../runtime/agent/logs/index.js';
import { createContainerLogStore, LogNotFoundError } from '../../runtime/agent/logs/index.js';

const ref: ContainerLogRef = {
  namespace: 'default',
  pod: 'web',
  podUid: 'uid-1',
  container: 'main',
};
const at = (iso: string) => new Date(iso);

async function newStore(
  t: Test,
  options: { now?: () => Date; containerLogMaxSize?: number; maxBufferBytes?: number } = {},
): Promise<FileContainerLogStore> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-logs-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  return createContainerLogStore({ root, ...options });
}

async function readText(
  store: FileContainerLogStore,
  options: LogReadOptions = {},
  which: ContainerLogRef = ref,
): Promise<string> {
  let text = '';
  for await (const chunk of store.read(which, options)) text += Buffer.from(chunk).toString();
  return text;
}

/** Writes `lines` (each with its newline) to run `run`, one second apart from `start`. */
async function writeRun(
  store: FileContainerLogStore,
  run: number,
  lines: string[],
  start = '2024-05-01T10:00:00Z',
): Promise<void> {
  const writer = store.open(ref, run);
  lines.forEach((line, i) => {
    const time = new Date(Date.parse(start) + i * 1000);
    writer.write({ stream: i % 2 ? 'stderr' : 'stdout', data: Buffer.from(line), time });
  });
  await writer.close();
}

t.test('the kubelet layout and the CRI format on disk', async (t) => {
  const store = await newStore(t);
  const writer = store.open(ref, 0);
  writer.write({
    stream: 'stdout',
    data: Buffer.from('hello\nwor'),
    time: at('2016-10-06T00:17:09.669Z'),
  });
  writer.write({ stream: 'stderr', data: Buffer.from('oops\n'), time: at('2016-10-06T00:17:10Z') });
  writer.write({ stream: 'stdout', data: Buffer.from('ld\n'), time: at('2016-10-06T00:17:11Z') });
  await writer.close();
  const dir = path.join(store.root, 'default_web_uid-1', 'main');
  t.same(await readdir(dir), ['0.log']);
  t.equal(
    await readFile(path.join(dir, '0.log'), 'utf8'),
    '2016-10-06T00:17:09.669000000Z stdout F hello\n' +
      '2016-10-06T00:17:09.669000000Z stdout P wor\n' +
      '2016-10-06T00:17:10.000000000Z stderr F oops\n' +
      '2016-10-06T00:17:11.000000000Z stdout F ld\n',
  );
  t.equal(await readText(store), 'hello\nworoops\nld\n', 'the payload, partial lines joined');
  t.equal(
    await readText(store, { timestamps: true }),
    '2016-10-06T00:17:09.669000000Z hello\n' +
      '2016-10-06T00:17:09.669000000Z wor' +
      '2016-10-06T00:17:10.000000000Z oops\n' +
      'ld\n',
    'one timestamp per line: the continuation of a partial line has none',
  );
});

t.test('current and previous runs', async (t) => {
  const store = await newStore(t);
  await writeRun(store, 0, ['first run\n']);
  await writeRun(store, 1, ['second run\n']);
  await writeRun(store, 2, ['third run\n']);
  t.equal(await readText(store), 'third run\n', 'the current run is the highest restartCount');
  t.equal(await readText(store, { previous: true }), 'second run\n');
});

t.test('no log: the kubelet messages', async (t) => {
  const store = await newStore(t);
  await t.rejects(readText(store), {
    name: 'LogNotFoundError',
    message: 'container "main" in pod "web" is waiting to start - no logs yet',
  });
  await writeRun(store, 0, ['only run\n']);
  await t.rejects(
    readText(store, { previous: true }),
    new LogNotFoundError('previous terminated container "main" in pod "web" not found'),
  );
  await t.rejects(readText(store, {}, { ...ref, podUid: 'another-uid' }), LogNotFoundError);
});

t.test('tailLines counts lines, partial pieces included in theirs', async (t) => {
  const store = await newStore(t);
  await writeRun(store, 0, ['one\n', 'two\n', 'thr', 'ee\n', 'four\n', 'fi']);
  t.equal(await readText(store, { tailLines: 2 }), 'four\nfi');
  t.equal(await readText(store, { tailLines: 3 }), 'three\nfour\nfi');
  t.equal(await readText(store, { tailLines: 1 }), 'fi', 'an unfinished last line is a line');
  t.equal(await readText(store, { tailLines: 0 }), '');
  t.equal(await readText(store, { tailLines: 100 }), 'one\ntwo\nthree\nfour\nfi');
});

t.test('tail of a file bigger than the read block', async (t) => {
  const store = await newStore(t);
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}\n`);
  await writeRun(store, 0, lines);
  t.equal(await readText(store, { tailLines: 3 }), lines.slice(-3).join(''));
  t.equal(await readText(store, { tailLines: 2500 }), lines.slice(-2500).join(''));
  t.equal(await readText(store), lines.join(''));
});

t.test('sinceSeconds and sinceTime skip older lines; the later bound wins', async (t) => {
  const store = await newStore(t, { now: () => at('2024-05-01T10:00:05Z') });
  await writeRun(store, 0, ['at 0\n', 'at 1\n', 'at 2\n', 'at 3\n', 'at 4\n']);
  t.equal(await readText(store, { sinceSeconds: 2 }), 'at 3\nat 4\n');
  t.equal(await readText(store, { sinceTime: '2024-05-01T10:00:01Z' }), 'at 1\nat 2\nat 3\nat 4\n');
  t.equal(await readText(store, { sinceSeconds: 4, sinceTime: '2024-05-01T10:00:04Z' }), 'at 4\n');
  t.equal(await readText(store, { tailLines: 3, sinceSeconds: 2 }), 'at 3\nat 4\n');
});

t.test('limitBytes cuts the output, in the middle of a line if need be', async (t) => {
  const store = await newStore(t);
  await writeRun(store, 0, ['hello\n', 'world\n']);
  t.equal(await readText(store, { limitBytes: 8 }), 'hello\nwo');
  t.equal(await readText(store, { limitBytes: 6 }), 'hello\n');
  t.equal(
    await readText(store, { limitBytes: 33, timestamps: true }),
    '2024-05-01T10:00:00.000000000Z he',
  );
});

t.test('follow yields what is written later and ends when the writer closes', async (t) => {
  const store = await newStore(t);
  const writer = store.open(ref, 0);
  writer.write({ stream: 'stdout', data: Buffer.from('before\n'), time: new Date() });
  const seen: string[] = [];
  const reading = (async () => {
    for await (const chunk of store.read(ref, { follow: true })) {
      if (chunk.length > 0) seen.push(Buffer.from(chunk).toString());
    }
  })();
  await waitFor(() => seen.join('') === 'before\n');
  writer.write({ stream: 'stdout', data: Buffer.from('after\n'), time: new Date() });
  await waitFor(() => seen.join('') === 'before\nafter\n');
  t.equal(store.activeReads(), 1);
  writer.write({ stream: 'stdout', data: Buffer.from('last\n'), time: new Date() });
  await writer.close();
  await reading;
  t.equal(seen.join(''), 'before\nafter\nlast\n', 'everything written before close is read');
  t.equal(store.activeReads(), 0);
});

t.test('follow with tailLines: 0 starts at the end', async (t) => {
  const store = await newStore(t);
  const writer = store.open(ref, 0);
  writer.write({ stream: 'stdout', data: Buffer.from('old\n'), time: new Date() });
  const iterator = store.read(ref, { follow: true, tailLines: 0 })[Symbol.asyncIterator]();
  await iterator.next(); // the log is open: what comes next is new
  writer.write({ stream: 'stdout', data: Buffer.from('new\n'), time: new Date() });
  await writer.close();
  let text = '';
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    text += Buffer.from(next.value).toString();
  }
  t.equal(text, 'new\n');
});

t.test('a follow ends when its signal aborts, and on a closed run at once', async (t) => {
  const store = await newStore(t);
  const writer = store.open(ref, 0);
  const abort = new AbortController();
  const text = readText(store, { follow: true, signal: abort.signal });
  await waitFor(() => store.activeReads() === 1);
  abort.abort();
  t.equal(await text, '');
  t.equal(store.activeReads(), 0, 'no follower left behind');
  writer.write({ stream: 'stdout', data: Buffer.from('done\n'), time: new Date() });
  await writer.close();
  t.equal(await readText(store, { follow: true }), 'done\n', 'a closed run is read to its end');
});

t.test('the first chunk comes before the container writes anything', async (t) => {
  const store = await newStore(t);
  const writer = store.open(ref, 0);
  const iterator = store.read(ref, { follow: true })[Symbol.asyncIterator]();
  const first = await iterator.next();
  t.same(first, { done: false, value: new Uint8Array(0) });
  await writer.close();
  t.same(await iterator.next(), { done: true, value: undefined });
});

t.test('a run has one writer at a time; a closed run is appended to', async (t) => {
  const store = await newStore(t);
  const writer = store.open(ref, 0);
  t.throws(() => store.open(ref, 0), /already open/);
  writer.write({ stream: 'stdout', data: Buffer.from('a\n'), time: new Date() });
  await writer.close();
  const again = store.open(ref, 0);
  again.write({ stream: 'stdout', data: Buffer.from('b\n'), time: new Date() });
  await again.close();
  t.equal(await readText(store), 'a\nb\n');
  writer.write({ stream: 'stdout', data: Buffer.from('ignored\n'), time: new Date() });
  t.equal(await readText(store), 'a\nb\n', 'a closed writer writes nothing');
});

t.test('writes never wait for the disk; past the buffer, output is dropped', async (t) => {
  const store = await newStore(t, { maxBufferBytes: 4096 });
  const writer = store.open(ref, 0);
  const line = Buffer.from(`${'y'.repeat(99)}\n`);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) writer.write({ stream: 'stdout', data: line, time: new Date() });
  const elapsed = performance.now() - started;
  await writer.close();
  const text = await readText(store);
  t.ok(elapsed < 200, `1000 writes took ${elapsed.toFixed(1)} ms`);
  t.ok(text.length > 0 && text.length < 1000 * line.length, 'some output was dropped');
  t.equal(text.length % line.length, 0, 'whole writes are dropped, never parts of one');
  t.equal(store.droppedBytes(), 1000 * line.length - text.length);
});

t.test('removePod removes every log of the pod and ends its followers', async (t) => {
  const store = await newStore(t);
  await writeRun(store, 0, ['x\n']);
  const other = { ...ref, pod: 'other', podUid: 'uid-2' };
  const otherWriter = store.open(other, 0);
  otherWriter.write({ stream: 'stdout', data: Buffer.from('kept\n'), time: new Date() });
  await otherWriter.close();
  const writer = store.open({ ...ref, container: 'sidecar' }, 0);
  writer.write({ stream: 'stdout', data: Buffer.from('y\n'), time: new Date() });
  const iterator = store
    .read({ ...ref, container: 'sidecar' }, { follow: true })
    [Symbol.asyncIterator]();
  await iterator.next(); // following
  await store.removePod(ref);
  let followed = '';
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    followed += Buffer.from(next.value).toString();
  }
  t.equal(followed, 'y\n');
  t.same(await readdir(store.root), ['default_other_uid-2']);
  await t.rejects(readText(store), LogNotFoundError);
  t.equal(await readText(store, {}, other), 'kept\n');
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
