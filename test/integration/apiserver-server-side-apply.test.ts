// Server-side apply over HTTP (`PATCH` with application/apply-patch+yaml), as
// `kubectl apply --server-side` and client libraries use it: an apply creates
// a missing object (201), owns the fields of its configuration in
// metadata.managedFields, refuses to change fields other managers own (409
// with one cause per field) unless forced, shares fields set to the same
// value, removes what it applied before and no longer sets, and records the
// fields later updates change.

import t from 'tap';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import type { Deployment, TestServer } from './apiserver-support.js';
import {
  configMap,
  configMapsPath,
  createOk,
  deploymentsPath,
  startApiServer,
} from './apiserver-support.js';

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  subresource?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}

function entries(object: KubeObject): Entry[] {
  return (object.metadata.managedFields ?? []) as Entry[];
}

function entryOf(object: KubeObject, manager: string): Entry | undefined {
  return entries(object).find((e) => e.manager === manager);
}

function apply<T = KubeObject>(
  server: TestServer,
  path: string,
  body: unknown,
  query = 'fieldManager=tool',
) {
  return server.request<T>(`${path}?${query}`, {
    method: 'PATCH',
    headers: { 'content-type': APPLY },
    ...(typeof body === 'string' ? { body } : { json: body }),
  });
}

const web = `${deploymentsPath()}/web`;

/** The configuration a tool applies: replicas, a label, one container with two env vars. */
function config(replicas = 2, env = [{ name: 'A', value: '1' }]): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { tier: 'front' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'main', image: 'registry.local/web:v1', env }],
        },
      },
    },
  };
}

t.test('an apply creates the object, owned by its manager', async (t) => {
  const server = await startApiServer(t);
  const yaml = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web}',
    'spec:',
    '  replicas: 2',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      containers: [{name: main, image: "registry.local/web:v1", ports: [{containerPort: 80}]}]',
  ].join('\n');
  const created = await apply<Deployment>(server, web, yaml);
  t.equal(created.status, 201, `an apply that creates answers 201: ${created.text}`);
  t.equal(created.body.spec?.progressDeadlineSeconds, 600, 'created with the usual defaults');
  const [entry, ...others] = entries(created.body);
  t.equal(others.length, 0, 'one manager');
  t.match(entry, {
    manager: 'tool',
    operation: 'Apply',
    apiVersion: 'apps/v1',
    fieldsType: 'FieldsV1',
  });
  t.same(
    entry?.fieldsV1,
    {
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"main"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': {
                  'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                },
              },
            },
          },
        },
      },
    },
    'exactly the applied fields, in FieldsV1 (defaults are nobody’s; a selector is atomic)',
  );

  const again = await apply<Deployment>(server, web, yaml);
  t.equal(again.status, 200);
  t.equal(
    again.body.metadata.resourceVersion,
    created.body.metadata.resourceVersion,
    'applying the same configuration again writes nothing',
  );
  t.equal(entryOf(again.body, 'tool')?.time, entry?.time);
});

t.test('conflicts: another manager’s field with another value is 409 unless forced', async (t) => {
  const server = await startApiServer(t);
  t.equal((await apply(server, web, config(2))).status, 201);
  const scaled = await server.request<Deployment>(`${web}?fieldManager=autoscaler`, {
    method: 'PATCH',
    headers: { 'content-type': MERGE },
    json: { spec: { replicas: 5 } },
  });
  t.equal(scaled.status, 200);
  t.match(entryOf(scaled.body, 'autoscaler'), {
    operation: 'Update',
    fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  });
  t.notOk(
    'f:replicas' in ((entryOf(scaled.body, 'tool')?.fieldsV1['f:spec'] ?? {}) as object),
    'the update took replicas from the applier',
  );

  const refused = await apply<Status>(server, web, config(3));
  t.equal(refused.status, 409, refused.text);
  t.equal(refused.body.reason, 'Conflict');
  t.match(
    refused.body.message,
    /^Apply failed with 1 conflict: conflict with "autoscaler" using apps\/v1 at .+: \.spec\.replicas$/,
  );
  t.same(refused.body.details?.causes, [
    {
      reason: 'FieldManagerConflict',
      message: refused.body.details?.causes?.[0]?.message,
      field: '.spec.replicas',
    },
  ]);
  const unchanged = await server.request<Deployment>(web);
  t.equal(unchanged.body.spec?.replicas, 5, 'a refused apply changes nothing');

  const same = await apply<Deployment>(server, web, config(5));
  t.equal(same.status, 200, 'the same value is no conflict');
  t.ok(entryOf(same.body, 'autoscaler'), 'and the field is shared');

  const forced = await apply<Deployment>(server, web, config(3), 'fieldManager=tool&force=true');
  t.equal(forced.status, 200, forced.text);
  t.equal(forced.body.spec?.replicas, 3);
  t.notOk(entryOf(forced.body, 'autoscaler'), 'forcing took the field over; the empty entry goes');
});

