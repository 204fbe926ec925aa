// The verbs at Kubernetes' paths over HTTP: create, get, list, update and
// delete of namespaced and cluster-scoped objects, the server-set metadata
// (uid, creationTimestamp, resourceVersion, generation), defaults, generateName,
// the namespace rule, and the status / scale / binding subresources.

import t from 'tap';
import type { Scale } from '../../controlplane/api/cluster-api.js';
import type { KubeList, KubeObject, Status } from '../../controlplane/api/types.js';
import type { Deployment, Namespace, Pod } from './apiserver-support.js';
import {
  configMap,
  configMapsPath,
  createNamespace,
  createOk,
  deployment,
  deploymentsPath,
  names,
  pod,
  podsPath,
  startApiServer,
} from './apiserver-support.js';

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** RFC 3339 in whole seconds, as Kubernetes writes metav1.Time. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

t.test('a pod: create, get, list, update, delete at /api/v1/namespaces/{ns}/pods', async (t) => {
  const server = await startApiServer(t);
  const created = await server.request<Pod>(podsPath(), { method: 'POST', json: pod('web') });
  t.equal(created.status, 201, 'create answers 201 Created');
  t.match(created.headers.get('content-type'), /^application\/json/);
  const meta = created.body.metadata;
  t.equal(created.body.apiVersion, 'v1');
  t.equal(created.body.kind, 'Pod');
  t.equal(meta.namespace, 'default', 'the namespace comes from the path');
  t.match(meta.uid, UID, 'uid is a UUID');
  t.match(meta.creationTimestamp, TIMESTAMP, 'creationTimestamp is RFC 3339');
  t.match(meta.resourceVersion, /^\d+$/, 'resourceVersion is an opaque numeric string');
  t.equal(created.body.status?.phase, 'Pending', 'a new pod is Pending');

  const got = await server.request<Pod>(`${podsPath()}/web`);
  t.equal(got.status, 200);
  t.same(got.body, created.body, 'get returns what create returned');

  const list = await server.request<KubeList<Pod>>(podsPath());
  t.equal(list.status, 200);
  t.equal(list.body.kind, 'PodList');
  t.equal(list.body.apiVersion, 'v1');
  t.same(names(list.body), ['web']);
  t.match(list.body.metadata.resourceVersion, /^\d+$/);

  const changed: Pod = {
    ...got.body,
    metadata: { ...got.body.metadata, labels: { app: 'web', tier: 'front' } },
  };
  const updated = await server.request<Pod>(`${podsPath()}/web`, { method: 'PUT', json: changed });
  t.equal(updated.status, 200, 'update answers 200');
  t.same(updated.body.metadata.labels, { app: 'web', tier: 'front' });
  t.not(
    updated.body.metadata.resourceVersion,
    meta.resourceVersion,
    'an update moves resourceVersion',
  );
  t.ok(Number(updated.body.metadata.resourceVersion) > Number(meta.resourceVersion), 'forward');
  t.equal(updated.body.metadata.uid, meta.uid, 'uid never changes');
  t.equal(updated.body.metadata.creationTimestamp, meta.creationTimestamp, 'nor creationTimestamp');

  const stale = await server.request<Status>(`${podsPath()}/web`, { method: 'PUT', json: changed });
  t.equal(stale.status, 409, 'an update from a stale resourceVersion conflicts');
  t.equal(stale.body.reason, 'Conflict');
  t.equal(
    stale.body.message,
    'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
  );

  const deleted = await server.request<Pod>(`${podsPath()}/web`, { method: 'DELETE' });
  t.equal(deleted.status, 200);
  t.equal(deleted.body.kind, 'Pod', 'deleting a pod answers with the pod');
  const gone = await server.request<Status>(`${podsPath()}/web`);
  t.equal(gone.status, 404);
  t.equal(gone.body.message, 'pods "web" not found');
  t.same(gone.body.details, { name: 'web', kind: 'pods' });
});

t.test('an update without resourceVersion is unconditional (last writer wins)', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, configMapsPath(), configMap('cm', {}, { a: '1' }));
  const unconditional = {
    ...created,
    metadata: { ...created.metadata, resourceVersion: undefined },
    data: { a: '2' },
  };
  const updated = await server.request(`${configMapsPath()}/cm`, {
    method: 'PUT',
    json: unconditional,
  });
  t.equal(updated.status, 200);
  t.same(updated.body['data'], { a: '2' });
});

