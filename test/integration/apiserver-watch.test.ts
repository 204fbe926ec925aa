// Watches over HTTP as Kubernetes streams them: a 200 with a chunked body of
// `{"type","object"}` lines; ADDED, MODIFIED and DELETED in order; resumption
// from a resourceVersion without gaps or duplicates; synthetic ADDED events
// for what exists when no resourceVersion (or 0) is given; BOOKMARKs; the
// client's timeout; 410 Expired for a compacted resourceVersion; selectors,
// under which an object leaving the selection is DELETED for the watcher.

import t from 'tap';
import type { KubeList, KubeObject, Status, WatchEvent } from '../../controlplane/api/types.js';
import type { Pod, TestServer } from './apiserver-support.js';
import {
  configMap,
  configMapsPath,
  createNamespace,
  createOk,
  eventSummary,
  objectOf,
  pod,
  podsPath,
  startApiServer,
  statusOf,
  TEST_TOKEN,
} from './apiserver-support.js';

const MERGE = { 'content-type': 'application/merge-patch+json' };

function relabel(server: TestServer, path: string, labels: Record<string, string | null>) {
  return server.request(path, { method: 'PATCH', headers: MERGE, json: { metadata: { labels } } });
}

function rv(event: WatchEvent): number {
  return Number(objectOf(event).metadata.resourceVersion);
}

t.test('a watch streams ADDED, MODIFIED and DELETED as chunked JSON lines', async (t) => {
  const server = await startApiServer(t);
  const watch = await server.watch(`${podsPath()}?watch=1`);
  t.equal(watch.status, 200);
  t.match(watch.headers.get('content-type'), /^application\/json/);
  t.equal(
    watch.headers.get('transfer-encoding'),
    'chunked',
    'the body is chunked: it has no end to measure',
  );
  const created = await createOk(t, server, podsPath(), pod('p'));
  await relabel(server, `${podsPath()}/p`, { tier: 'front' });
  await server.request(`${podsPath()}/p`, { method: 'DELETE' });
  const events = await watch.take(3);
  t.same(eventSummary(events), ['ADDED p', 'MODIFIED p', 'DELETED p']);
  const [added, modified, deleted] = events;
  t.equal(objectOf(added!).kind, 'Pod', 'events carry whole objects, with their kind');
  t.equal(objectOf(added!).apiVersion, 'v1');
  t.equal(
    objectOf(added!).metadata.resourceVersion,
    created.metadata.resourceVersion,
    'ADDED carries the created revision',
  );
  t.same(objectOf(modified!).metadata.labels, { app: 'web', tier: 'front' });
  t.ok(rv(added!) < rv(modified!) && rv(modified!) < rv(deleted!), 'resourceVersions increase');
  watch.close();
});

t.test('the raw stream: one JSON document per line, flushed as each event happens', async (t) => {
  const server = await startApiServer(t);
  const response = await fetch(
    `${server.url}${configMapsPath()}?watch=true&resourceVersion=${server.store.revision()}`,
    { headers: { authorization: `Bearer ${TEST_TOKEN}` } },
  );
  const reader = response.body!.getReader();
  await createOk(t, server, configMapsPath(), configMap('one'));
  // Nothing else is written after the event: if it arrives, it was flushed on its own.
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  t.ok(text.endsWith('\n'), 'the event arrives whole, ending in a newline');
  t.equal(text.split('\n').length, 2, 'one line per event');
  const line = JSON.parse(text) as WatchEvent;
  t.same(Object.keys(line).sort(), ['object', 'type'], 'a {type, object} document');
  t.equal(line.type, 'ADDED');
  await reader.cancel();
});

t.test('resuming from a resourceVersion: every later event, once, in order', async (t) => {
  const server = await startApiServer(t);
  const list = await server.request<KubeList>(configMapsPath());
  const start = list.body.metadata.resourceVersion ?? '';
  for (const name of ['a', 'b', 'c']) await createOk(t, server, configMapsPath(), configMap(name));
  await relabel(server, `${configMapsPath()}/b`, { x: '1' });
  await server.request(`${configMapsPath()}/a`, { method: 'DELETE' });

  const replay = await server.watch(`${configMapsPath()}?watch=1&resourceVersion=${start}`);
  const events = await replay.take(5);
  t.same(
    eventSummary(events),
    ['ADDED a', 'ADDED b', 'ADDED c', 'MODIFIED b', 'DELETED a'],
    'the changes since the list, replayed',
  );
  const middle = rv(events[2]!);
  replay.close();

  const resumed = await server.watch(`${configMapsPath()}?watch=1&resourceVersion=${middle}`);
  await createOk(t, server, configMapsPath(), configMap('d'));
  const after = await resumed.take(3);
  t.same(
    eventSummary(after),
    ['MODIFIED b', 'DELETED a', 'ADDED d'],
    'a watch resumed at an event starts right after it',
  );
  const seen = after.map(rv);
  t.same(
    seen,
    [...seen].sort((x, y) => x - y),
    'in revision order',
  );
  t.equal(new Set(seen).size, seen.length, 'without duplicates');
  await t.rejects(resumed.next(300), /timed out/, 'and nothing more');
  resumed.close();
});

