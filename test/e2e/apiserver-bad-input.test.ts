// Bad input, over HTTP, against a real `skiff controlplane`: each request is
// refused with the right status (and, for invalid objects, the field named in
// a Kubernetes Status), and nothing is stored.

import t from 'tap';
import type { TestControlPlane } from '../helpers/controlplane.js';
import { startControlPlane } from '../helpers/controlplane.js';

const NS = 'corpus';
const pods = `/api/v1/namespaces/${NS}/pods`;
const deployments = `/apis/apps/v1/namespaces/${NS}/deployments`;
const services = `/api/v1/namespaces/${NS}/services`;
const events = `/api/v1/namespaces/${NS}/events`;

type Body = string | object;

interface Case {
  readonly name: string;
  readonly path: string;
  readonly body: Body;
  readonly method?: string;
  readonly contentType?: string;
  readonly code: number | readonly number[];
  /** A field path the Status must name (in details.causes[].field or the message). */
  readonly field?: RegExp;
}

const container = (extra: object = {}) => ({ name: 'c', image: 'registry.local/app:v1', ...extra });
const pod = (spec: object, metadata: object = { name: 'p' }): object => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});
const podWith = (containerExtra: object) => pod({ containers: [container(containerExtra)] });
const deployment = (spec: object, name = 'd'): object => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec,
});
const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [container()] } };
const validDeploymentSpec = { replicas: 1, selector: { matchLabels: { app: 'a' } }, template };
const service = (spec: object, name = 's'): object => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec,
});

const newerEvent = (extra: object): object => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'p.1' },
  involvedObject: { kind: 'Pod', name: 'p', namespace: NS },
  eventTime: '2026-11-27T10:00:00.000000Z',
  reportingComponent: 'skiff.dev/test',
  reportingInstance: 'here',
  action: 'Testing',
  reason: 'Tested',
  type: 'Normal',
  ...extra,
});

