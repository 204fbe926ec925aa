// A type served at two versions: HorizontalPodAutoscalers are stored as
// autoscaling/v2 and also served as autoscaling/v1 (what `kubectl autoscale`
// writes), over HTTP: each version reads and writes its own form of the same
// objects, v1 bodies are checked against v1's fields, a v1 client's writes keep
// what only v2 can say, and discovery prefers v2.

import t from 'tap';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import { kubeProtobuf, message } from '../helpers/kube-protobuf.js';
import { startApiServer } from './apiserver-support.js';

const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
const V2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';

interface Hpa extends KubeObject {
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

function v1Hpa(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      maxReplicas: 5,
      ...spec,
    },
  };
}

const cpu = (averageUtilization: number) => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});
const memory = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
};

t.test('a v1 HPA is stored as v2 and read back in either version', async (t) => {
  const server = await startApiServer(t);
  const created = await server.request<Hpa>(V1, {
    method: 'POST',
    json: v1Hpa('web', { minReplicas: 2, targetCPUUtilizationPercentage: 60 }),
  });
  t.equal(created.status, 201, created.text);
  t.match(created.body, {
    apiVersion: 'autoscaling/v1',
    spec: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
  });
  t.notOk('metrics' in created.body.spec, 'the v1 form has no metrics');

  const asV2 = await server.request<Hpa>(`${V2}/web`);
  t.equal(asV2.body.apiVersion, 'autoscaling/v2');
  t.same(asV2.body.spec['metrics'], [cpu(60)], "v1's target is v2's cpu utilization metric");
  t.equal(asV2.body.metadata.resourceVersion, created.body.metadata.resourceVersion);

  const list = await server.request<{ apiVersion: string; kind: string; items: Hpa[] }>(V1);
  t.equal(list.body.apiVersion, 'autoscaling/v1');
  t.equal(list.body.kind, 'HorizontalPodAutoscalerList');
  t.same(
    list.body.items.map((i) => [i.apiVersion, i.spec['targetCPUUtilizationPercentage']]),
    [['autoscaling/v1', 60]],
  );

  const defaulted = await server.request<Hpa>(V1, { method: 'POST', json: v1Hpa('plain') });
  t.match(
    defaulted.body.spec,
    { minReplicas: 1, targetCPUUtilizationPercentage: 80 },
    "v2's defaults, read in v1's terms",
  );
});

t.test("a v1 client's writes keep what only v2 can say", async (t) => {
  const server = await startApiServer(t);
  await server.request(V2, {
    method: 'POST',
    json: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 5,
        metrics: [cpu(70), memory],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    },
  });
  const read = await server.request<Hpa>(`${V1}/web`);
  t.equal(read.body.spec['targetCPUUtilizationPercentage'], 70);

  const replaced = await server.request<Hpa>(`${V1}/web`, {
    method: 'PUT',
    json: { ...read.body, spec: { ...read.body.spec, targetCPUUtilizationPercentage: 50 } },
  });
  t.equal(replaced.status, 200, replaced.text);
  const afterPut = await server.request<Hpa>(`${V2}/web`);
  t.same(afterPut.body.spec['metrics'], [cpu(50), memory], 'the memory metric stays');
  t.match(afterPut.body.spec['behavior'], { scaleDown: { stabilizationWindowSeconds: 60 } });

  for (const [type, body] of [
    ['application/merge-patch+json', { spec: { targetCPUUtilizationPercentage: 40 } }],
    ['application/strategic-merge-patch+json', { spec: { minReplicas: 3 } }],
    [
      'application/json-patch+json',
      [{ op: 'replace', path: '/spec/targetCPUUtilizationPercentage', value: 30 }],
    ],
  ] as const) {
    const patched = await server.request<Hpa>(`${V1}/web`, {
      method: 'PATCH',
      headers: { 'content-type': type },
      body: JSON.stringify(body),
    });
    t.equal(patched.status, 200, `${type}: ${patched.text}`);
    t.equal(patched.body.apiVersion, 'autoscaling/v1', 'a patch is applied to the v1 form');
  }
  const patched = await server.request<Hpa>(`${V2}/web`);
  t.match(patched.body.spec, { minReplicas: 3, metrics: [cpu(30), memory] });

  const stale = await server.request<Status>(`${V1}/web`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ metadata: { resourceVersion: '1' }, spec: { maxReplicas: 9 } }),
  });
  t.equal(stale.status, 409, 'a patch pinned to an old resourceVersion conflicts');
});

