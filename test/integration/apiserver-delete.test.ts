// DELETE over HTTP as Kubernetes does it: immediate for most objects,
// graceful for pods on a node (deletionTimestamp + deletionGracePeriodSeconds,
// gone once the node confirms with a zero grace period), held by finalizers
// until they are removed, deletecollection by selector, and namespaces that
// turn Terminating and take their content with them.

import t from 'tap';
import type { Test } from 'tap';
import type { KubeList, KubeObject, Status } from '../../controlplane/api/types.js';
import type { Namespace, Pod, TestServer } from './apiserver-support.js';
import {
  configMap,
  configMapsPath,
  createNamespace,
  createOk,
  deployment,
  deploymentsPath,
  eventSummary,
  names,
  objectOf,
  pod,
  podsPath,
  sleep,
  startApiServer,
} from './apiserver-support.js';

function remove<T = KubeObject>(server: TestServer, path: string, options: unknown = undefined) {
  return server.request<T>(path, {
    method: 'DELETE',
    ...(options === undefined ? {} : { json: options }),
  });
}

/** Polls `path` until it answers 404 (or fails the test after `ms`). */
async function waitGone(t: Test, server: TestServer, path: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await server.request(path)).status === 404) return;
    await sleep(25);
  }
  t.fail(`${path} still exists after ${ms} ms`);
}

t.test(
  'most objects go at once; the answer is the object or a Success Status, as Kubernetes answers',
  async (t) => {
    const server = await startApiServer(t);
    const created = await createOk(t, server, configMapsPath(), configMap('cm'));
    const deleted = await remove<Status>(server, `${configMapsPath()}/cm`);
    t.equal(deleted.status, 200);
    t.equal(deleted.body.kind, 'Status', 'a ConfigMap delete answers with a Status');
    t.equal(deleted.body.status, 'Success');
    t.same(deleted.body.details, { name: 'cm', kind: 'configmaps', uid: created.metadata.uid });
    t.equal((await server.request(`${configMapsPath()}/cm`)).status, 404);

    await createOk(t, server, deploymentsPath(), deployment('d'));
    const deployment_ = await remove<Status>(server, `${deploymentsPath()}/d`);
    t.equal(deployment_.body.kind, 'Status');
    t.equal(deployment_.body.details?.group, 'apps');

    await createOk(t, server, podsPath(), pod('unscheduled'));
    const unscheduled = await remove<Pod>(server, `${podsPath()}/unscheduled`);
    t.equal(unscheduled.status, 200);
    t.equal(unscheduled.body.kind, 'Pod', 'a Pod delete answers with the pod');
    t.equal(
      (await server.request(`${podsPath()}/unscheduled`)).status,
      404,
      'a pod on no node goes at once',
    );

    const again = await remove<Status>(server, `${configMapsPath()}/cm`);
    t.equal(again.status, 404);
    t.equal(again.body.message, 'configmaps "cm" not found');
  },
);

t.test('a pod on a node is deleted gracefully: marked, kept until the node confirms', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, podsPath(), pod('p', { nodeName: 'n1' }));
  const path = `${podsPath()}/p`;
  const before = Date.now();
  const marked = await remove<Pod>(server, path);
  t.equal(marked.status, 200);
  t.equal(marked.body.kind, 'Pod');
  t.equal(
    marked.body.metadata.deletionGracePeriodSeconds,
    30,
    "the pod's terminationGracePeriodSeconds",
  );
  const deadline = Date.parse(marked.body.metadata.deletionTimestamp ?? '');
  t.ok(
    deadline >= Math.floor(before / 1000) * 1000 + 29_000 && deadline <= Date.now() + 31_000,
    'deletionTimestamp is now + 30 s',
  );

  const still = await server.request<Pod>(path);
  t.equal(still.status, 200, 'the pod stays while its containers stop');
  t.equal(still.body.metadata.deletionTimestamp, marked.body.metadata.deletionTimestamp);
  const table = await server.request<{ rows: { cells: unknown[] }[] }>(path, {
    headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  });
  t.equal(table.body.rows[0]?.cells[2], 'Terminating', 'kubectl shows it Terminating');

  const longer = await remove<Pod>(server, path, {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 60,
  });
  t.equal(
    longer.body.metadata.deletionGracePeriodSeconds,
    30,
    'a second delete cannot lengthen the grace period',
  );
  const shorter = await remove<Pod>(server, `${path}?gracePeriodSeconds=10`);
  t.equal(shorter.body.metadata.deletionGracePeriodSeconds, 10, 'but may shorten it');
  t.ok(
    Date.parse(shorter.body.metadata.deletionTimestamp ?? '') < deadline,
    'which moves deletionTimestamp earlier',
  );

  const wrongUid = await remove<Status>(server, path, {
    gracePeriodSeconds: 0,
    preconditions: { uid: 'not-this-pod' },
  });
  t.equal(wrongUid.status, 409, 'a precondition on another uid conflicts');
  t.match(
    wrongUid.body.message,
    /the UID in the precondition \(not-this-pod\) does not match the UID in record/,
  );

  // What the node agent sends once the containers stopped.
  const confirmed = await remove<Pod>(server, path, {
    gracePeriodSeconds: 0,
    preconditions: { uid: created.metadata.uid },
  });
  t.equal(confirmed.status, 200);
  t.equal((await server.request(path)).status, 404, 'a zero grace period removes it');
});