t.test(
  'pods across namespaces: /api/v1/pods lists every namespace, and writes need one',
  async (t) => {
    const server = await startApiServer(t);
    await createNamespace(t, server, 'team');
    await createOk(t, server, podsPath(), pod('a'));
    await createOk(t, server, podsPath('team'), pod('b'));
    const all = await server.request<KubeList>('/api/v1/pods');
    t.equal(all.status, 200);
    t.same(all.body.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort(), [
      'default/a',
      'team/b',
    ]);
    const team = await server.request<KubeList>(podsPath('team'));
    t.same(names(team.body), ['b']);
    const post = await server.request<Status>('/api/v1/pods', { method: 'POST', json: pod('c') });
    t.ok(
      post.status === 404 || post.status === 405,
      `a create without namespace is refused (${post.status})`,
    );
    t.equal(post.body.kind, 'Status');
    const byName = await server.request<Status>('/api/v1/pods/a');
    t.equal(byName.status, 404, 'a namespaced object has no cluster-wide path');
  },
);

t.test('the namespace of a create must exist', async (t) => {
  const server = await startApiServer(t);
  const refused = await server.request<Status>(podsPath('nowhere'), {
    method: 'POST',
    json: pod('p'),
  });
  t.equal(refused.status, 404);
  t.equal(refused.body.reason, 'NotFound');
  t.equal(refused.body.message, 'namespaces "nowhere" not found', 'as Kubernetes words it');
  t.same(refused.body.details, { name: 'nowhere', kind: 'namespaces' });
  const empty = await server.request<KubeList>(podsPath('nowhere'));
  t.equal(empty.status, 200, 'listing an absent namespace is an empty list, as in Kubernetes');
  t.same(empty.body.items, []);
  await createNamespace(t, server, 'nowhere');
  const created = await server.request(podsPath('nowhere'), { method: 'POST', json: pod('p') });
  t.equal(created.status, 201, 'and once it exists, the create succeeds');
});

t.test('the body and the URL must agree', async (t) => {
  const server = await startApiServer(t);
  await createNamespace(t, server, 'team');
  const wrongNamespace = await server.request<Status>(podsPath('team'), {
    method: 'POST',
    json: { ...pod('p'), metadata: { name: 'p', namespace: 'default' } },
  });
  t.equal(wrongNamespace.status, 400);
  t.equal(
    wrongNamespace.body.message,
    'the namespace of the provided object does not match the namespace sent on the request',
  );
  const wrongKind = await server.request<Status>(podsPath(), {
    method: 'POST',
    json: { ...pod('p'), kind: 'Service' },
  });
  t.equal(wrongKind.status, 400);
  t.match(wrongKind.body.message, /kind/);
  const wrongVersion = await server.request<Status>(deploymentsPath(), {
    method: 'POST',
    json: { ...deployment('d'), apiVersion: 'apps/v1beta1' },
  });
  t.equal(wrongVersion.status, 400);
  await createOk(t, server, podsPath(), pod('p'));
  const renamed = await server.request<Status>(`${podsPath()}/p`, {
    method: 'PUT',
    json: pod('q'),
  });
  t.equal(renamed.status, 400);
  t.equal(
    renamed.body.message,
    'the name of the object (q) does not match the name on the URL (p)',
  );
});

t.test('apiVersion and kind may be left out of a body: the endpoint says what it is', async (t) => {
  const server = await startApiServer(t);
  const reply = await server.request(configMapsPath(), {
    method: 'POST',
    json: { metadata: { name: 'cm' }, data: { a: 'b' } },
  });
  t.equal(reply.status, 201);
  t.equal(reply.body.apiVersion, 'v1');
  t.equal(reply.body.kind, 'ConfigMap');
});

