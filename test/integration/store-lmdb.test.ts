// The Store contract against LMDB, plus what only a durable store has:
// reopening keeps data, revision and compaction point; a SIGKILL never loses
// an acknowledged write; one process owns a store directory.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { StoreError, openLmdbStore } from '../../controlplane/store/index.js';
import { MAX_KEPT_VALUE_BYTES } from '../../controlplane/store/recent-values.js';
import { rejectsWithCode, storeSuite, waitFor } from '../unit/store-suite.js';

/** `text` as a RegExp matching it literally. */
const literally = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const crashWriter = fileURLToPath(new URL('./store-crash-writer.js', import.meta.url));

const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-store-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
let stores = 0;
/** A fresh store directory under the test's temp root. */
const newDir = (): string => path.join(root, `store-${++stores}`);

storeSuite('lmdb', (options) => openLmdbStore({ path: newDir(), ...options }));

t.test('lmdb: big values are read from disk, never an older small one from memory', async (t) => {
  const store = await openLmdbStore({ path: newDir() });
  t.teardown(() => store.close());
  await store.create('/cm', { data: { a: 'small' } });
  t.same((await store.get('/cm'))?.value, { data: { a: 'small' } });
  const big = { data: { a: 'x'.repeat(MAX_KEPT_VALUE_BYTES) } };
  await store.update('/cm', big);
  const read = await store.get('/cm');
  t.same(read?.value, big, 'the big value, not the small one kept before');
  (read?.value as { data: { a: string } }).data.a = 'changed by the caller';
  t.same((await store.get('/cm'))?.value, big, 'a get hands over its own copy');
  await store.update('/cm', { data: { a: 'small again' } });
  t.same((await store.get('/cm'))?.value, { data: { a: 'small again' } });
});

t.test('lmdb: reopening keeps values, revision and compaction point', async (t) => {
  const dir = newDir();
  const first = await openLmdbStore({ path: dir });
  for (let i = 0; i < 10; i++) await first.create(`/r/${i}`, { i });
  await first.update('/r/3', { i: 'three' });
  await first.delete('/r/4');
  await first.compact(5);
  const listed = await first.list('/r/');
  // Answered from the store's memory of recent writes: the same as on disk.
  const fromMemory = await Promise.all(listed.items.map((item) => first.get(item.key)));
  t.same(fromMemory, listed.items, 'gets of just-written keys agree with a list');
  t.equal(await first.get('/r/4'), undefined, 'a deleted key is gone');
  await first.close();

  const second = await openLmdbStore({ path: dir });
  t.teardown(() => second.close());
  t.equal(second.revision(), 12);
  t.equal(second.compactedRevision(), 5);
  t.same(await second.list('/r/'), listed);
  t.same(
    await Promise.all(listed.items.map((item) => second.get(item.key))),
    listed.items,
    'gets after reopening (from disk) agree too',
  );
  t.same(await second.get('/r/3'), {
    key: '/r/3',
    value: { i: 'three' },
    revision: 11,
    createRevision: 4,
  });
  const created = await second.create('/r/new', 1);
  t.equal(created.revision, 13, 'revisions continue after reopening');
  const controller = new AbortController();
  const events = [];
  for await (const event of second.watch('/r/', 5, controller.signal)) {
    events.push(event.revision);
    if (event.revision === 13) controller.abort();
  }
  t.same(events, [6, 7, 8, 9, 10, 11, 12, 13], 'the log after the compaction point survives');
  const error = await (async () => {
    for await (const _ of second.watch('/r/', 4, new AbortController().signal)) void _;
  })().catch((e: unknown) => e);
  t.ok(
    error instanceof StoreError && error.code === 'Compacted',
    'the compacted log stays compacted',
  );
});

t.test('lmdb: compaction removes the log in chunks and keeps every value', async (t) => {
  const store = await openLmdbStore({ path: newDir(), compaction: false });
  t.teardown(() => store.close());
  const total = 12_000;
  for (let start = 0; start < total; start += 1000) {
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => store.create(`/big/${start + i}`, start + i)),
    );
  }
  await store.compact(total - 10);
  t.equal(store.compactedRevision(), total - 10);
  const controller = new AbortController();
  const replayed: number[] = [];
  for await (const event of store.watch('/big/', total - 10, controller.signal)) {
    replayed.push(event.revision);
    if (event.revision === total) controller.abort();
  }
  t.equal(replayed.length, 10);
  const page = await store.list('/big/', { limit: 5000 });
  t.equal(page.items.length, 5000);
  t.equal(page.remaining, total - 5000);
});

t.test('lmdb: a write that fails on its value leaves nothing behind', async (t) => {
  const store = await openLmdbStore({ path: newDir() });
  t.teardown(() => store.close());
  await store.create('/a', 1);
  // MessagePack has no integer this large; the write fails inside its batch.
  const huge = { n: 2n ** 70n };
  const results = await Promise.allSettled([
    store.create('/b', 2),
    store.create('/huge', huge),
    store.update('/a', huge),
    store.create('/c', 3),
  ]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    'only the bad writes fail',
  );
  t.equal(store.revision(), 3, 'the failed writes took no revision');
  t.equal(await store.get('/huge'), undefined);
  t.same(await store.get('/a'), { key: '/a', value: 1, revision: 1, createRevision: 1 });
  t.same(
    (await store.list('/')).items.map((i) => [i.key, i.revision]),
    [
      ['/a', 1],
      ['/b', 2],
      ['/c', 3],
    ],
  );
  t.equal((await store.create('/d', 4)).revision, 4);
});