t.test(
  'graceful deletion details: the request grace period, force deletion, finished pods',
  async (t) => {
    const server = await startApiServer(t);
    await createOk(t, server, podsPath(), pod('a', { nodeName: 'n1' }));
    const five = await remove<Pod>(server, `${podsPath()}/a`, { gracePeriodSeconds: 5 });
    t.equal(
      five.body.metadata.deletionGracePeriodSeconds,
      5,
      'DeleteOptions in the body set the grace period',
    );

    await createOk(t, server, podsPath(), pod('b', { nodeName: 'n1' }));
    const forced = await remove(server, `${podsPath()}/b?gracePeriodSeconds=0`);
    t.equal(forced.status, 200, 'kubectl delete --force --grace-period=0');
    t.equal((await server.request(`${podsPath()}/b`)).status, 404);

    const c = await createOk(t, server, podsPath(), pod('c', { nodeName: 'n1' }));
    const done = await server.request<Pod>(`${podsPath()}/c/status`, {
      method: 'PUT',
      json: { ...c, status: { ...c.status, phase: 'Succeeded' } },
    });
    t.equal(done.status, 200);
    await remove(server, `${podsPath()}/c`);
    t.equal(
      (await server.request(`${podsPath()}/c`)).status,
      404,
      'a pod that finished goes at once',
    );

    const negative = await remove<Status>(server, `${podsPath()}/a?gracePeriodSeconds=-1`);
    t.equal(negative.status, 400, 'a negative grace period in the query is refused');
  },
);

t.test('finalizers hold an object until the last one is removed', async (t) => {
  const server = await startApiServer(t);
  const path = `${configMapsPath()}/held`;
  await createOk(t, server, configMapsPath(), {
    ...configMap('held'),
    metadata: { name: 'held', finalizers: ['example.com/hold'] },
  });
  const watch = await server.watch(
    `${configMapsPath()}?watch=1&fieldSelector=metadata.name%3Dheld`,
  );
  t.equal((await watch.next()).type, 'ADDED');

  const marked = await remove<KubeObject>(server, path);
  t.equal(marked.status, 200);
  t.equal(marked.body.kind, 'ConfigMap', 'the answer is the object, now being deleted');
  t.ok(marked.body.metadata.deletionTimestamp, 'deletionTimestamp is set');
  t.equal(marked.body.metadata.deletionGracePeriodSeconds, 0);
  t.equal((await server.request(path)).status, 200, 'the object stays');

  const again = await remove<KubeObject>(server, path);
  t.equal(again.status, 200, 'deleting again changes nothing');
  t.equal(again.body.metadata.deletionTimestamp, marked.body.metadata.deletionTimestamp);

  const added = await server.request<Status>(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    json: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } },
  });
  t.equal(added.status, 422, 'no finalizer may be added once deletion started');
  t.match(added.body.message, /no new finalizers can be added if the object is being deleted/);

  const released = await server.request(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    json: { metadata: { finalizers: null } },
  });
  t.equal(released.status, 200);
  t.equal(
    (await server.request(path)).status,
    404,
    'removing the last finalizer deletes the object',
  );
  const events = await watch.take(2);
  t.same(
    eventSummary(events),
    ['MODIFIED held', 'DELETED held'],
    'watchers see the mark, then the deletion',
  );
  t.ok(
    events[0] && objectOf(events[0]).metadata.deletionTimestamp,
    'the MODIFIED event carries deletionTimestamp',
  );
  watch.close();
});