t.test('defaults are filled in as Kubernetes fills them', async (t) => {
  const server = await startApiServer(t);
  const manifest: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'defaults' },
    spec: {
      containers: [
        { name: 'pinned', image: 'registry.local/app:v1', ports: [{ containerPort: 80 }] },
        { name: 'latest', image: 'registry.local/app:latest' },
        { name: 'untagged', image: 'registry.local/app' },
      ],
    },
  };
  const created = await createOk(t, server, podsPath(), manifest);
  const spec = created.spec;
  const [pinned, latest, untagged] = spec?.containers ?? [];
  t.equal(pinned?.imagePullPolicy, 'IfNotPresent', 'a tag other than latest: IfNotPresent');
  t.equal(latest?.imagePullPolicy, 'Always', ':latest: Always');
  t.equal(untagged?.imagePullPolicy, 'Always', 'no tag: Always');
  t.equal(pinned?.terminationMessagePath, '/dev/termination-log');
  t.equal(pinned?.terminationMessagePolicy, 'File');
  t.same(pinned?.ports, [{ containerPort: 80, protocol: 'TCP' }], 'ports default to TCP');
  t.equal(spec?.dnsPolicy, 'ClusterFirst');
  t.equal(spec?.restartPolicy, 'Always');
  t.equal(spec?.schedulerName, 'default-scheduler');
  t.same(spec?.securityContext, {});
  t.equal(spec?.terminationGracePeriodSeconds, 30);

  const deployed = await createOk(t, server, deploymentsPath(), {
    ...deployment('web'),
    spec: { ...deployment('web').spec, replicas: undefined },
  } as Deployment);
  const dspec = deployed.spec;
  t.equal(dspec?.replicas, 1, 'replicas defaults to 1');
  t.equal(dspec?.progressDeadlineSeconds, 600);
  t.equal(dspec?.revisionHistoryLimit, 10);
  t.same(dspec?.strategy, {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
  });
  const template = dspec?.template.spec;
  t.equal(template?.restartPolicy, 'Always', 'the template is defaulted like a pod');
  t.equal(template?.containers[0]?.imagePullPolicy, 'IfNotPresent');
});

t.test(
  'pods get NoExecute tolerations for not-ready and unreachable nodes (DefaultTolerationSeconds)',
  async (t) => {
    const server = await startApiServer(t);
    const defaults = [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ];
    const plain = await createOk(t, server, podsPath(), pod('plain'));
    t.same(plain.spec?.tolerations, defaults, 'a pod that says nothing gets both, 300 s each');

    const ownNotReady = {
      key: 'node.kubernetes.io/not-ready',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 60,
    };
    const own = await createOk(t, server, podsPath(), {
      ...pod('own'),
      spec: { ...pod('own').spec, tolerations: [ownNotReady] },
    } as Pod);
    t.same(own.spec?.tolerations, [ownNotReady, defaults[1]], "the pod's own is kept, not doubled");

    const everything = { operator: 'Exists' };
    const all = await createOk(t, server, podsPath(), {
      ...pod('all'),
      spec: { ...pod('all').spec, tolerations: [everything] },
    } as Pod);
    t.same(all.spec?.tolerations, [everything], 'a pod that tolerates every taint gets none');

    const replaced = await server.request<Pod>(`${podsPath()}/plain`, {
      method: 'PUT',
      json: { ...plain, spec: { ...plain.spec, tolerations: undefined } },
    });
    t.equal(replaced.status, 200, 'an update without them is not refused as removing tolerations');
    t.same(replaced.body.spec?.tolerations, defaults, 'they are added back');

    const deployed = await createOk(t, server, deploymentsPath(), deployment('tolerated'));
    t.notOk(deployed.spec?.template.spec?.tolerations, 'a pod template is not a pod: none added');
  },
);

t.test('generateName: the server picks the name', async (t) => {
  const server = await startApiServer(t);
  const manifest: Pod = { ...pod(''), metadata: { generateName: 'web-', labels: { app: 'web' } } };
  const first = await createOk(t, server, podsPath(), manifest);
  const second = await createOk(t, server, podsPath(), manifest);
  t.match(
    first.metadata.name,
    /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    'prefix + 5 random characters',
  );
  t.not(first.metadata.name, second.metadata.name, 'each create draws a new name');
  t.equal(first.metadata.generateName, 'web-', 'generateName is kept');
  const got = await server.request(`${podsPath()}/${first.metadata.name ?? ''}`);
  t.equal(got.status, 200, 'the object is stored under its generated name');

  const nameless = await server.request<Status>(podsPath(), {
    method: 'POST',
    json: { ...pod(''), metadata: {} },
  });
  t.equal(nameless.status, 422);
  t.equal(nameless.body.reason, 'Invalid');
  t.same(
    nameless.body.details?.causes?.map((c) => c.field),
    ['metadata.name'],
    'the cause names metadata.name',
  );
  t.match(nameless.body.message, /name or generateName is required/);
});