t.test('fields a manager stops applying are removed, unless someone else owns them', async (t) => {
  const server = await startApiServer(t);
  const two = [
    { name: 'A', value: '1' },
    { name: 'B', value: '2' },
  ];
  t.equal((await apply(server, web, config(2, two))).status, 201);
  const labelled = await server.request<Deployment>(`${web}?fieldManager=labeller`, {
    method: 'PATCH',
    headers: { 'content-type': MERGE },
    json: { metadata: { labels: { owner: 'me', tier: 'front' } } },
  });
  t.equal(labelled.status, 200);
  t.same(
    entryOf(labelled.body, 'labeller')?.fieldsV1,
    { 'f:metadata': { 'f:labels': { 'f:owner': {} } } },
    'the update owns the label it added, not the one it set to the value it had',
  );

  const trimmed = config(2);
  trimmed.metadata = { name: 'web' };
  const after = await apply<Deployment>(server, web, trimmed);
  t.equal(after.status, 200, after.text);
  t.same(after.body.metadata.labels, { owner: 'me' }, 'the dropped label is gone, the other stays');
  t.same(
    after.body.spec?.template.spec?.containers[0]?.env,
    [{ name: 'A', value: '1' }],
    'the dropped env var is gone',
  );
  t.equal(after.body.spec?.template.spec?.containers[0]?.image, 'registry.local/web:v1');
});

t.test('objects nobody applied to: the first apply sees before-first-apply as owner', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, configMapsPath(), configMap('cm', {}, { a: '1' }));
  t.notOk(created.metadata.managedFields, 'a plain create records no managedFields');
  const path = `${configMapsPath()}/cm`;
  const conflict = await apply<Status>(server, path, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm' },
    data: { a: '2' },
  });
  t.equal(conflict.status, 409);
  t.match(conflict.body.message, /conflict with "before-first-apply" using v1: \.data\.a/);
  const shared = await apply<KubeObject>(server, path, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm' },
    data: { a: '1', b: '2' },
  });
  t.equal(shared.status, 200, shared.text);
  t.same(
    entries(shared.body).map((e) => [e.manager, e.operation]),
    [
      ['before-first-apply', 'Update'],
      ['tool', 'Apply'],
    ],
  );
  const update = await server.request<KubeObject>(path, {
    method: 'PUT',
    headers: { 'user-agent': 'editor/1.0 (linux)' },
    json: { ...shared.body, data: { a: '1', b: '3' } },
  });
  t.equal(update.status, 200, update.text);
  t.match(
    entryOf(update.body, 'editor'),
    { operation: 'Update', fieldsV1: { 'f:data': { 'f:b': {} } } },
    'an update without fieldManager is its user agent’s',
  );
  t.same(entryOf(update.body, 'tool')?.fieldsV1, { 'f:data': { 'f:a': {} } });

  const reset = await server.request<KubeObject>(path, {
    method: 'PUT',
    json: { ...update.body, metadata: { ...update.body.metadata, managedFields: [{}] } },
  });
  t.equal(reset.status, 200);
  t.notOk(reset.body.metadata.managedFields, '[{}] resets managedFields, as in Kubernetes');
});

t.test('kubectl’s server-side apply continues a client-side apply', async (t) => {
  const server = await startApiServer(t);
  const annotation = 'kubectl.kubernetes.io/last-applied-configuration';
  const recorded = (replicas: number) => JSON.stringify(config(replicas)) + '\n';
  const created = await createOk<Deployment>(t, server, deploymentsPath(), {
    ...config(2),
    metadata: { name: 'web', annotations: { [annotation]: recorded(2) } },
  });
  t.notOk(created.metadata.managedFields);

  const upgraded = await apply<Deployment>(server, web, config(3), 'fieldManager=kubectl');
  t.equal(
    upgraded.status,
    200,
    `no conflict for a field the client-side apply set: ${upgraded.text}`,
  );
  t.equal(upgraded.body.spec?.replicas, 3);
  const kept = JSON.parse(upgraded.body.metadata.annotations?.[annotation] ?? '{}') as Deployment;
  t.equal(kept.spec?.replicas, 3, 'the annotation follows, for a later client-side apply');
  t.same(
    entries(upgraded.body).map((e) => e.manager),
    ['before-first-apply', 'kubectl'],
  );

  const scaled = await server.request(`${web}?fieldManager=scaler`, {
    method: 'PATCH',
    headers: { 'content-type': MERGE },
    json: { spec: { replicas: 5 } },
  });
  t.equal(scaled.status, 200);
  const refused = await apply<Status>(server, web, config(4), 'fieldManager=kubectl');
  t.equal(refused.status, 409, 'a field someone else changed since is still a conflict');
  t.match(refused.body.message, /conflict with "scaler"/);

  const other = await apply<Status>(
    server,
    web,
    { ...config(5), metadata: { name: 'web', labels: { tier: 'back' } } },
    'fieldManager=tool',
  );
  t.equal(other.status, 409, 'other managers do not continue kubectl’s record');
});

