// Events in both groups Kubernetes serves them in: one stored Event, read and
// written as core/v1 or as events.k8s.io/v1, over HTTP, with the
// events.k8s.io/v1 form's own rules refusing what Kubernetes refuses.

import t from 'tap';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import { startApiServer } from './apiserver-support.js';

const CORE = '/api/v1/namespaces/default/events';
const V1 = '/apis/events.k8s.io/v1/namespaces/default/events';

const regarding = { kind: 'Pod', name: 'web', namespace: 'default' };
const newer = (name: string, extra: object = {}) => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name },
  eventTime: '2026-11-27T10:00:00.000000Z',
  reportingController: 'skiff.dev/test',
  reportingInstance: 'here',
  action: 'Testing',
  reason: 'Tested',
  type: 'Normal',
  note: 'it works',
  regarding,
  ...extra,
});

t.test('one Event, in either group', async (t) => {
  const server = await startApiServer(t);
  const created = await server.request<KubeObject>(V1, { method: 'POST', json: newer('web.1') });
  t.equal(created.status, 201, created.text);
  t.match(created.body, { apiVersion: 'events.k8s.io/v1', note: 'it works', regarding });
  const core = await server.request<KubeObject>(`${CORE}/web.1`);
  t.match(core.body, {
    apiVersion: 'v1',
    message: 'it works',
    involvedObject: regarding,
    reportingComponent: 'skiff.dev/test',
  });
  t.notOk('note' in core.body, 'core/v1 has its own names only');

  const older = await server.request<KubeObject>(CORE, {
    method: 'POST',
    json: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.2' },
      involvedObject: regarding,
      reason: 'Pulled',
      message: 'pulled',
      source: { component: 'kubelet', host: 'node-1' },
      count: 2,
    },
  });
  t.equal(older.status, 201, older.text);
  const list = await server.request<{ apiVersion: string; items: KubeObject[] }>(V1);
  t.equal(list.body.apiVersion, 'events.k8s.io/v1');
  t.match(
    list.body.items.find((e) => e.metadata.name === 'web.2'),
    { note: 'pulled', deprecatedSource: { component: 'kubelet' }, deprecatedCount: 2 },
  );

  const table = await server.request<{ rows: { cells: unknown[] }[] }>(V1, {
    headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  });
  t.same(
    table.body.rows.map(({ cells }) => [cells[1], cells[2], cells[3], cells[6]]),
    [
      ['Normal', 'Tested', 'pod/web', 'it works'],
      ['', 'Pulled', 'pod/web', 'pulled'],
    ],
    'TYPE, REASON, OBJECT and MESSAGE, as kubectl get events shows them',
  );
});

t.test("the events.k8s.io/v1 form's rules, and nothing stored on refusal", async (t) => {
  const server = await startApiServer(t);
  const refused = await server.request<Status>(V1, {
    method: 'POST',
    json: newer('web.3', { reportingController: undefined, type: 'Odd', deprecatedCount: 3 }),
  });
  t.equal(refused.status, 422);
  t.match(refused.body.message, /^Event\.events\.k8s\.io "web\.3" is invalid: /);
  t.same(
    [...new Set(refused.body.details?.causes?.map((c) => c.field))],
    ['reportingController', 'type', 'count'],
  );
  const missing = await server.request<Status>(V1, {
    method: 'POST',
    json: newer('web.4', { eventTime: undefined }),
  });
  t.equal(missing.status, 422);
  t.same(
    missing.body.details?.causes?.map((c) => c.field),
    ['eventTime'],
  );
  const none = await server.request<{ items: unknown[] }>(CORE);
  t.same(none.body.items, []);

  await server.request(V1, { method: 'POST', json: newer('web.5') });
  const changed = await server.request<Status>(`${V1}/web.5`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ note: 'changed' }),
  });
  t.equal(changed.status, 422);
  t.match(changed.body.message, /message: Invalid value: "changed": field is immutable/);
  const repeated = await server.request<KubeObject>(`${V1}/web.5`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({
      series: { count: 2, lastObservedTime: '2026-11-27T10:01:00.000000Z' },
    }),
  });
  t.equal(repeated.status, 200, repeated.text);
  t.match(repeated.body, { series: { count: 2 } });
});

t.test("server-side apply in events.k8s.io/v1, with that form's rules", async (t) => {
  const server = await startApiServer(t);
  const apply = <T = KubeObject>(name: string, body: unknown) =>
    server.request<T>(`${V1}/${name}?fieldManager=recorder`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml' },
      json: body,
    });
  const created = await apply('web.6', newer('web.6'));
  t.equal(created.status, 201, created.text);
  t.match(created.body, { apiVersion: 'events.k8s.io/v1', note: 'it works', regarding });
  const core = await server.request<KubeObject>(`${CORE}/web.6`);
  t.match(core.body, { message: 'it works', reportingComponent: 'skiff.dev/test' });
  t.match(core.body.metadata.managedFields, [
    { manager: 'recorder', operation: 'Apply', apiVersion: 'v1' },
  ]);

  const changed = await apply<Status>('web.6', newer('web.6', { note: 'changed' }));
  t.equal(changed.status, 422, 'an events.k8s.io/v1 update may change the series only');
  t.match(changed.body.message, /message: Invalid value: "changed": field is immutable/);
  const series = { count: 2, lastObservedTime: '2026-11-27T10:01:00.000000Z' };
  const repeated = await apply('web.6', newer('web.6', { series }));
  t.equal(repeated.status, 200, repeated.text);
  t.match(repeated.body, { note: 'it works', series });

  const incomplete = await apply<Status>('web.7', newer('web.7', { eventTime: undefined }));
  t.equal(incomplete.status, 422);
  t.same(
    incomplete.body.details?.causes?.map((c) => c.field),
    ['eventTime'],
  );
  t.equal((await server.request(`${CORE}/web.7`)).status, 404, 'nothing stored');
});

t.test('discovery: events.k8s.io serves v1', async (t) => {
  const server = await startApiServer(t);
  const group = await server.request<{ preferredVersion: { version: string } }>(
    '/apis/events.k8s.io',
  );
  t.equal(group.body.preferredVersion.version, 'v1');
  const resources = await server.request<{ resources: { name: string; kind: string }[] }>(
    '/apis/events.k8s.io/v1',
  );
  t.match(resources.body.resources, [{ name: 'events', kind: 'Event' }]);
});