t.test('a second create of one name: 409 AlreadyExists', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('p'));
  const again = await server.request<Status>(podsPath(), { method: 'POST', json: pod('p') });
  t.equal(again.status, 409);
  t.equal(again.body.reason, 'AlreadyExists');
  t.equal(again.body.message, 'pods "p" already exists');
  t.same(again.body.details, { name: 'p', kind: 'pods' });
  await createOk(t, server, deploymentsPath(), deployment('d'));
  const dup = await server.request<Status>(deploymentsPath(), {
    method: 'POST',
    json: deployment('d'),
  });
  t.equal(dup.body.message, 'deployments.apps "d" already exists');
  t.same(dup.body.details, { name: 'd', group: 'apps', kind: 'deployments' });
});

t.test('the server owns uid, creationTimestamp, resourceVersion and deletion fields', async (t) => {
  const server = await startApiServer(t);
  const forged = {
    ...pod('p'),
    metadata: {
      name: 'p',
      uid: 'forged',
      resourceVersion: '12345',
      creationTimestamp: '2001-01-01T00:00:00Z',
      deletionTimestamp: '2001-01-01T00:00:00Z',
      generation: 9,
    },
  };
  const created = await createOk(t, server, podsPath(), forged);
  t.match(created.metadata.uid, UID);
  t.not(created.metadata.creationTimestamp, '2001-01-01T00:00:00Z');
  t.not(created.metadata.resourceVersion, '12345');
  t.notOk(created.metadata.deletionTimestamp);
  t.equal(created.metadata.generation, undefined, 'no generation on pods, as in Kubernetes 1.32');
  const otherUid = await server.request<Status>(`${podsPath()}/p`, {
    method: 'PUT',
    json: { ...created, metadata: { ...created.metadata, uid: 'another' } },
  });
  t.equal(otherUid.status, 422, 'uid is immutable');
  t.match(otherUid.body.details?.causes?.[0]?.field, 'metadata.uid');
});

t.test('only the workload kinds carry a generation, as in Kubernetes 1.32', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, configMapsPath(), configMap('c', {}, { a: 'b' }));
  t.equal(created.metadata.generation, undefined, 'a ConfigMap has none');
  const updated = await server.request<KubeObject>(`${configMapsPath()}/c`, {
    method: 'PUT',
    json: { ...created, data: { a: 'changed' } },
  });
  t.equal(updated.status, 200, updated.text);
  t.equal(updated.body.metadata.generation, undefined, 'nor gets one when its data changes');
  const namespace = await createOk<KubeObject>(t, server, '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-a', generation: 5 },
  });
  t.equal(namespace.metadata.generation, undefined, "a sent generation is the server's to drop");
  const hpa = await createOk<KubeObject>(
    t,
    server,
    '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers',
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 3,
      },
    },
  );
  t.equal(hpa.metadata.generation, 1, 'an HPA has one, as Deployments and ReplicaSets do');
});

