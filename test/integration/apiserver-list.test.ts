// Lists over HTTP: label selectors with every operator, field selectors,
// limit/continue pagination (consistent under concurrent writes, as etcd
// snapshots make it in Kubernetes), the list's resourceVersion, and 400s for
// selectors that do not parse.

import t from 'tap';
import type { KubeList, Status } from '../../controlplane/api/types.js';
import type { Pod, TestServer } from './apiserver-support.js';
import {
  configMap,
  configMapsPath,
  createNamespace,
  createOk,
  names,
  pod,
  podsPath,
  startApiServer,
} from './apiserver-support.js';

async function list(server: TestServer, path: string): Promise<KubeList> {
  const reply = await server.request<KubeList>(path);
  if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}: ${reply.text}`);
  return reply.body;
}

async function selected(server: TestServer, selector: string): Promise<string[]> {
  return names(await list(server, `${podsPath()}?labelSelector=${encodeURIComponent(selector)}`));
}

t.test('label selectors: =, ==, !=, in, notin, exists, !exists, and conjunctions', async (t) => {
  const server = await startApiServer(t);
  const labelled: [string, Record<string, string>][] = [
    ['web-prod', { app: 'web', env: 'prod' }],
    ['web-dev', { app: 'web', env: 'dev', canary: 'true' }],
    ['db-prod', { app: 'db', env: 'prod' }],
    ['bare', {}],
  ];
  for (const [name, labels] of labelled)
    await createOk(t, server, podsPath(), pod(name, { labels }));
  t.same(await selected(server, 'app=web'), ['web-dev', 'web-prod']);
  t.same(await selected(server, 'app==web'), ['web-dev', 'web-prod']);
  t.same(
    await selected(server, 'app!=web'),
    ['bare', 'db-prod'],
    '!= also selects objects without the label',
  );
  t.same(await selected(server, 'env in (prod,staging)'), ['db-prod', 'web-prod']);
  t.same(
    await selected(server, 'env notin (prod)'),
    ['bare', 'web-dev'],
    'notin also selects objects without the label',
  );
  t.same(await selected(server, 'canary'), ['web-dev'], 'exists');
  t.same(await selected(server, '!canary'), ['bare', 'db-prod', 'web-prod'], 'does not exist');
  t.same(await selected(server, 'app=web,env=prod'), ['web-prod'], 'a comma is AND');
  t.same(await selected(server, 'app in (web, db),!canary'), ['db-prod', 'web-prod']);
  t.same(await selected(server, 'app=nothing'), []);
  t.same(
    await selected(server, ''),
    ['bare', 'db-prod', 'web-dev', 'web-prod'],
    'an empty selector selects everything',
  );
  const all = await list(server, `/api/v1/pods?labelSelector=${encodeURIComponent('env=prod')}`);
  t.same(names(all).sort(), ['db-prod', 'web-prod'], 'across namespaces too');
});

t.test('malformed selectors are 400 BadRequest', async (t) => {
  const server = await startApiServer(t);
  for (const selector of ['app in (web', 'app===web', 'x y', '=web', 'a=b=c']) {
    const reply = await server.request<Status>(
      `${podsPath()}?labelSelector=${encodeURIComponent(selector)}`,
    );
    t.equal(reply.status, 400, `labelSelector ${JSON.stringify(selector)} is refused`);
    t.equal(reply.body.kind, 'Status');
    t.equal(reply.body.reason, 'BadRequest');
  }
  const badValue = await server.request<Status>(
    `${podsPath()}?labelSelector=${encodeURIComponent('app=not valid!')}`,
  );
  t.equal(badValue.status, 400, 'a label value that could not be a label value');
  const field = await server.request<Status>(
    `${podsPath()}?fieldSelector=${encodeURIComponent('spec.nodeName')}`,
  );
  t.equal(field.status, 400, 'a field selector term without an operator');
  const unknown = await server.request<Status>(
    `${podsPath()}?fieldSelector=${encodeURIComponent('spec.host=x')}`,
  );
  t.equal(unknown.status, 400);
  t.equal(unknown.body.message, 'field label not supported: spec.host', "Kubernetes' message");
});

t.test(
  'field selectors: metadata.name, metadata.namespace, spec.nodeName, status.phase',
  async (t) => {
    const server = await startApiServer(t);
    await createNamespace(t, server, 'team');
    await createOk(t, server, podsPath(), pod('a', { nodeName: 'n1' }));
    await createOk(t, server, podsPath(), pod('b', { nodeName: 'n2' }));
    const c = await createOk(t, server, podsPath(), pod('c'));
    await createOk(t, server, podsPath('team'), pod('a', { nodeName: 'n1' }));
    await server.request<Pod>(`${podsPath()}/c/status`, {
      method: 'PUT',
      json: { ...c, status: { phase: 'Running' } },
    });

    const field = async (selector: string, path = '/api/v1/pods') =>
      (await list(server, `${path}?fieldSelector=${encodeURIComponent(selector)}`)).items.map(
        (p) => `${p.metadata.namespace}/${p.metadata.name}`,
      );
    t.same(await field('metadata.name=a'), ['default/a', 'team/a']);
    t.same(await field('metadata.namespace=team'), ['team/a']);
    t.same(await field('metadata.namespace!=team'), ['default/a', 'default/b', 'default/c']);
    t.same(await field('spec.nodeName=n1'), ['default/a', 'team/a'], 'what a node agent lists');
    t.same(
      await field('spec.nodeName='),
      ['default/c'],
      'unscheduled pods: what the scheduler lists',
    );
    t.same(await field('status.phase=Running'), ['default/c']);
    t.same(
      await field('status.phase!=Running,spec.nodeName=n1', podsPath()),
      ['default/a'],
      'terms combine',
    );
    t.same(await field('metadata.name==b'), ['default/b'], '== is =');
    const ns = await list(
      server,
      `/api/v1/namespaces?fieldSelector=${encodeURIComponent('metadata.name=team')}`,
    );
    t.same(names(ns), ['team'], 'cluster-scoped kinds select by metadata.name');
  },
);

t.test(
  'limit and continue: pages in key order, the rest counted, continue tokens resume',
  async (t) => {
    const server = await startApiServer(t);
    const all = ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6'];
    for (const name of all) await createOk(t, server, configMapsPath(), configMap(name));
    const first = await list(server, `${configMapsPath()}?limit=3`);
    t.same(names(first), ['cm-0', 'cm-1', 'cm-2']);
    t.ok(first.metadata.continue, 'a continue token when more follow');
    t.equal(first.metadata.remainingItemCount, 4, 'remainingItemCount counts the rest');

    const seen = [...names(first)];
    let token = first.metadata.continue;
    let pages = 1;
    while (token) {
      const page = await list(
        server,
        `${configMapsPath()}?limit=3&continue=${encodeURIComponent(token)}`,
      );
      t.equal(
        page.metadata.resourceVersion,
        first.metadata.resourceVersion,
        "every page is of the first page's revision",
      );
      seen.push(...names(page));
      token = page.metadata.continue;
      pages++;
    }
    t.equal(pages, 3);
    t.same(seen, all, 'each object once, in order');

    const exact = await list(server, `${configMapsPath()}?limit=7`);
    t.same(names(exact), all);
    t.notOk(exact.metadata.continue, 'no token when nothing follows');
    const unlimited = await list(server, `${configMapsPath()}?limit=0`);
    t.equal(unlimited.items.length, 7, 'limit=0 means no limit');
  },
);

t.test('paging is consistent under concurrent writes', async (t) => {
  const server = await startApiServer(t);
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f'])
    await createOk(t, server, configMapsPath(), configMap(name, {}, { v: '1' }));
  const first = await list(server, `${configMapsPath()}?limit=2`);
  t.same(names(first), ['a', 'b']);
  // Writes between pages: behind the cursor, ahead of it, a new object, a deletion.
  await server.request(`${configMapsPath()}/a`, { method: 'DELETE' });
  await server.request(`${configMapsPath()}/d`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    json: { data: { v: '2' } },
  });
  await server.request(`${configMapsPath()}/e`, { method: 'DELETE' });
  await createOk(t, server, configMapsPath(), configMap('cc'));
  const rest: KubeList['items'] = [];
  let token = first.metadata.continue;
  while (token) {
    const page = await list(
      server,
      `${configMapsPath()}?limit=2&continue=${encodeURIComponent(token)}`,
    );
    rest.push(...page.items);
    token = page.metadata.continue;
  }
  t.same(
    rest.map((o) => o.metadata.name),
    ['c', 'd', 'e', 'f'],
    'the remaining pages show the collection as it was at the first page: no new object, no gap',
  );
  t.same(
    rest.find((o) => o.metadata.name === 'd')?.['data'],
    { v: '1' },
    'objects as of that revision',
  );
  const now = await list(server, configMapsPath());
  t.same(names(now), ['b', 'c', 'cc', 'd', 'f'], 'a new list sees the writes');
});

t.test('limit with selectors: pages are filled from the matches', async (t) => {
  const server = await startApiServer(t);
  for (let i = 0; i < 10; i++)
    await createOk(
      t,
      server,
      configMapsPath(),
      configMap(`cm-${i}`, { parity: i % 2 === 0 ? 'even' : 'odd' }),
    );
  const page = await list(server, `${configMapsPath()}?limit=2&labelSelector=parity%3Deven`);
  t.same(names(page), ['cm-0', 'cm-2'], 'a full page of matches');
  t.ok(page.metadata.continue);
  t.notOk(page.metadata.remainingItemCount, 'the rest is not counted through a selector');
  const seen = [...names(page)];
  let token = page.metadata.continue;
  while (token) {
    const next = await list(
      server,
      `${configMapsPath()}?limit=2&labelSelector=parity%3Deven&continue=${encodeURIComponent(token)}`,
    );
    seen.push(...names(next));
    token = next.metadata.continue;
  }
  t.same(seen, ['cm-0', 'cm-2', 'cm-4', 'cm-6', 'cm-8']);
});

t.test('continue tokens: malformed, combined with resourceVersion, or expired', async (t) => {
  const server = await startApiServer(t);
  for (const name of ['a', 'b', 'c']) await createOk(t, server, configMapsPath(), configMap(name));
  const garbage = await server.request<Status>(`${configMapsPath()}?limit=1&continue=not-a-token`);
  t.equal(garbage.status, 400, 'a token that is not one is a 400');
  t.equal(garbage.body.kind, 'Status');
  const first = await list(server, `${configMapsPath()}?limit=1`);
  const token = encodeURIComponent(first.metadata.continue ?? '');
  const withVersion = await server.request<Status>(
    `${configMapsPath()}?limit=1&continue=${token}&resourceVersion=5`,
  );
  t.equal(withVersion.status, 400);
  t.equal(
    withVersion.body.message,
    'specifying resource version is not allowed when using continue',
  );
  await createOk(t, server, configMapsPath(), configMap('d'));
  await server.store.compact(server.store.revision());
  const expired = await server.request<Status>(`${configMapsPath()}?limit=1&continue=${token}`);
  t.equal(expired.status, 410, 'a token older than the compaction is 410 Gone');
  t.equal(expired.body.reason, 'Expired');
  t.match(expired.body.message, /^The provided continue parameter is too old/);
});

t.test("a list's resourceVersion is the revision it was read at", async (t) => {
  const server = await startApiServer(t);
  const empty = await list(server, configMapsPath());
  t.match(empty.metadata.resourceVersion, /^\d+$/);
  const created = await createOk(t, server, configMapsPath(), configMap('a'));
  const after = await list(server, configMapsPath());
  t.ok(
    Number(after.metadata.resourceVersion) >= Number(created.metadata.resourceVersion),
    'not older than the latest write',
  );
  t.ok(Number(after.metadata.resourceVersion) > Number(empty.metadata.resourceVersion));
  await createOk(t, server, podsPath(), pod('p'));
  const later = await list(server, configMapsPath());
  t.ok(
    Number(later.metadata.resourceVersion) > Number(after.metadata.resourceVersion),
    'any write moves it: one revision for the whole store',
  );
  const atZero = await list(server, `${configMapsPath()}?resourceVersion=0`);
  t.same(names(atZero), ['a'], 'resourceVersion=0: any recent state');
  const notOlder = await list(
    server,
    `${configMapsPath()}?resourceVersion=${created.metadata.resourceVersion}&resourceVersionMatch=NotOlderThan`,
  );
  t.same(names(notOlder), ['a']);
  const exactOld = await list(
    server,
    `${configMapsPath()}?resourceVersion=${empty.metadata.resourceVersion}&resourceVersionMatch=Exact`,
  );
  t.same(names(exactOld), [], 'Exact: the list as it was then, before "a"');
  t.equal(exactOld.metadata.resourceVersion, empty.metadata.resourceVersion);
  const future = await server.request<Status>(
    `${configMapsPath()}?resourceVersion=${Number(later.metadata.resourceVersion) + 100}`,
  );
  t.equal(
    future.status,
    504,
    'a revision ahead of the store is not served older: 504, as the apiserver answers',
  );
  t.equal(future.body.reason, 'Timeout');
  t.match(future.body.message, /^Too large resource version: \d+, current: \d+$/);
  t.equal(future.body.details?.retryAfterSeconds, 1);
  const notANumber = await server.request<Status>(`${configMapsPath()}?resourceVersion=latest`);
  t.equal(notANumber.status, 400);
  const matchAlone = await server.request<Status>(`${configMapsPath()}?resourceVersionMatch=Exact`);
  t.equal(matchAlone.status, 422, 'refused as Kubernetes validates ListOptions');
  t.equal(
    matchAlone.body.message,
    'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
  );
  t.match(matchAlone.body.details, {
    kind: 'ListOptions',
    group: 'meta.k8s.io',
    causes: [{ field: 'resourceVersionMatch', reason: 'FieldValueForbidden' }],
  });
  const exactZero = await server.request<Status>(
    `${configMapsPath()}?resourceVersion=0&resourceVersionMatch=Exact`,
  );
  t.equal(exactZero.status, 422);
  t.match(
    exactZero.body.message,
    /resourceVersionMatch "exact" is forbidden for resourceVersion "0"$/,
  );
  const badLimit = await server.request<Status>(`${configMapsPath()}?limit=many`);
  t.equal(badLimit.status, 400);
});

t.test('resourceVersionMatch=Exact lists as of a past revision, paged and selected', async (t) => {
  const server = await startApiServer(t);
  for (const name of ['a', 'b', 'c'])
    await createOk(
      t,
      server,
      configMapsPath(),
      configMap(name, { tier: name === 'c' ? 'x' : 'y' }),
    );
  const then = (await list(server, configMapsPath())).metadata.resourceVersion;
  await server.request(`${configMapsPath()}/b`, { method: 'DELETE' });
  await server.request(`${configMapsPath()}/a`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ data: { changed: 'yes' } }),
  });
  await createOk(t, server, configMapsPath(), configMap('d'));
  const exact = (query = '') =>
    `${configMapsPath()}?resourceVersion=${then}&resourceVersionMatch=Exact${query}`;

  const past = await list(server, exact());
  t.same(names(past), ['a', 'b', 'c'], 'b is back, d is not there yet');
  t.equal(past.metadata.resourceVersion, then);
  const a = past.items.find((item) => item.metadata.name === 'a') as { data?: object };
  t.notOk(a.data && 'changed' in a.data, 'a as it was then');
  t.same(names(await list(server, configMapsPath())), ['a', 'c', 'd'], 'the latest is unchanged');

  const first = await list(server, exact('&limit=2'));
  t.same(names(first), ['a', 'b']);
  t.equal(first.metadata.remainingItemCount, 1);
  const rest = await list(
    server,
    `${configMapsPath()}?limit=2&continue=${first.metadata.continue}`,
  );
  t.same(names(rest), ['c'], 'continue pages stay at that revision');
  t.equal(rest.metadata.resourceVersion, then);
  t.same(names(await list(server, exact('&labelSelector=tier%3Dy'))), ['a', 'b'], 'selectors too');

  const withContinue = await server.request<Status>(exact(`&continue=${first.metadata.continue}`));
  t.equal(withContinue.status, 422);
  t.match(
    withContinue.body.message,
    /resourceVersionMatch is forbidden when continue is provided$/,
  );
  const ahead = await server.request<Status>(
    `${configMapsPath()}?resourceVersion=${server.store.revision() + 5}&resourceVersionMatch=Exact`,
  );
  t.equal(ahead.status, 504, 'a revision not reached yet: 504, as the apiserver answers');
  await server.store.compact(server.store.revision());
  const compacted = await server.request<Status>(exact());
  t.equal(compacted.status, 410, 'compacted since: 410 Expired');
  t.equal(compacted.body.reason, 'Expired');
  t.match(compacted.body.message, /^too old resource version: \d+ \(\d+\)$/);
});

t.test('list kinds and apiVersions are those of the group-version', async (t) => {
  const server = await startApiServer(t);
  const cases: [string, string, string][] = [
    ['/api/v1/namespaces', 'NamespaceList', 'v1'],
    ['/api/v1/nodes', 'NodeList', 'v1'],
    ['/api/v1/services', 'ServiceList', 'v1'],
    ['/api/v1/namespaces/default/events', 'EventList', 'v1'],
    ['/apis/apps/v1/deployments', 'DeploymentList', 'apps/v1'],
    ['/apis/apps/v1/namespaces/default/replicasets', 'ReplicaSetList', 'apps/v1'],
    [
      '/apis/autoscaling/v2/horizontalpodautoscalers',
      'HorizontalPodAutoscalerList',
      'autoscaling/v2',
    ],
    ['/apis/coordination.k8s.io/v1/leases', 'LeaseList', 'coordination.k8s.io/v1'],
  ];
  for (const [path, kind, apiVersion] of cases) {
    const body = await list(server, path);
    t.equal(body.kind, kind, path);
    t.equal(body.apiVersion, apiVersion);
    t.ok(Array.isArray(body.items), 'items is always an array');
  }
});
