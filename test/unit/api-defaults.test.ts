// Defaulting: the values Kubernetes fills in before validation, which
// `kubectl get -o yaml` then shows. The seed manifests are compared with what
// Kubernetes stores for them (less what its admission plugins add: service
// account, priority, default tolerations).

import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import {
  applyDefaults,
  defaultNamespace,
  defaultPullPolicy,
} from '../../controlplane/api/defaults/index.js';
import { RESOURCE_TYPES, type ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import { validateObject } from '../../controlplane/api/validation/index.js';

function typeOf(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((r) => r.kind === kind);
  if (!type) throw new Error(`no resource type ${kind}`);
  return type;
}

/** The object as the server stores it: namespace and defaults filled. */
function stored(object: object): KubeObject {
  const copy = structuredClone(object) as KubeObject;
  const type = typeOf(copy.kind);
  defaultNamespace(type, copy);
  return applyDefaults(type, copy);
}

const SEED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: lines-admin-nextjs
  labels:
    name: lines-admin-nextjs
spec:
  containers:
  - name: lines-admin-nextjs
    image: gcr.io/google-containers/busybox
    resources:
      limits:
        memory: "128Mi"
        cpu: "500m"
    ports:
      - containerPort: 8080
`;

const SEED_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: lines-admin-nextjs-deployment
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels:
      app: lines-admin-nextjs
  template:
    metadata:
      labels:
        app: lines-admin-nextjs
    spec:
      containers:
      - image: gcr.io/lines-infra/lines_admin_front:v0.1.0
        name: lines-admin-nextjs
        ports:
        - containerPort: 3000
        resources:
          limits:
            cpu: 1024m
            memory: 1024Mi
          requests:
            cpu: 100m
            memory: 32Mi
`;

/** The shared copy of a seed manifest, when shared/ is beside the repository. */
function sharedSeed(name: string): string | undefined {
  const url = new URL(`../../../../shared/conformance/${name}`, import.meta.url);
  return existsSync(url) ? readFileSync(url, 'utf8') : undefined;
}

t.test('seed-pod.yaml is stored with the defaults Kubernetes shows', async (t) => {
  const pod = stored(parse(SEED_POD) as object);
  t.equal(pod.metadata.namespace, 'default');
  t.same(pod['spec'], {
    containers: [
      {
        name: 'lines-admin-nextjs',
        image: 'gcr.io/google-containers/busybox',
        imagePullPolicy: 'Always',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: {
          limits: { cpu: '500m', memory: '128Mi' },
          requests: { cpu: '500m', memory: '128Mi' },
        },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  });
  t.same(validateObject(typeOf('Pod'), pod, { operation: 'create' }), {
    errors: [],
    unknownFields: [],
  });
  const shared = sharedSeed('seed-pod.yaml');
  if (shared !== undefined)
    t.same(parse(shared), parse(SEED_POD), 'the copy here is the shared file');
});

t.test('seed-deployment.yaml is stored with the defaults Kubernetes shows', async (t) => {
  const deployment = stored(parse(SEED_DEPLOYMENT) as object);
  t.same(deployment['spec'], {
    progressDeadlineSeconds: 600,
    replicas: 2,
    revisionHistoryLimit: 10,
    selector: { matchLabels: { app: 'lines-admin-nextjs' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'lines-admin-nextjs' } },
      spec: {
        containers: [
          {
            image: 'gcr.io/lines-infra/lines_admin_front:v0.1.0',
            imagePullPolicy: 'IfNotPresent',
            name: 'lines-admin-nextjs',
            ports: [{ containerPort: 3000, protocol: 'TCP' }],
            resources: {
              // Kubernetes stores 1024Mi in canonical form, as 1Gi; 1024m has none shorter.
              limits: { cpu: '1024m', memory: '1Gi' },
              requests: { cpu: '100m', memory: '32Mi' },
            },
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    },
  });
  t.same(validateObject(typeOf('Deployment'), deployment, { operation: 'create' }), {
    errors: [],
    unknownFields: [],
  });
  const shared = sharedSeed('seed-deployment.yaml');
  if (shared !== undefined)
    t.same(parse(shared), parse(SEED_DEPLOYMENT), 'the copy here is the shared file');
});

t.test('imagePullPolicy: Always for :latest or no tag, else IfNotPresent', async (t) => {
  const cases: [string, string][] = [
    ['busybox', 'Always'],
    ['busybox:latest', 'Always'],
    ['busybox:1.36', 'IfNotPresent'],
    ['registry.local:5000/samples/kubia', 'Always'],
    ['registry.local:5000/samples/kubia:v1', 'IfNotPresent'],
    [`busybox@sha256:${'a'.repeat(64)}`, 'IfNotPresent'],
    [`busybox:latest@sha256:${'a'.repeat(64)}`, 'Always'],
  ];
  for (const [image, policy] of cases) t.equal(defaultPullPolicy(image), policy, image);
  const pod = stored({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36', imagePullPolicy: 'Never' }] },
  });
  t.equal(
    (pod['spec'] as { containers: { imagePullPolicy: string }[] }).containers[0]?.imagePullPolicy,
    'Never',
    'kept when given',
  );
});

t.test('pods: probes, volumes, env, init containers, host network', async (t) => {
  const pod = stored({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'team-a' },
    spec: {
      hostNetwork: true,
      volumes: [
        { name: 'scratch' },
        { name: 'cfg', configMap: { name: 'c' } },
        { name: 'h', hostPath: { path: '/x' } },
      ],
      initContainers: [{ name: 'init', image: 'busybox:1', resources: { limits: { cpu: '1' } } }],
      containers: [
        {
          name: 'c',
          image: 'app:v1',
          ports: [{ containerPort: 8080 }],
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          livenessProbe: { httpGet: { port: 8080 } },
        },
      ],
    },
  });
  const spec = pod['spec'] as Record<string, unknown>;
  t.equal(pod.metadata.namespace, 'team-a');
  t.same(spec['volumes'], [
    { name: 'scratch', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'c', defaultMode: 0o644 } },
    { name: 'h', hostPath: { path: '/x', type: '' } },
  ]);
  t.match(spec['initContainers'], [
    {
      resources: { limits: { cpu: '1' }, requests: { cpu: '1' } },
      imagePullPolicy: 'IfNotPresent',
    },
  ]);
  t.match(spec['containers'], [
    {
      ports: [{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }],
      env: [
        { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      ],
      livenessProbe: {
        httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
      },
      resources: {},
    },
  ]);
});

t.test('pod templates get no requests from limits and no enableServiceLinks', async (t) => {
  const rs = stored({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'rs' },
    spec: {
      selector: { matchLabels: { app: 'a' } },
      template: {
        metadata: { labels: { app: 'a' } },
        spec: {
          containers: [{ name: 'c', image: 'app', resources: { limits: { memory: '64Mi' } } }],
        },
      },
    },
  });
  const spec = rs['spec'] as { replicas: number; template: { spec: Record<string, unknown> } };
  t.equal(spec.replicas, 1);
  t.same(spec.template.spec['containers'], [
    {
      name: 'c',
      image: 'app',
      imagePullPolicy: 'Always',
      resources: { limits: { memory: '64Mi' } },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    },
  ]);
  t.notOk('enableServiceLinks' in spec.template.spec);
});

t.test('deployments: replicas, strategy, history, deadline', async (t) => {
  const deployment = (spec: object): Record<string, unknown> =>
    stored({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'a' } } },
        ...spec,
      },
    })['spec'] as Record<string, unknown>;
  t.match(deployment({}), {
    replicas: 1,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  });
  t.same(deployment({ strategy: { type: 'Recreate' } })['strategy'], { type: 'Recreate' });
  t.same(deployment({ strategy: { rollingUpdate: { maxSurge: 1 } } })['strategy'], {
    type: 'RollingUpdate',
    rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' },
  });
  t.equal(
    deployment({ replicas: 0, revisionHistoryLimit: 0 })['replicas'],
    0,
    'explicit zeros are kept',
  );
});