const cases: Case[] = [
  // Malformed bodies
  {
    name: 'truncated JSON',
    path: pods,
    body: '{"apiVersion": "v1", "kind":',
    contentType: 'application/json',
    code: 400,
  },
  {
    name: 'malformed YAML',
    path: pods,
    body: 'apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n',
    contentType: 'application/yaml',
    code: 400,
  },
  { name: 'empty body', path: pods, body: '', contentType: 'application/json', code: [400, 422] },
  {
    name: 'a JSON array',
    path: pods,
    body: '[1, 2]',
    contentType: 'application/json',
    code: [400, 422],
  },
  {
    name: 'a JSON string',
    path: pods,
    body: '"pod"',
    contentType: 'application/json',
    code: [400, 422],
  },
  { name: 'text/plain body', path: pods, body: 'hello', contentType: 'text/plain', code: 415 },
  // Kinds and versions
  {
    name: 'unknown kind on pods',
    path: pods,
    body: { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } },
    code: 400,
  },
  {
    name: 'Deployment posted to pods',
    path: pods,
    body: deployment(validDeploymentSpec),
    code: 400,
  },
  {
    name: 'wrong apiVersion for Pod',
    path: pods,
    body: { ...podWith({}), apiVersion: 'apps/v1' },
    code: 400,
  },
  {
    name: 'apiVersion v2 for Pod',
    path: pods,
    body: { ...podWith({}), apiVersion: 'v2' },
    code: 400,
  },
  {
    name: 'unknown resource',
    path: `/api/v1/namespaces/${NS}/widgets`,
    body: podWith({}),
    code: 404,
  },
  {
    name: 'unknown group version',
    path: `/apis/apps/v2/namespaces/${NS}/deployments`,
    body: deployment(validDeploymentSpec),
    code: 404,
  },
  // Wrong types
  {
    name: 'name is a number',
    path: pods,
    body: pod({ containers: [container()] }, { name: 42 }),
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'containers is an object',
    path: pods,
    body: pod({ containers: { c: container() } }),
    code: 422,
    field: /spec\.containers/,
  },
  {
    name: 'containerPort is a string',
    path: pods,
    body: podWith({ ports: [{ containerPort: '80' }] }),
    code: 422,
    field: /spec\.containers\[0\]\.ports\[0\]\.containerPort/,
  },
  {
    name: 'replicas is a string',
    path: deployments,
    body: deployment({ ...validDeploymentSpec, replicas: 'three' }),
    code: 422,
    field: /spec\.replicas/,
  },
  {
    name: 'a label value is a number',
    path: pods,
    body: pod({ containers: [container()] }, { name: 'p', labels: { app: 1 } }),
    code: 422,
    field: /metadata\.labels/,
  },
  {
    name: 'restartPolicy is a number',
    path: pods,
    body: pod({ containers: [container()], restartPolicy: 5 }),
    code: 422,
    field: /spec\.restartPolicy/,
  },
  {
    name: 'env value is a number',
    path: pods,
    body: podWith({ env: [{ name: 'A', value: 1 }] }),
    code: 422,
    field: /spec\.containers\[0\]\.env\[0\]\.value/,
  },
  {
    name: 'command is a string',
    path: pods,
    body: podWith({ command: 'run' }),
    code: 422,
    field: /spec\.containers\[0\]\.command/,
  },
  // Missing required fields
  {
    name: 'pod without spec',
    path: pods,
    body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
    code: 422,
    field: /spec/,
  },
  {
    name: 'no containers',
    path: pods,
    body: pod({ containers: [] }),
    code: 422,
    field: /spec\.containers/,
  },
  {
    name: 'container without name',
    path: pods,
    body: pod({ containers: [{ image: 'x:1' }] }),
    code: 422,
    field: /spec\.containers\[0\]\.name/,
  },
  {
    name: 'container without image',
    path: pods,
    body: pod({ containers: [{ name: 'c' }] }),
    code: 422,
    field: /spec\.containers\[0\]\.image/,
  },
  {
    name: 'no name and no generateName',
    path: pods,
    body: pod({ containers: [container()] }, {}),
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'deployment without selector',
    path: deployments,
    body: deployment({ template }),
    code: 422,
    field: /spec\.selector/,
  },
  {
    name: 'deployment without template',
    path: deployments,
    body: deployment({ selector: { matchLabels: { app: 'a' } } }),
    code: 422,
    field: /spec\.template/,
  },
  {
    name: 'service port without port',
    path: services,
    body: service({ ports: [{ targetPort: 80 }] }),
    code: 422,
    field: /spec\.ports\[0\]\.port/,
  },
  // Invalid names and labels
  {
    name: 'UPPER_case name',
    path: pods,
    body: pod({ containers: [container()] }, { name: 'UPPER_case' }),
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'name with an underscore',
    path: pods,
    body: pod({ containers: [container()] }, { name: 'a_b' }),
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'name of 254 characters',
    path: pods,
    body: pod({ containers: [container()] }, { name: 'a'.repeat(254) }),
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'name starting with a dash',
    path: pods,
    body: pod({ containers: [container()] }, { name: '-p' }),
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'namespace name with a dot',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } },
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'invalid container name',
    path: pods,
    body: pod({ containers: [container({ name: 'Web_1' })] }),
    code: 422,
    field: /spec\.containers\[0\]\.name/,
  },
  {
    name: 'service name starting with a digit',
    path: services,
    body: service({ ports: [{ port: 80 }] }, '1abc'),
    code: 422,
    field: /metadata\.name/,
  },
  {
    name: 'label key with a space',
    path: pods,
    body: pod({ containers: [container()] }, { name: 'p', labels: { 'bad key': 'v' } }),
    code: 422,
    field: /metadata\.labels/,
  },
  {
    name: 'label value of 64 characters',
    path: pods,
    body: pod({ containers: [container()] }, { name: 'p', labels: { app: 'v'.repeat(64) } }),
    code: 422,
    field: /metadata\.labels/,
  },
  {
    name: 'annotations over 256 KiB',
    path: pods,
    body: pod(
      { containers: [container()] },
      { name: 'p', annotations: { big: 'x'.repeat(300 * 1024) } },
    ),
    code: 422,
    field: /metadata\.annotations/,
  },
  // Quantities
  {
    name: 'cpu "two"',
    path: pods,
    body: podWith({ resources: { requests: { cpu: 'two' } } }),
    code: 422,
    field: /resources\.requests/,
  },
  {
    name: 'memory "12XB"',
    path: pods,
    body: podWith({ resources: { limits: { memory: '12XB' } } }),
    code: 422,
    field: /resources\.limits/,
  },
  {
    name: 'negative memory',
    path: pods,
    body: podWith({ resources: { requests: { memory: '-1Mi' } } }),
    code: 422,
    field: /resources\.requests/,
  },
  {
    name: 'cpu request above its limit',
    path: pods,
    body: podWith({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }),
    code: 422,
    field: /resources\.requests/,
  },
  // Duplicates and references
  {
    name: 'duplicate container names',
    path: pods,
    body: pod({ containers: [container(), container()] }),
    code: 422,
    field: /spec\.containers\[1\]\.name/,
  },
  {
    name: 'init container named like a container',
    path: pods,
    body: pod({ initContainers: [container()], containers: [container()] }),
    code: 422,
    field: /\.name/,
  },
  {
    name: 'duplicate port names',
    path: pods,
    body: podWith({
      ports: [
        { name: 'http', containerPort: 80 },
        { name: 'http', containerPort: 81 },
      ],
    }),
    code: 422,
    field: /ports\[1\]\.name/,
  },
  {
    name: 'duplicate volume names',
    path: pods,
    body: pod({
      containers: [container()],
      volumes: [
        { name: 'v', emptyDir: {} },
        { name: 'v', emptyDir: {} },
      ],
    }),
    code: 422,
    field: /spec\.volumes\[1\]\.name/,
  },
  {
    name: 'mount of a volume that does not exist',
    path: pods,
    body: podWith({ volumeMounts: [{ name: 'missing', mountPath: '/m' }] }),
    code: 422,
    field: /volumeMounts\[0\]\.name/,
  },
  // Ranges and enums
  {
    name: 'containerPort 70000',
    path: pods,
    body: podWith({ ports: [{ containerPort: 70000 }] }),
    code: 422,
    field: /containerPort/,
  },
  {
    name: 'containerPort 0',
    path: pods,
    body: podWith({ ports: [{ containerPort: 0 }] }),
    code: 422,
    field: /containerPort/,
  },
  {
    name: 'service port 0',
    path: services,
    body: service({ ports: [{ port: 0 }] }),
    code: 422,
    field: /spec\.ports\[0\]\.port/,
  },
  {
    name: 'negative grace period',
    path: pods,
    body: pod({ containers: [container()], terminationGracePeriodSeconds: -1 }),
    code: 422,
    field: /terminationGracePeriodSeconds/,
  },
  {
    name: 'negative replicas',
    path: deployments,
    body: deployment({ ...validDeploymentSpec, replicas: -1 }),
    code: 422,
    field: /spec\.replicas/,
  },
  {
    name: 'probe with two handlers',
    path: pods,
    body: podWith({ livenessProbe: { httpGet: { port: 80 }, tcpSocket: { port: 80 } } }),
    code: 422,
    field: /livenessProbe/,
  },
  {
    name: 'restartPolicy "Sometimes"',
    path: pods,
    body: pod({ containers: [container()], restartPolicy: 'Sometimes' }),
    code: 422,
    field: /spec\.restartPolicy/,
  },
  {
    name: 'imagePullPolicy "Sometimes"',
    path: pods,
    body: podWith({ imagePullPolicy: 'Sometimes' }),
    code: 422,
    field: /imagePullPolicy/,
  },
  {
    name: 'selector not matching template labels',
    path: deployments,
    body: deployment({ ...validDeploymentSpec, selector: { matchLabels: { app: 'b' } } }),
    code: 422,
    field: /spec\.template\.metadata\.labels|spec\.selector/,
  },
  {
    name: 'secret data not base64',
    path: `/api/v1/namespaces/${NS}/secrets`,
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { key: 'not base64!' },
    },
    code: 422,
    field: /data/,
  },
  {
    name: 'HPA with min above max',
    path: `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`,
    body: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
        minReplicas: 5,
        maxReplicas: 2,
      },
    },
    code: 422,
    field: /minReplicas|maxReplicas/,
  },
  // Size and namespaces
  {
    name: 'a 4 MiB body',
    path: pods,
    body: pod(
      { containers: [container()] },
      { name: 'p', annotations: { pad: 'x'.repeat(4 * 1024 * 1024) } },
    ),
    code: 413,
  },
  {
    name: 'a namespace that does not exist',
    path: '/api/v1/namespaces/nope/pods',
    body: podWith({}),
    code: 404,
  },
  {
    name: 'namespace differs from the URL',
    path: pods,
    body: pod({ containers: [container()] }, { name: 'p', namespace: 'other' }),
    code: 400,
  },
  // Patches
  {
    name: 'patch with an unknown content type',
    path: `${deployments}/kept`,
    method: 'PATCH',
    body: '{"spec":{}}',
    contentType: 'text/plain',
    code: 415,
  },
  {
    name: 'a JSON patch that is not an array',
    path: `${deployments}/kept`,
    method: 'PATCH',
    body: '{"op":"add"}',
    contentType: 'application/json-patch+json',
    code: [400, 422],
  },
  {
    name: 'a merge patch making replicas a string',
    path: `${deployments}/kept`,
    method: 'PATCH',
    body: '{"spec":{"replicas":"many"}}',
    contentType: 'application/merge-patch+json',
    code: 422,
    field: /spec\.replicas/,
  },
  {
    name: 'an update with a stale resourceVersion',
    path: `${deployments}/kept`,
    method: 'PUT',
    body: {
      ...deployment(validDeploymentSpec, 'kept'),
      metadata: { name: 'kept', resourceVersion: '1' },
    },
    code: 409,
  },
  // Events in the newer form (eventTime set) say who reported them, what and why
  {
    name: 'newer event without reportingComponent',
    path: events,
    body: newerEvent({ reportingComponent: undefined }),
    code: 422,
    field: /reportingComponent/,
  },
  {
    name: 'newer event with a 129-character action',
    path: events,
    body: newerEvent({ action: 'a'.repeat(129) }),
    code: 422,
    field: /action/,
  },
];