t.test('a pod with finalizers and a node: graceful first, then held', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), {
    ...pod('p', { nodeName: 'n1' }),
    metadata: { name: 'p', finalizers: ['example.com/hold'] },
  });
  const path = `${podsPath()}/p`;
  await remove(server, path);
  await remove(server, `${path}?gracePeriodSeconds=0`);
  const held = await server.request<Pod>(path);
  t.equal(held.status, 200, 'the node confirmed, the finalizer still holds it');
  t.equal(held.body.metadata.deletionGracePeriodSeconds, 0);
  await server.request(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json-patch+json' },
    json: [{ op: 'remove', path: '/metadata/finalizers' }],
  });
  t.equal((await server.request(path)).status, 404);
});

t.test('deletecollection deletes what the selectors select', async (t) => {
  const server = await startApiServer(t);
  for (const [name, app] of [
    ['a1', 'a'],
    ['a2', 'a'],
    ['a3', 'a'],
    ['b1', 'b'],
    ['b2', 'b'],
  ] as const) {
    await createOk(t, server, configMapsPath(), configMap(name, { app }));
  }
  await createNamespace(t, server, 'other');
  await createOk(t, server, configMapsPath('other'), configMap('a9', { app: 'a' }));
  const deleted = await remove<KubeList>(server, `${configMapsPath()}?labelSelector=app%3Da`);
  t.equal(deleted.status, 200);
  t.equal(deleted.body.kind, 'ConfigMapList', 'the answer lists what was deleted');
  t.same(names(deleted.body), ['a1', 'a2', 'a3']);
  const left = await server.request<KubeList>(configMapsPath());
  t.same(names(left.body), ['b1', 'b2']);
  const otherNs = await server.request<KubeList>(configMapsPath('other'));
  t.same(names(otherNs.body), ['a9'], 'only the namespace of the path is touched');

  const byField = await remove<KubeList>(
    server,
    `${configMapsPath()}?fieldSelector=metadata.name%3Db2`,
  );
  t.same(names(byField.body), ['b2']);
  const dry = await remove<KubeList>(server, `${configMapsPath()}?dryRun=All`);
  t.same(names(dry.body), ['b1'], 'a dry run lists what would go');
  t.same(
    names((await server.request<KubeList>(configMapsPath())).body),
    ['b1'],
    'and deletes nothing',
  );

  const everything = await remove<KubeList>(server, configMapsPath());
  t.same(names(everything.body), ['b1'], 'no selector: everything in the namespace');
  const acrossNamespaces = await remove<Status>(server, '/api/v1/configmaps');
  t.equal(acrossNamespaces.status, 405, 'deletecollection needs a namespace');

  const badSelector = await remove<Status>(
    server,
    `${configMapsPath()}?labelSelector=app%3D%3D%3Dx`,
  );
  t.equal(badSelector.status, 400);
});

t.test('deletecollection of pods is graceful for the ones on nodes', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('on-node', { nodeName: 'n1' }));
  await createOk(t, server, podsPath(), pod('pending'));
  const deleted = await remove<KubeList>(server, `${podsPath()}?labelSelector=app%3Dweb`);
  t.same(names(deleted.body).sort(), ['on-node', 'pending']);
  t.same(
    names((await server.request<KubeList>(podsPath())).body),
    ['on-node'],
    'the pod on a node is terminating',
  );
});

t.test('propagationPolicy and DeleteOptions are checked', async (t) => {
  const server = await startApiServer(t);
  for (const policy of ['Background', 'Foreground', 'Orphan']) {
    await createOk(t, server, deploymentsPath(), deployment(`d-${policy.toLowerCase()}`));
    const reply = await remove(server, `${deploymentsPath()}/d-${policy.toLowerCase()}`, {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: policy,
    });
    t.equal(reply.status, 200, `propagationPolicy ${policy} is accepted`);
  }
  await createOk(t, server, deploymentsPath(), deployment('d'));
  const bogus = await remove<Status>(server, `${deploymentsPath()}/d?propagationPolicy=Sideways`);
  t.equal(bogus.status, 400);
  const both = await remove<Status>(server, `${deploymentsPath()}/d`, {
    orphanDependents: true,
    propagationPolicy: 'Orphan',
  });
  t.equal(both.status, 400, 'orphanDependents and propagationPolicy together are refused');
  const notOptions = await server.request<Status>(`${deploymentsPath()}/d`, {
    method: 'DELETE',
    body: '[1,2]',
    headers: { 'content-type': 'application/json' },
  });
  t.equal(notOptions.status, 400);
  const dry = await remove(server, `${deploymentsPath()}/d?dryRun=All`);
  t.equal(dry.status, 200);
  t.equal(
    (await server.request(`${deploymentsPath()}/d`)).status,
    200,
    'a dry-run delete keeps the object',
  );
  const stale = await remove<Status>(server, `${deploymentsPath()}/d`, {
    preconditions: { resourceVersion: '1' },
  });
  t.equal(stale.status, 409, 'a resourceVersion precondition that no longer holds conflicts');
  t.match(
    stale.body.message,
    /the ResourceVersion in the precondition \(1\) does not match the ResourceVersion in record/,
  );
});