t.test('v1 bodies are checked against v1, and errors change nothing', async (t) => {
  const server = await startApiServer(t);
  const unknown = await server.request<Status>(`${V1}?fieldValidation=Strict`, {
    method: 'POST',
    json: v1Hpa('web', { metrics: [cpu(50)] }),
  });
  t.equal(unknown.status, 400);
  t.match(unknown.body.message, 'unknown field "spec.metrics"', 'metrics is not a v1 field');

  const warned = await server.request<Hpa>(V1, {
    method: 'POST',
    json: v1Hpa('warned', { metrics: [cpu(50)] }),
  });
  t.equal(warned.status, 201);
  t.match(warned.headers.get('warning'), /unknown field \\"spec.metrics\\"/);

  const wrongType = await server.request<Status>(V1, {
    method: 'POST',
    json: v1Hpa('typed', { targetCPUUtilizationPercentage: 'half' }),
  });
  t.equal(wrongType.status, 422);
  t.match(wrongType.body.details?.causes, [
    { field: 'spec.targetCPUUtilizationPercentage', reason: 'FieldValueTypeInvalid' },
  ]);

  const invalid = await server.request<Status>(V1, {
    method: 'POST',
    json: v1Hpa('invalid', { maxReplicas: 0 }),
  });
  t.equal(invalid.status, 422, "v2's rules judge the converted object");
  t.match(invalid.body.details?.causes, [{ field: 'spec.maxReplicas' }]);

  const wrongVersion = await server.request<Status>(V1, {
    method: 'POST',
    json: { ...v1Hpa('v2body'), apiVersion: 'autoscaling/v2' },
  });
  t.equal(wrongVersion.status, 400);
  t.match(wrongVersion.body.message, 'does not match the expected API version (autoscaling/v1)');
  const wrongKind = await server.request<Status>(V1, {
    method: 'POST',
    json: { ...v1Hpa('scale'), kind: 'Scale' },
  });
  t.equal(wrongKind.status, 400);
  t.match(wrongKind.body.message, 'does not match the expected kind (HorizontalPodAutoscaler)');
  const names = (await server.request<{ items: Hpa[] }>(V2)).body.items.map((i) => i.metadata.name);
  t.same(names, ['warned'], 'nothing refused was stored');
});

t.test('kubectl autoscale: a v1 HPA in protobuf', async (t) => {
  const server = await startApiServer(t);
  const spec = message(
    [1, message([1, 'Deployment'], [2, 'web'], [3, 'apps/v1'])],
    [2, 2],
    [3, 5],
    [4, 60],
  );
  // Go writes the non-pointer fields of an empty status: zeros.
  const status = message([3, 0], [4, 0]);
  const body = kubeProtobuf(
    'autoscaling/v1',
    'HorizontalPodAutoscaler',
    message([1, message([1, 'web'])], [2, spec], [3, status]),
  );
  const created = await server.request<Hpa>(V1, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
    body,
  });
  t.equal(created.status, 201, created.text);
  t.match(created.body.spec, {
    scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
    minReplicas: 2,
    maxReplicas: 5,
    targetCPUUtilizationPercentage: 60,
  });
});