t.test('services: type, affinity, protocol, targetPort', async (t) => {
  const service = (spec: object): Record<string, unknown> =>
    stored({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec })['spec'] as Record<
      string,
      unknown
    >;
  t.same(
    service({
      selector: { app: 'a' },
      ports: [{ port: 80 }, { name: 'm', port: 9090, targetPort: 'metrics' }],
    }),
    {
      selector: { app: 'a' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'm', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
      ],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    },
  );
  t.match(service({ type: 'NodePort', ports: [{ port: 80, targetPort: 8080 }] }), {
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  });
  t.same(service({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] })['sessionAffinityConfig'], {
    clientIP: { timeoutSeconds: 10800 },
  });
  t.notOk(
    'sessionAffinityConfig' in
      service({
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } },
        ports: [{ port: 80 }],
      }),
  );
  const external = service({ type: 'ExternalName', externalName: 'db.example.com' });
  t.notOk('ipFamilies' in external);
  t.notOk('internalTrafficPolicy' in external);
});

t.test('HPAs: minReplicas, the CPU metric, behavior rule sets', async (t) => {
  const hpa = (spec: object): Record<string, unknown> =>
    stored({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
        maxReplicas: 5,
        ...spec,
      },
    })['spec'] as Record<string, unknown>;
  const plain = hpa({});
  t.equal(plain['minReplicas'], 1);
  t.same(plain['metrics'], [
    {
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
    },
  ]);
  t.notOk('behavior' in plain, 'behavior is defaulted only when given');
  t.same(hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } })['behavior'], {
    scaleDown: {
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    },
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
  });
  // Scale-down's window is the controller's (its flag): Kubernetes leaves it unset.
  t.same(hpa({ behavior: { scaleUp: {} } })['behavior'], {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: {
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    },
  });
});

