// Quantities in API objects: which strings are quantities, how they compare
// (requests against limits, exactly), and the canonical form Kubernetes
// stores them in (what `kubectl get -o yaml` shows).

import t from 'tap';
import { applyDefaults, canonicalQuantity } from '../../controlplane/api/defaults/index.js';
import { RESOURCE_TYPES, type ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import { isQuantity } from '../../controlplane/api/validation/formats.js';
import { validateObject } from '../../controlplane/api/validation/index.js';
import { compareQuantities, parsedQuantity } from '../../controlplane/api/validation/resources.js';

function typeOf(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((r) => r.kind === kind);
  if (!type) throw new Error(`no resource type ${kind}`);
  return type;
}

function stored(object: object): KubeObject {
  const copy = structuredClone(object) as KubeObject;
  copy.metadata.namespace ??= 'default';
  return applyDefaults(typeOf(copy.kind), copy);
}

t.test('which strings are quantities', async (t) => {
  for (const text of [
    '100m',
    '1Gi',
    '1024m',
    '0.5',
    '.5',
    '1e3',
    '1E3',
    '1.5e-3',
    '+2',
    '-1',
    '128974848',
    '129M',
    '123Mi',
    '5n',
    '1Ei',
  ]) {
    t.ok(isQuantity(text), text);
  }
  for (const text of [
    'two',
    '1.5.5',
    '12XB',
    '',
    '1 Gi',
    'Gi',
    '1Gb',
    '1ki',
    '1e',
    '--1',
    '0x10',
  ]) {
    t.notOk(isQuantity(text), JSON.stringify(text));
  }
});

t.test('comparisons are exact', async (t) => {
  const compare = (a: string, b: string): number | undefined => {
    const x = parsedQuantity(a);
    const y = parsedQuantity(b);
    return x && y ? compareQuantities(x, y) : undefined;
  };
  t.equal(compare('1024m', '1'), 1);
  t.equal(compare('1000m', '1'), 0);
  t.equal(compare('0.1', '100m'), 0);
  t.equal(compare('1Gi', '1024Mi'), 0);
  t.equal(compare('1G', '1Gi'), -1);
  t.equal(compare('1e3', '1k'), 0);
  t.equal(compare('-1', '0'), -1);
  t.equal(parsedQuantity('two'), undefined);
});

t.test('the canonical form Kubernetes stores', async (t) => {
  const cases: [string | number, string][] = [
    ['100m', '100m'],
    ['1024m', '1024m'],
    ['1000m', '1'],
    ['0.5', '500m'],
    [0.5, '500m'],
    [2, '2'],
    ['2000', '2k'],
    ['1500', '1500'],
    ['1.5', '1500m'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['12e6', '12e6'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['512Ki', '512Ki'],
    ['0.5Ki', '512'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['128974848', '128974848'],
    ['0', '0'],
    ['0Gi', '0'],
    ['-1', '-1'],
    ['-1Gi', '-1Gi'],
    ['5n', '5n'],
    ['0.1n', '1n'],
  ];
  for (const [input, canonical] of cases) t.equal(canonicalQuantity(input), canonical, `${input}`);
  // Resource lists are first rounded up to thousandths.
  t.equal(canonicalQuantity('0.0001', true), '1m');
  t.equal(canonicalQuantity('1500u', true), '2m');
  t.equal(canonicalQuantity('1n', true), '1m');
  t.equal(canonicalQuantity('two'), undefined);
});

t.test('objects are stored with canonical quantities', async (t) => {
  const pod = stored({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1024Mi' } }],
      containers: [
        {
          name: 'c',
          image: 'x:1',
          resources: { limits: { cpu: 0.5, memory: '2048Mi' }, requests: { cpu: '0.0001' } },
        },
      ],
    },
  });
  const spec = pod['spec'] as { volumes: unknown[]; containers: { resources: unknown }[] };
  t.same(spec.volumes, [{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }]);
  t.same(spec.containers[0]?.resources, {
    limits: { cpu: '500m', memory: '2Gi' },
    requests: { cpu: '1m', memory: '2Gi' },
  });
  const hpa = stored({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'h' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'd' },
      maxReplicas: 3,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1048576Ki' } },
        },
      ],
    },
  });
  t.match(hpa['spec'], { metrics: [{ resource: { target: { averageValue: '1Gi' } } }] });
  // Deep in a template, and in a cluster-scoped kind's status.
  const deployment = stored({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd' },
    spec: {
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          containers: [{ name: 'c', image: 'x:1', resources: { limits: { memory: '1024Mi' } } }],
        },
      },
    },
  });
  t.match(deployment['spec'], {
    template: { spec: { containers: [{ resources: { limits: { memory: '1Gi' } } }] } },
  });
  const node = stored({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n' },
    status: { capacity: { cpu: '2000m', memory: '4096Mi', pods: '110' } },
  });
  t.match(node['status'], { capacity: { cpu: '2', memory: '4Gi', pods: '110' } });
  // Every other place a pod holds one: init containers, env's resourceFieldRef
  // divisor, the overhead.
  const elsewhere = stored({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      overhead: { memory: '1024Ki' },
      initContainers: [{ name: 'i', image: 'x:1', resources: { requests: { memory: '1024Ki' } } }],
      containers: [
        {
          name: 'c',
          image: 'x:1',
          env: [
            {
              name: 'LIMIT',
              valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1024Ki' } },
            },
          ],
        },
      ],
    },
  });
  t.match(elsewhere['spec'], {
    overhead: { memory: '1Mi' },
    initContainers: [{ resources: { requests: { memory: '1Mi' } } }],
    containers: [{ env: [{ valueFrom: { resourceFieldRef: { divisor: '1Mi' } } }] }],
  });
  const bad = stored({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu: 'two' } } }] },
  });
  t.match(
    bad['spec'],
    { containers: [{ resources: { requests: { cpu: 'two' } } }] },
    'malformed ones are left for validation',
  );
});

t.test('validation of quantities in pods', async (t) => {
  const errors = (resources: object): string[] =>
    validateObject(
      typeOf('Pod'),
      stored({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'x:1', resources }] },
      }),
      { operation: 'create' },
    ).errors.map((e) => `${e.field}: ${e.message}`);
  t.same(
    errors({ requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '1024m', memory: '1Gi' } }),
    [],
  );
  t.same(errors({ requests: { cpu: '-1' } }), [
    'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
  ]);
  t.same(errors({ limits: { memory: '-64Mi' } }), [
    'spec.containers[0].resources.limits[memory]: Invalid value: "-64Mi": must be greater than or equal to 0',
    // A pod's requests default to its limits, so the negative limit shows twice, as in Kubernetes.
    'spec.containers[0].resources.requests[memory]: Invalid value: "-64Mi": must be greater than or equal to 0',
  ]);
  t.same(errors({ requests: { cpu: '1.5.5' } }), [
    'spec.containers[0].resources.requests[cpu]: Invalid value: "1.5.5": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
  ]);
  t.same(
    errors({ requests: { memory: '2Gi' }, limits: { memory: '2048Mi' } }),
    [],
    '2048Mi is 2Gi',
  );
  t.same(errors({ requests: { cpu: '1001m' }, limits: { cpu: '1' } }), [
    'spec.containers[0].resources.requests: Invalid value: "1001m": must be less than or equal to cpu limit of 1',
  ]);
});