t.test(
  'generation moves with the spec only; status and spec are written by different paths',
  async (t) => {
    const server = await startApiServer(t);
    const path = `${deploymentsPath()}/web`;
    const created = await createOk(t, server, deploymentsPath(), deployment('web', 1));
    t.equal(created.metadata.generation, 1);
    t.notOk(created.status, 'status from a create is dropped');

    const labelled = await server.request<Deployment>(path, {
      method: 'PUT',
      json: { ...created, metadata: { ...created.metadata, labels: { team: 'a' } } },
    });
    t.equal(labelled.body.metadata.generation, 1, 'a metadata change keeps generation');

    const scaled = await server.request<Deployment>(path, {
      method: 'PUT',
      json: { ...labelled.body, spec: { ...labelled.body.spec, replicas: 3 } },
    });
    t.equal(scaled.body.spec?.replicas, 3);
    t.equal(scaled.body.metadata.generation, 2, 'a spec change bumps generation');

    const withStatus = await server.request<Deployment>(path, {
      method: 'PUT',
      json: { ...scaled.body, status: { replicas: 3, readyReplicas: 3 } },
    });
    t.equal(withStatus.status, 200);
    t.notOk(withStatus.body.status, 'the main resource ignores status');

    const statusWrite = await server.request<Deployment>(`${path}/status`, {
      method: 'PUT',
      json: {
        ...withStatus.body,
        spec: { ...withStatus.body.spec, replicas: 9 },
        status: { replicas: 3, readyReplicas: 2, observedGeneration: 2 },
      },
    });
    t.equal(statusWrite.status, 200);
    t.same(
      statusWrite.body.status,
      { replicas: 3, readyReplicas: 2, observedGeneration: 2 },
      'status is written',
    );
    t.equal(statusWrite.body.spec?.replicas, 3, 'the status subresource ignores spec');
    t.equal(statusWrite.body.metadata.generation, 2, 'and does not bump generation');

    const statusRead = await server.request<Deployment>(`${path}/status`);
    t.equal(statusRead.status, 200);
    t.equal(statusRead.body.kind, 'Deployment', 'GET of /status is the whole object');
    t.same(statusRead.body.status, statusWrite.body.status);

    const patched = await server.request<Deployment>(`${path}/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      json: { status: { availableReplicas: 2 }, spec: { replicas: 7 } },
    });
    t.equal(patched.status, 200);
    t.equal(patched.body.status?.availableReplicas, 2, 'a status patch writes status');
    t.equal(patched.body.spec?.replicas, 3, 'and ignores spec');
  },
);

t.test(
  'pods: status belongs to the status subresource, the spec is immutable but for images',
  async (t) => {
    const server = await startApiServer(t);
    const path = `${podsPath()}/p`;
    const created = await createOk(t, server, podsPath(), {
      ...pod('p'),
      status: { phase: 'Running' },
    } as Pod);
    t.equal(created.status?.phase, 'Pending', 'a create cannot set the status');
    t.equal(created.status?.qosClass, 'BestEffort');

    const viaMain = await server.request<Pod>(path, {
      method: 'PUT',
      json: { ...created, status: { phase: 'Failed' } },
    });
    t.equal(viaMain.status, 200);
    t.equal(viaMain.body.status?.phase, 'Pending', 'an update of the pod ignores status');

    const running = await server.request<Pod>(`${path}/status`, {
      method: 'PUT',
      json: { ...viaMain.body, status: { phase: 'Running', podIP: '10.0.0.5' } },
    });
    t.equal(running.status, 200);
    t.equal(running.body.status?.phase, 'Running');
    t.equal(running.body.status?.podIP, '10.0.0.5');
    t.equal(running.body.status?.qosClass, 'BestEffort', 'the QoS class stays');

    const containers = running.body.spec?.containers ?? [];
    const newImage = await server.request<Pod>(path, {
      method: 'PUT',
      json: {
        ...running.body,
        spec: {
          ...running.body.spec,
          containers: containers.map((c) => ({ ...c, image: 'registry.local/web:v2' })),
        },
      },
    });
    t.equal(newImage.status, 200, 'a pod image may change');
    t.equal(newImage.body.spec?.containers[0]?.image, 'registry.local/web:v2');

    const renamed = await server.request<Status>(path, {
      method: 'PUT',
      json: {
        ...newImage.body,
        spec: {
          ...newImage.body.spec,
          containers: containers.map((c) => ({ ...c, name: 'other' })),
        },
      },
    });
    t.equal(renamed.status, 422, 'other spec fields may not');
    t.equal(renamed.body.details?.causes?.[0]?.field, 'spec');
    t.match(renamed.body.message, /pod updates may not change fields other than/);
    t.equal(renamed.body.details?.causes?.length, 1, 'one cause, as Kubernetes reports it');

    const grown = await server.request<Status>(path, {
      method: 'PUT',
      json: {
        ...newImage.body,
        spec: {
          ...newImage.body.spec,
          containers: [...containers, { name: 'extra', image: 'registry.local/x:v1' }],
        },
      },
    });
    t.equal(grown.status, 422, 'containers cannot be added');
    t.same(
      grown.body.details?.causes?.map((c) => `${c.field}: ${c.message}`),
      ['spec.containers: Forbidden: pod updates may not add or remove containers'],
    );
  },
);

t.test('cluster-scoped types: nodes and namespaces', async (t) => {
  const server = await startApiServer(t);
  const node = await server.request(`/api/v1/nodes`, {
    method: 'POST',
    json: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', namespace: 'default', labels: { zone: 'a' } },
    },
  });
  t.equal(node.status, 201);
  t.notOk(node.body.metadata.namespace, 'a cluster-scoped object has no namespace');
  t.equal((await server.request('/api/v1/nodes/n1')).status, 200);
  const nodes = await server.request<KubeList>('/api/v1/nodes');
  t.equal(nodes.body.kind, 'NodeList');
  t.same(names(nodes.body), ['n1']);
  const namespacedPath = await server.request<Status>('/api/v1/namespaces/default/nodes/n1');
  t.equal(namespacedPath.status, 404, 'a cluster-scoped type has no namespaced path');
  t.equal(namespacedPath.body.kind, 'Status');

  // What a node agent does: heartbeats through the status subresource.
  const ready = { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] };
  const heartbeat = await server.request('/api/v1/nodes/n1/status', {
    method: 'PATCH',
    headers: { 'content-type': 'application/strategic-merge-patch+json' },
    json: { status: ready },
  });
  t.equal(heartbeat.status, 200);
  t.match(heartbeat.body['status'], ready, 'node status is written through /status');
  const cordon = await server.request('/api/v1/nodes/n1', {
    method: 'PATCH',
    headers: { 'content-type': 'application/strategic-merge-patch+json' },
    json: {
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    },
  });
  t.equal(cordon.status, 200, 'kubectl cordon patches the node');
  t.match(
    cordon.body['spec'],
    { unschedulable: true, podCIDR: '10.224.0.0/20' },
    'with the pod CIDR the API server gave it',
  );
  t.match(cordon.body['status'], ready, 'and a patch of the node leaves its status alone');

  const ns = await createNamespace(t, server, 'team');
  t.equal(ns.status?.phase, 'Active');
  t.same(ns.spec?.finalizers, ['kubernetes']);
  const got = await server.request<Namespace>('/api/v1/namespaces/team');
  t.equal(got.status, 200);
  t.equal(got.body.metadata.name, 'team');
  const all = await server.request<KubeList>('/api/v1/namespaces');
  t.same(
    names(all.body).sort(),
    ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'team'],
    'the bootstrap namespaces exist',
  );
  const nsStatus = await server.request<Namespace>('/api/v1/namespaces/team/status');
  t.equal(nsStatus.status, 200, '/api/v1/namespaces/{name}/status is the namespace');
  t.equal(nsStatus.body.kind, 'Namespace');
});

t.test('dryRun=All validates and answers without storing', async (t) => {
  const server = await startApiServer(t);
  const dry = await server.request(`${podsPath()}?dryRun=All`, {
    method: 'POST',
    json: pod('dry'),
  });
  t.equal(dry.status, 201);
  t.equal(dry.body.metadata.name, 'dry');
  t.equal((await server.request(`${podsPath()}/dry`)).status, 404, 'nothing was stored');
  const invalidDry = await server.request<Status>(`${podsPath()}?dryRun=All`, {
    method: 'POST',
    json: { ...pod('dry'), spec: { containers: [] } },
  });
  t.equal(invalidDry.status, 422, 'a dry run still validates');
  const bad = await server.request<Status>(`${podsPath()}?dryRun=Some`, {
    method: 'POST',
    json: pod('dry'),
  });
  t.equal(bad.status, 400);
});

t.test('the scale subresource of a deployment', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, deploymentsPath(), deployment('web', 2));
  const path = `${deploymentsPath()}/web/scale`;
  const scale = await server.request<Scale>(path);
  t.equal(scale.status, 200);
  t.equal(scale.body.apiVersion, 'autoscaling/v1');
  t.equal(scale.body.kind, 'Scale');
  t.equal(scale.body.spec.replicas, 2);
  t.equal(scale.body.status?.selector, 'app=web');
  t.equal(scale.body.metadata.resourceVersion, created.metadata.resourceVersion);

  const put = await server.request<Scale>(path, {
    method: 'PUT',
    json: { ...scale.body, spec: { replicas: 5 } },
  });
  t.equal(put.status, 200);
  t.equal(put.body.spec.replicas, 5);
  const after = await server.request<Deployment>(`${deploymentsPath()}/web`);
  t.equal(after.body.spec?.replicas, 5, 'the deployment follows its scale');
  t.equal(after.body.metadata.generation, 2);

  const patched = await server.request<Scale>(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    json: { spec: { replicas: 1 } },
  });
  t.equal(patched.status, 200, 'kubectl scale patches the scale');
  t.equal(patched.body.spec.replicas, 1);

  const stale = await server.request<Status>(path, {
    method: 'PUT',
    json: { ...scale.body, spec: { replicas: 4 } },
  });
  t.equal(stale.status, 409, 'a scale with a stale resourceVersion conflicts');
  const negative = await server.request<Status>(path, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    json: { spec: { replicas: -1 } },
  });
  t.equal(negative.status, 422);
  t.equal(negative.body.details?.causes?.[0]?.field, 'spec.replicas');
  const podScale = await server.request<Status>(`${podsPath()}/x/scale`);
  t.equal(podScale.status, 404, 'pods have no scale subresource');
});

t.test('binding a pod to a node', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('p'));
  const binding = {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: 'p' },
    target: { apiVersion: 'v1', kind: 'Node', name: 'n1' },
  };
  const bound = await server.request<Status>(`${podsPath()}/p/binding`, {
    method: 'POST',
    json: binding,
  });
  t.equal(bound.status, 201);
  t.equal(bound.body.status, 'Success');
  const after = await server.request<Pod>(`${podsPath()}/p`);
  t.equal(after.body.spec?.nodeName, 'n1');
  t.ok(
    after.body.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True'),
  );
  const again = await server.request<Status>(`${podsPath()}/p/binding`, {
    method: 'POST',
    json: { ...binding, target: { kind: 'Node', name: 'n2' } },
  });
  t.equal(again.status, 409, 'a bound pod cannot be bound again');
  t.match(again.body.message, /already assigned to node "n1"/);
});

t.test('objects of every served type can be written and read back', async (t) => {
  const server = await startApiServer(t);
  const cases: [string, KubeObject][] = [
    [configMapsPath(), configMap('cm', {}, { k: 'v' })],
    [
      '/api/v1/namespaces/default/secrets',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { k: 'v' } },
    ],
    [
      '/api/v1/namespaces/default/services',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'svc' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
    ],
    [
      '/apis/coordination.k8s.io/v1/namespaces/default/leases',
      {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'l' },
        spec: { holderIdentity: 'me' },
      },
    ],
  ];
  for (const [path, object] of cases) {
    const created = await server.request(path, { method: 'POST', json: object });
    t.equal(created.status, 201, `${object.kind} created: ${created.text.slice(0, 200)}`);
    const got = await server.request(`${path}/${object.metadata.name ?? ''}`);
    t.equal(got.status, 200, `${object.kind} read back`);
    t.equal(got.body.kind, object.kind);
  }
});

t.test('concurrent updates from one resourceVersion: one wins, the others conflict', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, configMapsPath(), configMap('cm', {}, { v: '0' }));
  const replies = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      server.request(`${configMapsPath()}/cm`, {
        method: 'PUT',
        json: { ...created, data: { v: String(i + 1) } },
      }),
    ),
  );
  t.equal(replies.filter((r) => r.status === 200).length, 1, 'exactly one update applies');
  t.equal(replies.filter((r) => r.status === 409).length, 9, 'the others are 409 Conflict');
  const winner = replies.find((r) => r.status === 200);
  const stored = await server.request(`${configMapsPath()}/cm`);
  t.same(stored.body['data'], winner?.body['data'], 'the stored object is the winner');
});

t.test('an update of an absent object is a 404 (no create on update)', async (t) => {
  const server = await startApiServer(t);
  const reply = await server.request<Status>(`${configMapsPath()}/absent`, {
    method: 'PUT',
    json: configMap('absent'),
  });
  t.equal(reply.status, 404);
  t.equal(reply.body.message, 'configmaps "absent" not found');
});