t.test(
  'no resourceVersion, or 0: ADDED for every existing object first, then the changes',
  async (t) => {
    const server = await startApiServer(t);
    for (const name of ['a', 'b']) await createOk(t, server, configMapsPath(), configMap(name));
    for (const query of ['watch=1', 'watch=1&resourceVersion=0', 'watch=1&resourceVersion=']) {
      const watch = await server.watch(`${configMapsPath()}?${query}`);
      const initial = await watch.take(2);
      t.same(
        eventSummary(initial),
        ['ADDED a', 'ADDED b'],
        `${query}: the current state as ADDED events`,
      );
      watch.close();
    }
    const watch = await server.watch(`${configMapsPath()}?watch=1&resourceVersion=0`);
    await watch.take(2);
    await createOk(t, server, configMapsPath(), configMap('c'));
    t.same(eventSummary([await watch.next()]), ['ADDED c'], 'then live events');
    watch.close();
  },
);

t.test('bookmarks: sent only when allowed, carrying just the resourceVersion', async (t) => {
  const server = await startApiServer(t, { services: { bookmarkIntervalMs: 100 } });
  const created = await createOk(t, server, configMapsPath(), configMap('cm'));
  const watch = await server.watch(
    `${configMapsPath()}?watch=1&allowWatchBookmarks=true&resourceVersion=${created.metadata.resourceVersion}`,
  );
  const plain = await server.watch(
    `${configMapsPath()}?watch=1&resourceVersion=${created.metadata.resourceVersion}`,
  );
  const bookmark = await watch.next(3000);
  t.equal(bookmark.type, 'BOOKMARK');
  const object = objectOf(bookmark);
  t.equal(object.kind, 'ConfigMap', 'a bookmark is an object of the watched kind');
  t.equal(object.apiVersion, 'v1');
  t.same(Object.keys(object.metadata), ['resourceVersion'], 'with only metadata.resourceVersion');
  t.ok(Number(object.metadata.resourceVersion) >= Number(created.metadata.resourceVersion));
  await relabel(server, `${configMapsPath()}/cm`, { a: 'b' });
  let next = await watch.next(3000);
  while (next.type === 'BOOKMARK') next = await watch.next(3000);
  t.equal(next.type, 'MODIFIED');
  const later = await watch.next(3000);
  t.equal(later.type, 'BOOKMARK');
  t.equal(
    objectOf(later).metadata.resourceVersion,
    objectOf(next).metadata.resourceVersion,
    'bookmarks follow the latest event',
  );
  const onlyChange = await plain.next(3000);
  t.equal(onlyChange.type, 'MODIFIED', 'without allowWatchBookmarks there are none');
  await t.rejects(plain.next(400), /timed out/);
  watch.close();
  plain.close();
});

t.test('timeoutSeconds ends the stream', async (t) => {
  const server = await startApiServer(t);
  const started = Date.now();
  const watch = await server.watch(
    `${configMapsPath()}?watch=1&timeoutSeconds=1&resourceVersion=${server.store.revision()}`,
  );
  const rest = await watch.end(5000);
  const took = Date.now() - started;
  t.same(rest, [], 'it ends quietly, without an ERROR event');
  t.ok(took >= 900 && took < 4000, `after about a second (${took} ms)`);
  const server2 = await startApiServer(t, {
    server: { watchTimeout: { minSeconds: 1, maxSeconds: 1 } },
  });
  const defaulted = await server2.watch(`${configMapsPath()}?watch=1`);
  await defaulted.end(5000);
  t.pass("without timeoutSeconds the server's own timeout ends it");
});