t.test('lmdb: automatic compaction', async (t) => {
  const store = await openLmdbStore({
    path: newDir(),
    compaction: { intervalMs: 20, retainRevisions: 5 },
  });
  t.teardown(() => store.close());
  for (let i = 0; i < 30; i++) await store.create(`/a/${i}`, i);
  await waitFor(() => store.compactedRevision() === 25, 5000, 'a compaction');
  t.equal((await store.list('/a/')).items.length, 30);
});

t.test('lmdb: one process owns a store', async (t) => {
  const dir = newDir();
  const store = await openLmdbStore({ path: dir });
  await t.rejects(
    openLmdbStore({ path: dir }),
    new RegExp(`${literally(dir)} is in use by this process`),
    'a second opener in the same process is refused',
  );
  await store.close();
  const again = await openLmdbStore({ path: dir });
  t.teardown(() => again.close());
  t.equal(again.revision(), 0, 'the lock is released on close');
  t.same(
    (await readdir(dir)).filter((name) => name.startsWith('LOCK.')),
    [],
    'no temp lock files left behind',
  );
});

t.test('lmdb: a stale lock is taken over', async (t) => {
  const dir = newDir();
  await mkdir(dir, { recursive: true });
  const stale = [
    'garbage',
    JSON.stringify({ pid: 2 ** 22 + 12345 }),
    // This process's pid, started at another time: a pid reused after a crash.
    ...(existsSync('/proc/self/stat') ? [JSON.stringify({ pid: process.pid, start: '1' })] : []),
  ];
  for (const content of stale) {
    await writeFile(path.join(dir, 'LOCK'), content);
    const store = await openLmdbStore({ path: dir });
    t.match(await readFile(path.join(dir, 'LOCK'), 'utf8'), `"pid":${process.pid}`, content);
    await store.close();
    t.notOk(existsSync(path.join(dir, 'LOCK')), 'close removes the lock');
  }
});

/** Runs the crash writer on `dir` until `acks` writes were acknowledged or `ms` passed, then SIGKILLs it. */
async function writeAndKill(
  t: Test,
  dir: string,
  round: number,
  acks: number,
  ms: number,
): Promise<string[]> {
  const child = spawn(process.execPath, [crashWriter, dir, String(round)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acknowledged: string[] = [];
  let buffered = '';
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    // 'close': after the exit and after stdout is drained, so no acknowledgement is missed.
    child.once('close', (code, signal) => resolve(signal ?? code)),
  );
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() as string;
    for (const line of lines) {
      if (line === 'ready') ready();
      else acknowledged.push(line);
    }
  });
  await Promise.race([
    isReady,
    exited.then((how) => Promise.reject(new Error(`writer exited: ${how}`))),
  ]);
  // While the writer runs, its store is locked.
  const error = await openLmdbStore({ path: dir }).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  t.match(
    String(error),
    new RegExp(`${literally(dir)} is in use by process ${child.pid}`),
    'a second opener is refused',
  );
  const deadline = Date.now() + ms;
  await waitFor(
    () => acknowledged.length >= acks || Date.now() > deadline,
    ms + 5000,
    'acknowledgements',
  );
  child.kill('SIGKILL');
  t.equal(await exited, 'SIGKILL');
  return acknowledged;
}

t.test('lmdb: SIGKILL never loses an acknowledged write', async (t) => {
  const dir = newDir();
  let total = 0;
  for (let round = 1; round <= 3; round++) {
    const acknowledged = await writeAndKill(t, dir, round, 400 * round, 1000);
    t.ok(acknowledged.length > 0, `round ${round}: ${acknowledged.length} writes acknowledged`);
    total += acknowledged.length;
    const store = await openLmdbStore({ path: dir, compaction: false });
    try {
      let missing = 0;
      for (const key of acknowledged) {
        const stored = await store.get(key);
        const [, , r, writer, n] = key.split('/');
        const value = stored?.value as
          { round: string; writer: number; n: number; pad: string } | undefined;
        if (
          !value ||
          value.round !== r ||
          value.writer !== Number(writer) ||
          value.n !== Number(n) ||
          value.pad.length !== 1500
        ) {
          missing++;
        }
      }
      t.equal(missing, 0, `round ${round}: every acknowledged key is there with its value`);
      t.ok(
        store.revision() >= total,
        `round ${round}: revision ${store.revision()} ≥ ${total} acknowledged`,
      );
      t.equal(
        (await store.list('/crash/')).items.length,
        store.revision(),
        'one key per revision, nothing half-written',
      );
      await rejectsWithCode(
        t,
        store.create(acknowledged[0] as string, 1),
        'AlreadyExists',
        'the store works after the crash',
      );
    } finally {
      await store.close();
    }
  }
});