t.test('other kinds: namespaces, secrets, nodes, endpoints', async (t) => {
  const ns = stored({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
  t.same(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  t.notOk(ns.metadata.namespace, 'cluster-scoped kinds have no namespace');
  const secret = stored({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    stringData: { user: 'admin' },
  });
  t.same(secret['data'], { user: 'YWRtaW4=' });
  t.equal(secret['type'], 'Opaque');
  t.notOk('stringData' in secret, 'stringData is write-only');
  const node = stored({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n' },
    status: { capacity: { cpu: '4', memory: '8Gi' } },
  });
  t.same((node['status'] as Record<string, unknown>)['allocatable'], { cpu: '4', memory: '8Gi' });
  const endpoints = stored({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 's' },
    subsets: [{ ports: [{ port: 80 }] }],
  });
  t.same(endpoints['subsets'], [{ ports: [{ port: 80, protocol: 'TCP' }] }]);
});

t.test('defaulting drops nulls, is idempotent, and leaves odd shapes for validation', async (t) => {
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', creationTimestamp: null },
    spec: {
      selector: { matchLabels: { app: 'a' } },
      template: {
        metadata: { labels: { app: 'a' }, creationTimestamp: null },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      },
    },
  };
  const once = stored(manifest);
  t.notOk('creationTimestamp' in once.metadata);
  const emptyMaps = stored({
    ...manifest,
    metadata: { name: 'd', labels: {}, annotations: {} },
    spec: {
      ...manifest.spec,
      template: { ...manifest.spec.template, metadata: { labels: { app: 'a' }, annotations: {} } },
    },
  });
  t.same(
    emptyMaps.metadata,
    { name: 'd', namespace: 'default' },
    'empty labels and annotations are dropped, as Go omits them',
  );
  t.same(
    (emptyMaps['spec'] as { template: { metadata: unknown } }).template.metadata,
    { labels: { app: 'a' } },
    "and the pod template's",
  );
  t.same(stored(once), once, 'defaulting twice changes nothing');
  const odd = stored({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: 'nope' },
  });
  t.same(odd['spec'], {
    containers: 'nope',
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    securityContext: {},
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
  });
});