t.test('a compacted resourceVersion: 410 Expired, as an ERROR event in a 200 stream', async (t) => {
  const server = await startApiServer(t);
  const first = await createOk(t, server, configMapsPath(), configMap('a'));
  await createOk(t, server, configMapsPath(), configMap('b'));
  await relabel(server, `${configMapsPath()}/b`, { x: 'y' });
  await server.store.compact(server.store.revision());
  const watch = await server.watch(
    `${configMapsPath()}?watch=1&resourceVersion=${first.metadata.resourceVersion}`,
  );
  t.equal(watch.status, 200, 'the watch itself starts');
  const events = await watch.end(3000);
  t.equal(events.length, 1, 'one event, then the stream ends');
  t.equal(events[0]?.type, 'ERROR');
  const status = statusOf(events[0]!);
  t.equal(status.kind, 'Status');
  t.equal(status.code, 410);
  t.equal(status.reason, 'Expired');
  t.match(
    status.message,
    new RegExp(`^too old resource version: ${first.metadata.resourceVersion}`),
  );

  const fresh = await server.watch(
    `${configMapsPath()}?watch=1&resourceVersion=${server.store.revision()}`,
  );
  await createOk(t, server, configMapsPath(), configMap('c'));
  t.equal((await fresh.next()).type, 'ADDED', 'a watch from the current revision works');
  fresh.close();
});

t.test(
  'label selectors: an object moving out of the selection is DELETED, moving in is ADDED',
  async (t) => {
    const server = await startApiServer(t);
    const watch = await server.watch(
      `${podsPath()}?watch=1&labelSelector=app%3Dweb&resourceVersion=${server.store.revision()}`,
    );
    await createOk(t, server, podsPath(), pod('web', { labels: { app: 'web' } }));
    await createOk(t, server, podsPath(), pod('db', { labels: { app: 'db' } }));
    await relabel(server, `${podsPath()}/db`, { tier: 'x' });
    await relabel(server, `${podsPath()}/web`, { app: 'old' });
    await relabel(server, `${podsPath()}/db`, { app: 'web' });
    await relabel(server, `${podsPath()}/db`, { tier: 'y' });
    await server.request(`${podsPath()}/web`, { method: 'DELETE' });
    await server.request(`${podsPath()}/db`, { method: 'DELETE' });
    const events = await watch.take(5);
    t.same(eventSummary(events), [
      'ADDED web',
      'DELETED web',
      'ADDED db',
      'MODIFIED db',
      'DELETED db',
    ]);
    t.same(
      objectOf(events[1]!).metadata.labels,
      { app: 'old' },
      'the DELETED event carries the object as it now is',
    );
    await t.rejects(watch.next(300), /timed out/, 'nothing about objects outside the selection');
    watch.close();
  },
);

t.test('field selectors on watch: spec.nodeName, status.phase, metadata.name', async (t) => {
  const server = await startApiServer(t);
  const onNode = await server.watch(
    `${podsPath()}?watch=1&fieldSelector=spec.nodeName%3Dn1&resourceVersion=${server.store.revision()}`,
  );
  const running = await server.watch(
    `/api/v1/pods?watch=1&fieldSelector=status.phase%3DRunning&resourceVersion=${server.store.revision()}`,
  );
  const created = await createOk(t, server, podsPath(), pod('p'));
  await server.request(`${podsPath()}/p/binding`, {
    method: 'POST',
    json: {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p' },
      target: { kind: 'Node', name: 'n1' },
    },
  });
  t.same(
    eventSummary([await onNode.next()]),
    ['ADDED p'],
    'a pod bound to the node enters the selection as ADDED',
  );
  const bound = await server.request<Pod>(`${podsPath()}/p`);
  await server.request(`${podsPath()}/p/status`, {
    method: 'PUT',
    json: { ...bound.body, status: { ...bound.body.status, phase: 'Running' } },
  });
  t.same(
    eventSummary([await running.next()]),
    ['ADDED p'],
    'a pod that starts running enters status.phase=Running',
  );
  t.same(eventSummary([await onNode.next()]), ['MODIFIED p']);
  await server.request(`${podsPath()}/p?gracePeriodSeconds=0`, {
    method: 'DELETE',
    json: { preconditions: { uid: created.metadata.uid } },
  });
  t.same(eventSummary([await running.next()]), ['DELETED p']);
  onNode.close();
  running.close();

  const byName = await server.watch(
    `${configMapsPath()}?watch=1&fieldSelector=metadata.name%3Dtwo&resourceVersion=${server.store.revision()}`,
  );
  await createOk(t, server, configMapsPath(), configMap('one'));
  await createOk(t, server, configMapsPath(), configMap('two'));
  t.same(
    eventSummary([await byName.next()]),
    ['ADDED two'],
    'kubectl get cm two -w watches with metadata.name',
  );
  byName.close();
});

