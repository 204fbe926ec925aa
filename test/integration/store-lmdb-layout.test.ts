// The LMDB store's on-disk layout: a store written by an older Skiff (layout
// 1, msgpack records) is migrated when opened, keeping its values, revisions,
// log (watches replay it) and compaction point; a layout from a newer Skiff
// is refused by name and left untouched.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { open } from 'lmdb';
import t from 'tap';
import { openLmdbStore, type StoreEvent } from '../../controlplane/store/index.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-layout-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

const pod = (name: string, phase: string) => ({ metadata: { name }, status: { phase } });

/**
 * Writes, as Skiff's layout 1 did (lmdb-js' default msgpack encoding): a/1 and
 * b/2 created, a updated at 3, b deleted at 4, compacted at 1.
 */
async function writeLayoutOne(dir: string): Promise<void> {
  const env = open<unknown, string>({ path: dir, maxDbs: 4 });
  const data = env.openDB<unknown, string>({ name: 'data' });
  const log = env.openDB<unknown, [number, string]>({ name: 'log' });
  const meta = env.openDB<number, string>({ name: 'meta' });
  await env.transaction(() => {
    void data.put('/pods/a', { value: pod('a', 'Running'), revision: 3, createRevision: 1 });
    void log.put([2, '/pods/b'], {
      type: 'ADDED',
      key: '/pods/b',
      revision: 2,
      value: pod('b', 'Pending'),
      createRevision: 2,
    });
    void log.put([3, '/pods/a'], {
      type: 'MODIFIED',
      key: '/pods/a',
      revision: 3,
      value: pod('a', 'Running'),
      createRevision: 1,
      previous: pod('a', 'Pending'),
      previousRevision: 1,
    });
    void log.put([4, '/pods/b'], {
      type: 'DELETED',
      key: '/pods/b',
      revision: 4,
      createRevision: 2,
      previous: pod('b', 'Pending'),
      previousRevision: 2,
    });
    void meta.put('revision', 4);
    void meta.put('compacted', 1);
    void meta.put('format', 1);
  });
  await env.close();
}

async function replay(store: Awaited<ReturnType<typeof openLmdbStore>>, after: number) {
  const events: StoreEvent[] = [];
  const abort = new AbortController();
  for await (const event of store.watch('/pods/', after, abort.signal)) {
    events.push(event);
    if (event.revision === store.revision()) abort.abort();
  }
  return events.map(({ type, key, revision, value, previous }) => ({
    type,
    key,
    revision,
    value,
    previous,
  }));
}

t.test('a layout 1 store is migrated when opened, and keeps everything', async (t) => {
  const dir = path.join(root, 'one');
  await writeLayoutOne(dir);
  const store = await openLmdbStore({ path: dir });
  t.teardown(() => store.close());
  t.equal(store.revision(), 4);
  t.equal(store.compactedRevision(), 1);
  t.same(await store.get('/pods/a'), {
    key: '/pods/a',
    value: pod('a', 'Running'),
    revision: 3,
    createRevision: 1,
  });
  t.equal(await store.get('/pods/b'), undefined);
  t.same(
    (await store.list('/pods/', { revision: 2 })).items.map((item) => [item.key, item.value]),
    [
      ['/pods/a', pod('a', 'Pending')],
      ['/pods/b', pod('b', 'Pending')],
    ],
    'a list at a past revision reads the migrated log',
  );
  t.same(
    await replay(store, 1),
    [
      {
        type: 'ADDED',
        key: '/pods/b',
        revision: 2,
        value: pod('b', 'Pending'),
        previous: undefined,
      },
      {
        type: 'MODIFIED',
        key: '/pods/a',
        revision: 3,
        value: pod('a', 'Running'),
        previous: pod('a', 'Pending'),
      },
      {
        type: 'DELETED',
        key: '/pods/b',
        revision: 4,
        value: pod('b', 'Pending'),
        previous: pod('b', 'Pending'),
      },
    ],
    'a watch replays the migrated log',
  );
  const updated = await store.update('/pods/a', pod('a', 'Succeeded'), 3);
  t.equal(updated.revision, 5, 'writes continue from the migrated revision');
  t.same((await replay(store, 4))[0]?.previous, pod('a', 'Running'));
  await store.close();

  const env = open<unknown, string>({ path: dir, maxDbs: 4 });
  t.teardown(() => env.close());
  t.equal(env.openDB<number, string>({ name: 'meta' }).get('format'), 2, 'recorded as layout 2');
});

t.test('a layout 1 store bigger than a migration chunk is migrated whole', async (t) => {
  const dir = path.join(root, 'big');
  const count = 2_500;
  const env = open<unknown, string>({ path: dir, maxDbs: 4 });
  const data = env.openDB<unknown, string>({ name: 'data' });
  const log = env.openDB<unknown, [number, string]>({ name: 'log' });
  const meta = env.openDB<number, string>({ name: 'meta' });
  await env.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const key = `/pods/p${String(i).padStart(5, '0')}`;
      const value = pod(`p${i}`, 'Pending');
      void data.put(key, { value, revision: i, createRevision: i });
      void log.put([i, key], { type: 'ADDED', key, revision: i, value, createRevision: i });
    }
    void meta.put('revision', count);
    void meta.put('format', 1);
  });
  await env.close();

  const store = await openLmdbStore({ path: dir });
  t.teardown(() => store.close());
  const listed = await store.list('/pods/');
  t.equal(listed.items.length, count, 'every record');
  t.same(listed.items[count - 1]?.value, pod(`p${count}`, 'Pending'));
  const past = await store.list('/pods/', { revision: 1 });
  t.equal(past.items.length, 1, 'every log entry: a list at revision 1 undoes the rest');
  t.equal((await replay(store, 0)).length, count);
});

t.test('a layout from a newer Skiff is refused, naming the store, and left as it is', async (t) => {
  const dir = path.join(root, 'newer');
  const env = open<unknown, string>({ path: dir, maxDbs: 4 });
  await env.openDB<number, string>({ name: 'meta' }).put('format', 9);
  await env.close();
  await t.rejects(openLmdbStore({ path: dir }), {
    message: new RegExp(`the store at ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has layout 9`),
  });
  const again = open<unknown, string>({ path: dir, maxDbs: 4 });
  t.teardown(() => again.close());
  t.equal(again.openDB<number, string>({ name: 'meta' }).get('format'), 9);
});