t.test('watches, deletes and tables speak the version asked for', async (t) => {
  const server = await startApiServer(t);
  const watch = await server.watch(`${V1}?watch=1`);
  await server.request(V1, {
    method: 'POST',
    json: v1Hpa('web', { targetCPUUtilizationPercentage: 55 }),
  });
  const [added] = await watch.take(1);
  t.equal(added?.type, 'ADDED');
  t.match(added?.object, {
    apiVersion: 'autoscaling/v1',
    spec: { targetCPUUtilizationPercentage: 55 },
  });
  watch.close();

  const table = await server.request<{ rows: { cells: unknown[] }[] }>(V1, {
    headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
  });
  t.same(table.body.rows[0]?.cells.slice(0, 3), ['web', 'Deployment/web', 'cpu: <unknown>/55%']);

  const deleted = await server.request<Status>(`${V1}/web`, { method: 'DELETE' });
  t.equal(deleted.status, 200);
  t.match(deleted.body, { kind: 'Status', status: 'Success', details: { name: 'web' } });
  t.equal((await server.request(`${V2}/web`)).status, 404);
});

t.test(
  'server-side apply in v1: fields owned in the stored version, conflicts, force',
  async (t) => {
    const server = await startApiServer(t);
    const apply = (manager: string, body: unknown, query = '') =>
      server.request<Hpa & Status>(`${V1}/ssa?fieldManager=${manager}${query}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/apply-patch+yaml' },
        json: body,
      });
    const entryOf = (object: KubeObject, manager: string) =>
      (object.metadata.managedFields ?? []).find(
        (entry) => (entry as { manager?: string }).manager === manager,
      );

    const created = await apply('ci', v1Hpa('ssa', { targetCPUUtilizationPercentage: 60 }));
    t.equal(created.status, 201, created.text);
    t.match(created.body, {
      apiVersion: 'autoscaling/v1',
      spec: { maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
    });
    const stored = await server.request<Hpa>(`${V2}/ssa`);
    t.same(stored.body.spec['metrics'], [cpu(60)]);
    t.match(entryOf(stored.body, 'ci'), {
      operation: 'Apply',
      apiVersion: 'autoscaling/v2',
      fieldsV1: { 'f:spec': { 'f:maxReplicas': {}, 'f:metrics': {}, 'f:scaleTargetRef': {} } },
    });
    const again = await apply('ci', v1Hpa('ssa', { targetCPUUtilizationPercentage: 60 }));
    t.equal(again.status, 200);
    t.equal(
      again.body.metadata.resourceVersion,
      created.body.metadata.resourceVersion,
      'unchanged',
    );

    const refused = await apply('other', v1Hpa('ssa', { targetCPUUtilizationPercentage: 70 }));
    t.equal(refused.status, 409, refused.text);
    t.match(refused.body, {
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', field: '.spec.metrics' }] },
    });
    const forced = await apply(
      'other',
      v1Hpa('ssa', { targetCPUUtilizationPercentage: 70 }),
      '&force=true',
    );
    t.equal(forced.status, 200, forced.text);
    t.equal(forced.body.spec['targetCPUUtilizationPercentage'], 70);

    // ci stops applying a target: the field is other's now, and stays.
    const dropped = await apply('ci', v1Hpa('ssa'));
    t.equal(dropped.status, 200, dropped.text);
    t.equal(dropped.body.spec['targetCPUUtilizationPercentage'], 70);

    const unknown = await apply(
      'ci',
      v1Hpa('ssa', { metrics: [cpu(10)] }),
      '&fieldValidation=Strict',
    );
    t.equal(unknown.status, 400, 'a v2 field in a v1 configuration is unknown');
    t.match(unknown.body.message, 'unknown field "spec.metrics"');
    const after = await server.request<Hpa>(`${V2}/ssa`);
    t.equal(
      after.body.metadata.resourceVersion,
      dropped.body.metadata.resourceVersion,
      'nothing changed',
    );
  },
);

t.test('discovery: autoscaling serves v2, preferred, and v1', async (t) => {
  const server = await startApiServer(t);
  const group = await server.request<{
    versions: { version: string }[];
    preferredVersion: { version: string };
  }>('/apis/autoscaling');
  t.same(
    group.body.versions.map((v) => v.version),
    ['v2', 'v1'],
  );
  t.equal(group.body.preferredVersion.version, 'v2');
  const v1 = await server.request<{ resources: { name: string; kind: string }[] }>(
    '/apis/autoscaling/v1',
  );
  t.match(v1.body.resources, [
    { name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler' },
    { name: 'horizontalpodautoscalers/status' },
  ]);
});