t.test('watching one object: /watch/ paths and ?watch on the object path', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, configMapsPath(), configMap('a'));
  await createOk(t, server, configMapsPath(), configMap('b'));
  const legacy = await server.watch('/api/v1/watch/namespaces/default/configmaps/b');
  t.equal(legacy.status, 200);
  t.same(
    eventSummary([await legacy.next()]),
    ['ADDED b'],
    'the deprecated /watch/ prefix still works',
  );
  const objectPath = await server.watch(`${configMapsPath()}/b?watch=true`);
  t.same(eventSummary([await objectPath.next()]), ['ADDED b']);
  await relabel(server, `${configMapsPath()}/a`, { x: '1' });
  await relabel(server, `${configMapsPath()}/b`, { x: '1' });
  t.same(eventSummary([await legacy.next()]), ['MODIFIED b'], 'only that object');
  t.same(eventSummary([await objectPath.next()]), ['MODIFIED b']);
  legacy.close();
  objectPath.close();
  const collection = await server.watch('/api/v1/watch/namespaces/default/configmaps');
  t.same(
    eventSummary(await collection.take(2)),
    ['ADDED a', 'ADDED b'],
    'and /watch/ on a collection',
  );
  collection.close();
});

t.test('a watch across namespaces, and of cluster-scoped namespaces', async (t) => {
  const server = await startApiServer(t);
  const all = await server.watch(
    `/api/v1/configmaps?watch=1&resourceVersion=${server.store.revision()}`,
  );
  const namespaces = await server.watch(
    `/api/v1/namespaces?watch=1&resourceVersion=${server.store.revision()}`,
  );
  await createNamespace(t, server, 'team');
  await createOk(t, server, configMapsPath('team'), configMap('x'));
  await createOk(t, server, configMapsPath(), configMap('y'));
  const events = await all.take(2);
  t.same(
    events.map((e) => `${objectOf(e).metadata.namespace}/${objectOf(e).metadata.name}`),
    ['team/x', 'default/y'],
  );
  t.same(eventSummary([await namespaces.next()]), ['ADDED team']);
  all.close();
  namespaces.close();
});

t.test('sendInitialEvents: the state, a bookmark marking its end, then changes', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, configMapsPath(), configMap('a'));
  // What client-go's reflector sends with the WatchList feature.
  const watch = await server.watch(
    `${configMapsPath()}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=`,
  );
  t.equal(watch.status, 200);
  const [added, bookmark] = await watch.take(2);
  t.equal(added?.type, 'ADDED');
  t.equal(bookmark?.type, 'BOOKMARK');
  t.same(objectOf(bookmark!).metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
  await createOk(t, server, configMapsPath(), configMap('b'));
  t.same(eventSummary([await watch.next()]), ['ADDED b']);
  watch.close();
});

t.test('a watch of a Table: rows, the columns in the first event only', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('a'));
  const watch = await server.watch(`${podsPath()}?watch=1`, {
    headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
  });
  await createOk(t, server, podsPath(), pod('b'));
  const [first, second] = await watch.take(2);
  type Table = KubeObject & {
    columnDefinitions: { name: string }[];
    rows: { cells: unknown[]; object: KubeObject }[];
  };
  const table1 = first!.object as unknown as Table;
  const table2 = second!.object as unknown as Table;
  t.equal(table1.kind, 'Table');
  t.equal(table1.apiVersion, 'meta.k8s.io/v1');
  t.equal(table1.columnDefinitions[0]?.name, 'Name');
  t.equal(table1.rows[0]?.cells[0], 'a');
  t.equal(
    table1.rows[0]?.object.kind,
    'PartialObjectMetadata',
    'rows carry the metadata (includeObject=Metadata)',
  );
  t.same(table2.columnDefinitions, [], 'later events leave the columns out');
  t.equal(table2.rows[0]?.cells[0], 'b');
  watch.close();
});

