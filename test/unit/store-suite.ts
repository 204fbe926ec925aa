// The Store contract as tests, run against every implementation (the memory
// store here in unit tests, LMDB in test/integration/store-lmdb.test.ts).

import t, { type Test } from 'tap';
import {
  StoreError,
  type Store,
  type StoreErrorCode,
  type StoreEvent,
  type Stored,
} from '../../controlplane/store/index.js';

/** What a suite may ask of the store it opens. */
export interface SuiteStoreOptions {
  readonly maxBufferedEvents?: number;
}

/** A fresh, empty store; the suite closes it, the factory's owner removes its files. */
export type StoreFactory = (options?: SuiteStoreOptions) => Promise<Store>;

/** Asserts that `promise` rejects with StoreError `code`; returns the error. */
export async function rejectsWithCode(
  t: Test,
  promise: Promise<unknown>,
  code: StoreErrorCode,
  what: string,
): Promise<StoreError | undefined> {
  try {
    await promise;
    t.fail(`${what}: it succeeded`);
  } catch (error) {
    if (error instanceof StoreError && error.code === code) {
      t.pass(what);
      return error;
    }
    t.fail(`${what}: ${String(error)}`);
  }
  return undefined;
}

/** Resolves once `condition` holds; rejects after `ms`. */
export async function waitFor(
  condition: () => boolean,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Events of a watch, collected as they come, until aborted. */
interface Collector {
  readonly events: StoreEvent[];
  readonly controller: AbortController;
  /** Settles when the iteration ends: undefined, or what it threw. */
  readonly done: Promise<unknown>;
}

function collect(store: Store, prefix: string, after: number): Collector {
  const controller = new AbortController();
  const events: StoreEvent[] = [];
  const done = (async () => {
    for await (const event of store.watch(prefix, after, controller.signal)) events.push(event);
  })().then(
    () => undefined,
    (error: unknown) => error,
  );
  return { events, controller, done };
}

/** The fields of an event a test compares. */
function shape(event: StoreEvent): Record<string, unknown> {
  return {
    type: event.type,
    key: event.key,
    revision: event.revision,
    value: event.value,
    ...(event.previous === undefined ? {} : { previous: event.previous }),
  };
}

function keysOf(items: readonly Stored[]): string[] {
  return items.map((item) => item.key);
}

/** Registers the contract tests for the store `open` makes, under `name`. */
export function storeSuite(name: string, open: StoreFactory): void {
  const fresh = async (t: Test, options?: SuiteStoreOptions): Promise<Store> => {
    const store = await open(options);
    t.teardown(() => store.close());
    return store;
  };

  t.test(`${name}: create, get, update, delete`, async (t) => {
    const store = await fresh(t);
    t.equal(store.revision(), 0, 'an empty store is at revision 0');
    t.equal(store.compactedRevision(), 0);
    t.equal(await store.get('/a'), undefined);

    const created = await store.create('/a', { n: 1 });
    t.same(created, { key: '/a', value: { n: 1 }, revision: 1, createRevision: 1 });
    t.equal(store.revision(), 1);
    t.same(await store.get('/a'), created);

    await store.create('/b', 'b');
    const updated = await store.update('/a', { n: 2 });
    t.same(
      updated,
      { key: '/a', value: { n: 2 }, revision: 3, createRevision: 1 },
      'createRevision kept',
    );
    const again = await store.update('/a', { n: 3 }, 3);
    t.same(again, { key: '/a', value: { n: 3 }, revision: 4, createRevision: 1 });

    const deleted = await store.delete('/a', 4);
    t.same(
      deleted,
      { key: '/a', value: { n: 3 }, revision: 5, createRevision: 1 },
      'the deleted value at the delete revision',
    );
    t.equal(await store.get('/a'), undefined);
    t.equal(store.revision(), 5);

    const recreated = await store.create('/a', null);
    t.same(
      recreated,
      { key: '/a', value: null, revision: 6, createRevision: 6 },
      'a new life, a new createRevision',
    );
    t.same(await store.get('/b'), { key: '/b', value: 'b', revision: 2, createRevision: 2 });
  });

  t.test(`${name}: AlreadyExists, NotFound, Conflict`, async (t) => {
    const store = await fresh(t);
    await store.create('/k', 1);
    await store.update('/k', 2);
    const revision = store.revision();
    await rejectsWithCode(t, store.create('/k', 3), 'AlreadyExists', 'create of an existing key');
    await rejectsWithCode(t, store.update('/none', 1), 'NotFound', 'update of an absent key');
    await rejectsWithCode(t, store.delete('/none'), 'NotFound', 'delete of an absent key');
    await rejectsWithCode(
      t,
      store.update('/none', 1, 1),
      'NotFound',
      'a CAS update of an absent key',
    );
    const conflict = await rejectsWithCode(
      t,
      store.update('/k', 4, 1),
      'Conflict',
      'update at an old revision',
    );
    t.equal(conflict?.revision, 2, 'Conflict carries the current revision');
    t.equal(conflict?.key, '/k');
    const conflictDelete = await rejectsWithCode(
      t,
      store.delete('/k', 7),
      'Conflict',
      'delete at a wrong revision',
    );
    t.equal(conflictDelete?.revision, 2);
    t.equal(store.revision(), revision, 'refused writes take no revision');
    t.same(await store.get('/k'), { key: '/k', value: 2, revision: 2, createRevision: 1 });
    await t.rejects(store.create('', 1), RangeError, 'an empty key is refused');
  });

  t.test(`${name}: one global revision, every write increments it`, async (t) => {
    const store = await fresh(t);
    const revisions: number[] = [];
    for (let i = 0; i < 5; i++) revisions.push((await store.create(`/x/${i}`, i)).revision);
    revisions.push((await store.update('/x/0', 'u')).revision);
    revisions.push((await store.delete('/x/1')).revision);
    revisions.push((await store.create(`/y`, 'y')).revision);
    t.same(revisions, [1, 2, 3, 4, 5, 6, 7, 8]);
    const concurrent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.create(`/z/${i}`, i)),
    );
    const sorted = concurrent.map((s) => s.revision).sort((a, b) => a - b);
    t.same(
      sorted,
      Array.from({ length: 20 }, (_, i) => 9 + i),
      'concurrent writes: distinct, no gaps',
    );
    t.equal(store.revision(), 28);
  });

  t.test(`${name}: list by prefix, in key order`, async (t) => {
    const store = await fresh(t);
    const keys = [
      '/registry/pods/b',
      '/registry/pods/ab',
      '/registry/pods/a/x',
      '/registry/pods/a',
      '/registry/pods/a/y',
      '/registry/podsz',
      '/registry/pod',
      '/registry/services/a/x',
    ];
    for (const key of keys) await store.create(key, key);
    const slash = await store.list('/registry/pods/a/');
    t.same(
      keysOf(slash.items),
      ['/registry/pods/a/x', '/registry/pods/a/y'],
      '"a/" does not see "ab"',
    );
    t.equal(slash.revision, store.revision());
    t.equal(slash.continue, undefined);
    const bare = await store.list('/registry/pods/a');
    t.same(
      keysOf(bare.items),
      ['/registry/pods/a', '/registry/pods/a/x', '/registry/pods/a/y', '/registry/pods/ab'],
      'a prefix without a slash is a plain string prefix',
    );
    const pods = await store.list('/registry/pods/');
    t.same(keysOf(pods.items), [
      '/registry/pods/a',
      '/registry/pods/a/x',
      '/registry/pods/a/y',
      '/registry/pods/ab',
      '/registry/pods/b',
    ]);
    t.same(pods.items[0], {
      key: '/registry/pods/a',
      value: '/registry/pods/a',
      revision: 4,
      createRevision: 4,
    });
    t.same((await store.list('/nothing/')).items, []);
    t.equal((await store.list('')).items.length, keys.length, 'the empty prefix lists everything');
  });

  t.test(`${name}: key order is code point order`, async (t) => {
    const store = await fresh(t);
    // UTF-16 order would put the emoji (surrogates) before U+FFFD.
    const keys = ['/k/\u{1F600}', '/k/\uFFFD', '/k/é', '/k/b', '/k/a', '/k/~'];
    for (const key of keys) await store.create(key, 1);
    t.same(keysOf((await store.list('/k/')).items), [
      '/k/a',
      '/k/b',
      '/k/~',
      '/k/é',
      '/k/\uFFFD',
      '/k/\u{1F600}',
    ]);
    const page = await store.list('/k/', { limit: 4 });
    const rest = await store.list('/k/', { limit: 4, continue: page.continue });
    t.same(keysOf(rest.items), ['/k/\uFFFD', '/k/\u{1F600}']);
  });

  t.test(`${name}: pages are consistent at the first page's revision`, async (t) => {
    const store = await fresh(t);
    const key = (i: number): string => `/p/k${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 25; i++) await store.create(key(i), { i });
    await store.create('/q/other', 0);
    const before = await store.list('/p/');
    t.equal(before.items.length, 25);

    const first = await store.list('/p/', { limit: 10 });
    t.same(keysOf(first.items), keysOf(before.items.slice(0, 10)));
    t.equal(first.remaining, 15);
    t.type(first.continue, 'string');
    t.equal(first.revision, before.revision);

    // Writes between pages: each page still shows the keys as of the first.
    await store.update(key(12), { i: 'changed' });
    await store.delete(key(3));
    await store.create('/p/k05a', { i: 'new, already passed' });
    await store.create('/p/k15a', { i: 'new, ahead' });
    await store.create('/p/k21a', { i: 'new, ahead' });
    await store.delete(key(23));
    const second = await store.list('/p/', { limit: 10, continue: first.continue });
    await store.delete(key(22));
    await store.update(key(24), { i: 'changed' });
    await store.delete(key(12));
    await store.create('/p/k99', { i: 'new, at the end' });
    const third = await store.list('/p/', { limit: 10, continue: second.continue });

    t.equal(second.revision, first.revision, 'later pages report the first revision');
    t.equal(third.revision, first.revision);
    t.equal(second.remaining, 5);
    t.equal(third.continue, undefined, 'the last page has no continue');
    t.equal(third.remaining, undefined);
    t.same(
      [...first.items, ...second.items, ...third.items],
      before.items,
      'the pages add up to the list at that revision',
    );

    const now = await store.list('/p/');
    t.same(keysOf(now.items), [
      ...[0, 1, 2, 4, 5].map(key),
      '/p/k05a',
      ...[6, 7, 8, 9, 10, 11, 13, 14, 15].map(key),
      '/p/k15a',
      ...[16, 17, 18, 19, 20, 21].map(key),
      '/p/k21a',
      key(24),
      '/p/k99',
    ]);
    const limited = await store.list('/p/', { limit: 24 });
    t.equal(limited.items.length, 24);
    t.equal(limited.remaining, 1);
    const exact = await store.list('/p/', { limit: 25 });
    t.equal(exact.continue, undefined, 'no continue when the page ends the list');
    t.equal((await store.list('/p/', { limit: 0 })).items.length, 25, 'limit 0: no limit');
  });

  t.test(`${name}: lists as of a past revision`, async (t) => {
    const store = await fresh(t);
    await store.create('/r/a', 'a1');
    await store.create('/r/b', 'b1');
    await store.create('/r/c', 'c1');
    const then = store.revision();
    await store.update('/r/a', 'a2');
    await store.delete('/r/b');
    await store.create('/r/d', 'd1');
    await store.create('/s/outside', 0);

    const past = await store.list('/r/', { revision: then });
    t.equal(past.revision, then, 'served at the revision asked for');
    t.same(
      past.items.map((i) => [i.key, i.value, i.revision]),
      [
        ['/r/a', 'a1', then - 2],
        ['/r/b', 'b1', then - 1],
        ['/r/c', 'c1', then],
      ],
      'the values of then: updated keys as they were, deleted ones back, later ones absent',
    );
    const first = await store.list('/r/', { revision: then, limit: 2 });
    t.equal(first.remaining, 1);
    const rest = await store.list('/r/', { limit: 2, continue: first.continue });
    t.same(keysOf([...first.items, ...rest.items]), ['/r/a', '/r/b', '/r/c'], 'pages stay there');
    t.same(
      keysOf((await store.list('/r/', { revision: store.revision() })).items),
      ['/r/a', '/r/c', '/r/d'],
      'the latest revision is the current list',
    );
    await t.rejects(store.list('/r/', { revision: store.revision() + 1 }), RangeError);
    await store.compact(then + 1);
    const expired = await rejectsWithCode(
      t,
      store.list('/r/', { revision: then }),
      'Compacted',
      'below the compaction point',
    );
    t.equal(expired?.revision, then + 1);
  });

  t.test(`${name}: continue tokens`, async (t) => {
    const store = await fresh(t);
    for (let i = 0; i < 5; i++) await store.create(`/c/${i}`, i);
    const first = await store.list('/c/', { limit: 2 });
    await t.rejects(
      store.list('/c/', { continue: 'not a token' }),
      RangeError,
      'a malformed token',
    );
    await t.rejects(
      store.list('/d/', { continue: first.continue }),
      RangeError,
      'a token of another prefix',
    );
    await store.update('/c/4', 'x');
    await store.compact(store.revision());
    const expired = await rejectsWithCode(
      t,
      store.list('/c/', { continue: first.continue }),
      'Compacted',
      'a token older than the compaction point',
    );
    t.equal(expired?.revision, store.revision(), 'Compacted carries the compaction point');
    const fresh1 = await store.list('/c/', { limit: 2 });
    const fresh2 = await store.list('/c/', { limit: 2, continue: fresh1.continue });
    t.same(keysOf(fresh2.items), ['/c/2', '/c/3'], 'a token at the compaction point still works');
  });

  t.test(`${name}: values are copies`, async (t) => {
    const store = await fresh(t);
    const value = { spec: { replicas: 1 }, list: [1, 2] };
    const created = await store.create('/v', value);
    t.equal(created.value, value, 'a write answers with the object it was given');
    value.spec.replicas = 9;
    value.list.push(3);
    const got = await store.get('/v');
    t.same(
      got?.value,
      { spec: { replicas: 1 }, list: [1, 2] },
      'the caller changing its value changes nothing',
    );
    (got?.value as { spec: { replicas: number } }).spec.replicas = 7;
    const listed = await store.list('/');
    t.same(listed.items[0]?.value, { spec: { replicas: 1 }, list: [1, 2] });
    (listed.items[0]?.value as { list: number[] }).list.length = 0;
    const updated = await store.update('/v', value);
    t.equal(updated.value, value);
    value.list.length = 0;
    t.same((await store.get('/v'))?.value, { spec: { replicas: 9 }, list: [1, 2, 3] });
    const deleted = await store.delete('/v');
    (deleted.value as { list: number[] }).list.push(6);
    const page = await store.list('/', { limit: 1 });
    t.same(page.items, []);
  });

  t.test(`${name}: watch replays, then follows, with previous values`, async (t) => {
    const store = await fresh(t);
    await store.create('/w/a', 1);
    await store.create('/other', 1);
    await store.update('/w/a', 2);
    const watcher = collect(store, '/w/', 0);
    await waitFor(() => watcher.events.length === 2, 5000, 'the replay');
    await store.create('/w/b', 'b');
    await store.delete('/w/a');
    await store.create('/other2', 1);
    await waitFor(() => watcher.events.length === 4, 5000, 'the live events');
    watcher.controller.abort();
    t.equal(await watcher.done, undefined, 'abort ends the iteration without an error');
    t.same(watcher.events.map(shape), [
      { type: 'ADDED', key: '/w/a', revision: 1, value: 1 },
      { type: 'MODIFIED', key: '/w/a', revision: 3, value: 2, previous: 1 },
      { type: 'ADDED', key: '/w/b', revision: 4, value: 'b' },
      { type: 'DELETED', key: '/w/a', revision: 5, value: 2, previous: 2 },
    ]);
    const later = collect(store, '/w/', 3);
    await waitFor(() => later.events.length === 2, 5000, 'a replay from revision 3');
    later.controller.abort();
    await later.done;
    t.same(
      later.events.map((e) => e.revision),
      [4, 5],
    );
    const future = collect(store, '/', 100);
    await store.create('/f', 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    future.controller.abort();
    await future.done;
    t.same(future.events, [], 'a watch after a future revision waits for it');
  });

  t.test(
    `${name}: watchers at different revisions see exactly their events, in order`,
    async (t) => {
      const store = await fresh(t);
      const expected: StoreEvent[] = [];
      const writers = 8;
      const perWriter = 63;
      let writes = 0;
      const watchers: { prefix: string; after: number; collector: Collector }[] = [];
      const watchFrom = (prefix: string, after: number): void => {
        watchers.push({ prefix, after, collector: collect(store, prefix, after) });
      };
      watchFrom('/w/', 0);
      const writer = async (w: number): Promise<void> => {
        const group = w % 2 === 0 ? 'even' : 'odd';
        const values = new Map<string, unknown>();
        for (let i = 0; i < perWriter; i++) {
          const key = `/w/${group}/${w}-${i % 9}`;
          const previous = values.get(key);
          let event: StoreEvent;
          if (previous === undefined) {
            const value = { w, i };
            const stored = await store.create(key, value);
            event = { type: 'ADDED', key, revision: stored.revision, value };
            values.set(key, value);
          } else if (i % 5 === 0) {
            const stored = await store.delete(key);
            event = { type: 'DELETED', key, revision: stored.revision, value: previous, previous };
            values.delete(key);
          } else {
            const value = { w, i, pad: 'x'.repeat(i * 10) };
            const stored = await store.update(key, value);
            event = { type: 'MODIFIED', key, revision: stored.revision, value, previous };
            values.set(key, value);
          }
          expected.push(event);
          writes++;
          // Watchers join while the writers run: from the past, and from now.
          if (writes === 100) watchFrom('/w/even/', 0);
          if (writes === 200) watchFrom('/w/', store.revision());
          if (writes === 300) watchFrom('/w/odd/', 37);
          if (writes === 400) watchFrom('/w/even/', store.revision() - 150);
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      watchFrom('/w/', 120);
      t.equal(writes, writers * perWriter);
      expected.sort((a, b) => a.revision - b.revision);
      t.equal(store.revision(), writes);
      for (const { prefix, after, collector } of watchers) {
        const wanted = expected.filter((e) => e.key.startsWith(prefix) && e.revision > after);
        const last = wanted[wanted.length - 1]?.revision ?? 0;
        await waitFor(
          () => (collector.events[collector.events.length - 1]?.revision ?? 0) >= last,
          20_000,
          `the watcher of ${prefix} after ${after}`,
        );
        collector.controller.abort();
        t.equal(await collector.done, undefined);
        t.same(
          collector.events.map(shape),
          wanted.map(shape),
          `${prefix} after ${after}: ${wanted.length} events`,
        );
      }
    },
  );

  t.test(`${name}: watch from a compacted revision throws Compacted`, async (t) => {
    const store = await fresh(t);
    for (let i = 0; i < 10; i++) await store.create(`/c/${i}`, i);
    await store.update('/c/0', 'x');
    await store.compact(6);
    t.equal(store.compactedRevision(), 6);
    const watcher = collect(store, '/c/', 5);
    const error = await watcher.done;
    t.ok(
      error instanceof StoreError && error.code === 'Compacted',
      'the iterator throws Compacted',
    );
    t.equal((error as StoreError).revision, 6, 'with the compaction point');
    const from6 = collect(store, '/c/', 6);
    await waitFor(() => from6.events.length === 5, 5000, 'a replay from the compaction point');
    from6.controller.abort();
    await from6.done;
    t.same(
      from6.events.map((e) => e.revision),
      [7, 8, 9, 10, 11],
    );
    t.same(from6.events[4]?.previous, 0, 'the previous value of a kept entry survives');
    t.equal((await store.list('/c/')).items.length, 10, 'compaction never loses current values');
    t.same(await store.get('/c/1'), { key: '/c/1', value: 1, revision: 2, createRevision: 2 });
    await store.compact(3);
    t.equal(store.compactedRevision(), 6, 'compaction does not go back');
    await store.compact(1000);
    t.equal(store.compactedRevision(), store.revision(), 'compaction stops at the latest revision');
  });

  t.test(`${name}: abort ends the iterator`, async (t) => {
    const store = await fresh(t);
    const controller = new AbortController();
    const iterator = store.watch('/', 0, controller.signal)[Symbol.asyncIterator]();
    const pending = iterator.next();
    setTimeout(() => controller.abort(), 20);
    t.same(await pending, { done: true, value: undefined }, 'a pending next() finishes');
    const aborted = new AbortController();
    aborted.abort();
    const none: StoreEvent[] = [];
    await store.create('/x', 1);
    for await (const event of store.watch('/', 0, aborted.signal)) none.push(event);
    t.same(none, [], 'an aborted signal: no events');
  });

  t.test(`${name}: watchBatches gives the events of watch, a burst at a time`, async (t) => {
    const store = await fresh(t);
    for (let i = 0; i < 3; i++) await store.create(`/b/${i}`, i);
    await store.create('/other', 0);
    const controller = new AbortController();
    const iterator = store.watchBatches('/b/', 0, controller.signal)[Symbol.asyncIterator]();
    const replay = await iterator.next();
    t.same(
      replay.value?.map((e: StoreEvent) => e.key),
      ['/b/0', '/b/1', '/b/2'],
      'the replay is one batch',
    );
    const next = iterator.next();
    await Promise.all([store.update('/b/0', 'x'), store.delete('/b/1'), store.create('/b/3', 3)]);
    const burst = (await next).value ?? [];
    t.ok(burst.length >= 1, 'a batch is never empty');
    const seen = [...burst];
    while (seen.length < 3) seen.push(...((await iterator.next()).value ?? []));
    t.same(
      seen.map((e) => [e.type, e.key]),
      [
        ['MODIFIED', '/b/0'],
        ['DELETED', '/b/1'],
        ['ADDED', '/b/3'],
      ],
      'live events in revision order, as watch gives them',
    );
    const watched = collect(store, '/b/', 0);
    await waitFor(() => watched.events.length === 6, 5_000, 'the same events through watch');
    t.same(
      watched.events.map(shape),
      [...(replay.value ?? []), ...seen].map(shape),
      'watch is watchBatches one event at a time',
    );
    controller.abort();
    watched.controller.abort();
    t.equal((await iterator.next()).done, true, 'ends when aborted');
    await watched.done;
  });

  t.test(`${name}: a watcher that falls behind fails with WatcherTooSlow`, async (t) => {
    const store = await fresh(t, { maxBufferedEvents: 50 });
    const controller = new AbortController();
    const iterator = store.watch('/s/', 0, controller.signal)[Symbol.asyncIterator]();
    const first = iterator.next();
    await store.create('/s/0', 0);
    t.equal((await first).value?.revision, 1);
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.create(`/s/${i + 1}`, i)));
    const seen: number[] = [];
    const error = await (async () => {
      for (;;) {
        const step = await iterator.next();
        if (step.done) return undefined;
        seen.push(step.value.revision);
      }
    })().catch((e: unknown) => e);
    t.ok(
      error instanceof StoreError && error.code === 'WatcherTooSlow',
      'the iterator throws WatcherTooSlow',
    );
    t.ok(seen.length <= 50, 'buffered events beyond the limit are not delivered');
    controller.abort();
  });

  t.test(`${name}: close ends watches and refuses later calls`, async (t) => {
    const store = await open();
    await store.create('/a', 1);
    const watcher = collect(store, '/', 0);
    await waitFor(() => watcher.events.length === 1, 5000, 'the replay');
    await store.close();
    t.equal(await watcher.done, undefined, 'the watch finishes');
    await rejectsWithCode(t, store.get('/a'), 'Closed', 'get');
    await rejectsWithCode(t, store.list('/'), 'Closed', 'list');
    await rejectsWithCode(t, store.create('/b', 1), 'Closed', 'create');
    await rejectsWithCode(t, store.update('/a', 1), 'Closed', 'update');
    await rejectsWithCode(t, store.delete('/a'), 'Closed', 'delete');
    await rejectsWithCode(t, store.compact(1), 'Closed', 'compact');
    const late = collect(store, '/', 0);
    const error = await late.done;
    t.ok(
      error instanceof StoreError && error.code === 'Closed',
      'a watch after close throws Closed',
    );
    t.equal(store.revision(), 1, 'revision() still answers');
    await store.close();
  });

  t.test(`${name}: 16 concurrent compare-and-set incrementers`, async (t) => {
    const store = await fresh(t);
    await store.create('/counter', { n: 0 });
    let conflicts = 0;
    const increments = 25;
    const incrementer = async (): Promise<void> => {
      for (let done = 0; done < increments;) {
        const current = (await store.get('/counter')) as Stored;
        const n = (current.value as { n: number }).n;
        try {
          await store.update('/counter', { n: n + 1 }, current.revision);
          done++;
        } catch (error) {
          if (!(error instanceof StoreError && error.code === 'Conflict')) throw error;
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, incrementer));
    t.same((await store.get('/counter'))?.value, { n: 16 * increments }, 'no increment lost');
    t.equal(store.revision(), 1 + 16 * increments, 'exactly one revision per successful write');
    t.comment(`${conflicts} conflicts retried`);
  });

  t.test(`${name}: many watchers share one fan-out`, async (t) => {
    const store = await fresh(t);
    const watchers = Array.from({ length: 150 }, (_, i) =>
      collect(store, i % 3 === 0 ? '/m/' : '/', 0),
    );
    await Promise.all(Array.from({ length: 60 }, (_, i) => store.create(`/m/${i}`, i)));
    await waitFor(() => watchers.every((w) => w.events.length === 60), 20_000, 'every watcher');
    for (const w of watchers) w.controller.abort();
    await Promise.all(watchers.map((w) => w.done));
    const first = watchers[0]?.events.map((e) => e.revision);
    t.same(
      first,
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    t.ok(
      watchers.every((w) => w.events.every((e, i) => e.revision === i + 1)),
      'all in order',
    );
  });
}