t.ok(cases.length >= 50, `${cases.length} cases`);

let cp: TestControlPlane;
t.before(async () => {
  cp = await startControlPlane();
  const ns = await cp.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NS },
  });
  if (ns.status !== 201) throw new Error(`namespace: ${ns.status} ${await ns.text()}`);
  const kept = await cp.request('POST', deployments, deployment(validDeploymentSpec, 'kept'));
  if (kept.status !== 201) throw new Error(`deployment: ${kept.status} ${await kept.text()}`);
});
t.teardown(() => cp?.stop());

for (const c of cases) {
  t.test(c.name, async (t) => {
    const body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    const response = await cp.request(c.method ?? 'POST', c.path, body, {
      'content-type': c.contentType ?? 'application/json',
    });
    const codes = typeof c.code === 'number' ? [c.code] : c.code;
    const text = await response.text();
    t.ok(
      codes.includes(response.status),
      `status ${response.status} in ${codes.join('/')}: ${text.slice(0, 300)}`,
    );
    const status = JSON.parse(text) as {
      kind?: string;
      code?: number;
      message?: string;
      details?: { causes?: { field?: string }[] };
    };
    t.equal(status.kind, 'Status', 'the body is a Status');
    t.equal(status.code, response.status);
    if (c.field) {
      const fields = (status.details?.causes ?? []).map((cause) => cause.field ?? '').join(' ');
      t.match(`${fields} ${status.message ?? ''}`, c.field, 'names the field');
    }
  });
}

t.test('nothing was stored', async (t) => {
  for (const path of [
    pods,
    services,
    `/api/v1/namespaces/${NS}/secrets`,
    `/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`,
    events,
  ]) {
    const list = (await (await cp.request('GET', path)).json()) as { items: unknown[] };
    t.same(list.items, [], path);
  }
  const deploymentList = (await (await cp.request('GET', deployments)).json()) as {
    items: { metadata: { name: string }; spec: { replicas: number } }[];
  };
  t.same(
    deploymentList.items.map((d) => [d.metadata.name, d.spec.replicas]),
    [['kept', 1]],
    'only the deployment made on purpose, unchanged',
  );
  const namespaces = (await (await cp.request('GET', '/api/v1/namespaces')).json()) as {
    items: { metadata: { name: string } }[];
  };
  t.notOk(namespaces.items.some((n) => n.metadata.name === 'a.b' || n.metadata.name === 'nope'));
});