t.test('deleting a namespace: Terminating, then gone with everything in it', async (t) => {
  const server = await startApiServer(t);
  await createNamespace(t, server, 'team');
  await createOk(t, server, podsPath('team'), pod('pending'));
  await createOk(t, server, configMapsPath('team'), configMap('cm'));
  await createOk(t, server, deploymentsPath('team'), deployment('d'));
  await createOk(t, server, configMapsPath(), configMap('keep'));

  const deleted = await remove<Namespace>(server, '/api/v1/namespaces/team');
  t.equal(deleted.status, 200);
  t.equal(deleted.body.kind, 'Namespace');
  t.equal(deleted.body.status?.phase, 'Terminating', 'the namespace answers Terminating');
  t.ok(deleted.body.metadata.deletionTimestamp);
  await waitGone(t, server, '/api/v1/namespaces/team');
  t.same((await server.request<KubeList>(podsPath('team'))).body.items, [], 'its pods are gone');
  t.same(
    (await server.request<KubeList>(configMapsPath('team'))).body.items,
    [],
    'its configmaps are gone',
  );
  t.same(
    (await server.request<KubeList>(deploymentsPath('team'))).body.items,
    [],
    'its deployments are gone',
  );
  t.same(
    names((await server.request<KubeList>(configMapsPath())).body),
    ['keep'],
    'other namespaces are untouched',
  );
});

t.test(
  'a namespace waits for its terminating pods, and refuses new content meanwhile',
  async (t) => {
    const server = await startApiServer(t);
    await createNamespace(t, server, 'team');
    const running = await createOk(t, server, podsPath('team'), pod('running', { nodeName: 'n1' }));
    await remove(server, '/api/v1/namespaces/team');
    const terminating = await server.request<Namespace>('/api/v1/namespaces/team');
    t.equal(terminating.status, 200, 'the namespace stays while a pod terminates');
    t.equal(terminating.body.status?.phase, 'Terminating');
    const pod_ = await server.request<Pod>(`${podsPath('team')}/running`);
    t.ok(pod_.body.metadata.deletionTimestamp, 'its pod is being deleted gracefully');

    const refused = await server.request<Status>(configMapsPath('team'), {
      method: 'POST',
      json: configMap('late'),
    });
    t.equal(refused.status, 403);
    t.equal(refused.body.reason, 'Forbidden');
    t.equal(
      refused.body.message,
      'configmaps "late" is forbidden: unable to create new content in namespace team because it is being terminated',
    );
    const ns = await server.request<KubeList<Namespace>>(
      '/api/v1/namespaces?fieldSelector=status.phase%3DTerminating',
    );
    t.same(
      names(ns.body),
      ['team'],
      'kubectl get ns --field-selector status.phase=Terminating finds it',
    );

    await remove(server, `${podsPath('team')}/running`, {
      gracePeriodSeconds: 0,
      preconditions: { uid: running.metadata.uid },
    });
    await waitGone(t, server, '/api/v1/namespaces/team');
  },
);

t.test('the system namespaces cannot be deleted', async (t) => {
  const server = await startApiServer(t);
  for (const name of ['default', 'kube-system', 'kube-public']) {
    const refused = await remove<Status>(server, `/api/v1/namespaces/${name}`);
    t.equal(refused.status, 403, `${name} stays`);
    t.equal(
      refused.body.message,
      `namespaces "${name}" is forbidden: this namespace may not be deleted`,
    );
  }
  const absent = await remove<Status>(server, '/api/v1/namespaces/absent');
  t.equal(absent.status, 404);
  t.equal(absent.body.message, 'namespaces "absent" not found');
});