t.test('cluster-scoped objects, namespaces on the URL, sent managedFields', async (t) => {
  const server = await startApiServer(t);
  const namespace = await apply<KubeObject>(server, '/api/v1/namespaces/team', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team', labels: { owner: 'ops' } },
  });
  t.equal(namespace.status, 201, namespace.text);
  t.match(entryOf(namespace.body, 'tool'), {
    fieldsV1: { 'f:metadata': { 'f:labels': { 'f:owner': {} } } },
  });

  const elsewhere = await apply<Status>(server, `${configMapsPath('team')}/cm`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm', namespace: 'default' },
  });
  t.equal(elsewhere.status, 400);
  t.match(elsewhere.body.message, /does not match the namespace on the URL/);

  const created = await apply<KubeObject>(server, `${configMapsPath('team')}/cm`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm' },
    data: { a: '1' },
  });
  t.equal(created.status, 201);
  t.equal(created.body.metadata.namespace, 'team', 'the URL names the namespace');
  const badEntry = await server.request<Status>(`${configMapsPath('team')}/cm`, {
    method: 'PUT',
    json: {
      ...created.body,
      metadata: { ...created.body.metadata, managedFields: [{ manager: 'x', operation: 'Patch' }] },
    },
  });
  t.equal(badEntry.status, 422, badEntry.text);
  t.match(badEntry.body.details?.causes, [{ field: 'metadata.managedFields[0]' }]);
  const after = await server.request<KubeObject>(`${configMapsPath('team')}/cm`);
  t.same(after.body.metadata.managedFields, created.body.metadata.managedFields, 'nothing changed');
});

t.test('status: an apply to /status owns status fields only', async (t) => {
  const server = await startApiServer(t);
  t.equal((await apply(server, web, config(2))).status, 201);
  const status = await apply<Deployment>(
    server,
    `${web}/status`,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 9 },
      status: { replicas: 2, readyReplicas: 1 },
    },
    'fieldManager=controller',
  );
  t.equal(status.status, 200, status.text);
  t.equal(status.body.spec?.replicas, 2, 'spec is not changed through status');
  t.equal(status.body.status?.readyReplicas, 1);
  t.match(entryOf(status.body, 'controller'), {
    operation: 'Apply',
    subresource: 'status',
    fieldsV1: { 'f:status': { 'f:replicas': {}, 'f:readyReplicas': {} } },
  });
  t.notOk('f:spec' in (entryOf(status.body, 'controller')?.fieldsV1 ?? {}));
});

t.test('bad applies are refused and change nothing', async (t) => {
  const server = await startApiServer(t);
  const noManager = await server.request<Status>(web, {
    method: 'PATCH',
    headers: { 'content-type': APPLY },
    json: config(),
  });
  t.equal(noManager.status, 422);
  t.match(noManager.body.message, /fieldManager: Required value: is required for apply patch/);

  const forceOnMerge = await server.request<Status>(`${web}?force=true`, {
    method: 'PATCH',
    headers: { 'content-type': MERGE },
    json: { spec: { replicas: 1 } },
  });
  t.equal(forceOnMerge.status, 422);
  t.match(forceOnMerge.body.message, /force: Forbidden: may not be specified for non-apply patch/);

  const wrongName = await apply<Status>(server, web, { ...config(), metadata: { name: 'other' } });
  t.equal(wrongName.status, 400);
  t.match(wrongName.body.message, /does not match the name on the URL/);

  const wrongKind = await apply<Status>(server, web, { ...config(), kind: 'ReplicaSet' });
  t.equal(wrongKind.status, 400, wrongKind.text);

  const withManaged = await apply<Status>(server, web, {
    ...config(),
    metadata: { name: 'web', managedFields: [{ manager: 'x' }] },
  });
  t.equal(withManaged.status, 400);
  t.match(withManaged.body.message, /managedFields must be nil/);

  const invalidYaml = await apply<Status>(server, web, 'spec: [unclosed');
  t.equal(invalidYaml.status, 400);
  t.match(invalidYaml.body.message, /not valid YAML/);

  const invalid = await apply<Status>(server, web, config(-1));
  t.equal(invalid.status, 422, 'the merged object is validated as any write');
  t.match(invalid.body.details?.causes, [{ field: 'spec.replicas' }]);

  const missingKey = await apply<Status>(server, web, {
    ...config(),
    spec: { ...config().spec, template: { spec: { containers: [{ image: 'x' }] } } },
  });
  t.equal(missingKey.status, 422, missingKey.text);

  const twice = await apply<Status>(
    server,
    web,
    config(2, [
      { name: 'A', value: '1' },
      { name: 'A', value: '2' },
    ]),
  );
  t.equal(twice.status, 422, 'an item key twice in a configuration is ambiguous');
  t.match(twice.body.details?.causes, [
    {
      reason: 'FieldValueDuplicate',
      field: 'spec.template.spec.containers[0].env',
      message: 'duplicate entries for key [name="A"]',
    },
  ]);

  const none = await server.request<Status>(web);
  t.equal(none.status, 404, 'no refused apply created anything');

  const dryRun = await apply<Deployment>(server, web, config(), 'fieldManager=tool&dryRun=All');
  t.equal(dryRun.status, 201, dryRun.text);
  t.ok(entryOf(dryRun.body, 'tool'), 'a dry run shows the managed fields');
  t.equal((await server.request(web)).status, 404, 'and stores nothing');
});