t.test('watch errors before the stream starts are plain Status answers', async (t) => {
  const server = await startApiServer(t);
  const badSelector = await server.request<Status>(
    `${podsPath()}?watch=1&labelSelector=app%3D%3D%3D`,
  );
  t.equal(badSelector.status, 400, 'a malformed selector is a 400, not a stream');
  t.equal(badSelector.body.kind, 'Status');
  const badField = await server.request<Status>(
    `${podsPath()}?watch=1&fieldSelector=spec.unknown%3Dx`,
  );
  t.equal(badField.status, 400);
  t.match(badField.body.message, /field label not supported: spec.unknown/);
  const badVersion = await server.request<Status>(`${podsPath()}?watch=1&resourceVersion=abc`);
  t.equal(badVersion.status, 400);
  const badTimeout = await server.request<Status>(`${podsPath()}?watch=1&timeoutSeconds=soon`);
  t.equal(badTimeout.status, 400);
  const unauthorized = await server.request<Status>(`${podsPath()}?watch=1`, { token: null });
  t.equal(unauthorized.status, 401);
});

t.test('many concurrent watchers all see every event', async (t) => {
  const server = await startApiServer(t);
  const revision = server.store.revision();
  const watchers = await Promise.all(
    Array.from({ length: 8 }, () =>
      server.watch(`${configMapsPath()}?watch=1&resourceVersion=${revision}`),
    ),
  );
  const writes = Array.from({ length: 10 }, (_, i) =>
    createOk(t, server, configMapsPath(), configMap(`cm-${i}`)),
  );
  await Promise.all(writes);
  for (const watcher of watchers) {
    const events = await watcher.take(10);
    t.equal(new Set(events.map((e) => objectOf(e).metadata.name)).size, 10);
    const versions = events.map(rv);
    t.same(
      versions,
      [...versions].sort((a, b) => a - b),
    );
    watcher.close();
  }
});

t.test('a client that disconnects ends its watch on the server', async (t) => {
  const server = await startApiServer(t);
  const gauge = async (): Promise<string | undefined> =>
    (await server.request('/metrics')).text
      .split('\n')
      .find((l) => l.startsWith('apiserver_longrunning_requests{'));
  const watches = await Promise.all(
    [1, 2, 3].map(() => server.watch(`${configMapsPath()}?watch=1`)),
  );
  t.match(await gauge(), / 3$/, 'three open watches');
  for (const watch of watches) watch.close();
  const deadline = Date.now() + 3000;
  let last = await gauge();
  while (!/ 0$/.test(last ?? '') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await gauge();
  }
  t.match(last, / 0$/, 'and none once their clients are gone');
});

t.test(
  "a quiet watch's bookmarks follow the store's progress, so it can resume after compaction",
  async (t) => {
    const server = await startApiServer(t, { services: { bookmarkIntervalMs: 100 } });
    const start = server.store.revision();
    const quiet = await server.watch(
      `${configMapsPath()}?watch=1&allowWatchBookmarks=true&resourceVersion=${start}`,
    );
    for (let i = 0; i < 5; i++) await createOk(t, server, podsPath(), pod(`p${i}`));
    const written = server.store.revision();
    let bookmark = await quiet.next(3000);
    while (Number(objectOf(bookmark).metadata.resourceVersion) < written)
      bookmark = await quiet.next(3000);
    t.equal(bookmark.type, 'BOOKMARK');
    t.equal(
      objectOf(bookmark).metadata.resourceVersion,
      String(written),
      'the bookmark carries the latest revision, written by another type',
    );
    quiet.close();

    await server.store.compact(written);
    const resumed = await server.watch(`${configMapsPath()}?watch=1&resourceVersion=${written}`);
    await createOk(t, server, configMapsPath(), configMap('after'));
    t.same(
      eventSummary([await resumed.next()]),
      ['ADDED after'],
      'resuming from it works after compaction, without a 410',
    );
    resumed.close();

    const busy = await server.watch(
      `${podsPath()}?watch=1&allowWatchBookmarks=true&labelSelector=app%3Dnone&resourceVersion=${written}`,
    );
    await createOk(t, server, podsPath(), pod('filtered-out'));
    await createOk(t, server, configMapsPath(), configMap('more'));
    let podBookmark = await busy.next(3000);
    while (Number(objectOf(podBookmark).metadata.resourceVersion) < server.store.revision())
      podBookmark = await busy.next(3000);
    t.equal(
      objectOf(podBookmark).metadata.resourceVersion,
      String(server.store.revision()),
      'a watch whose events are all filtered out progresses too',
    );
    busy.close();
  },
);
