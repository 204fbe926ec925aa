// Protobuf request bodies: what kubectl 1.32 sent for `kubectl create …`
// (captured into test/fixtures/protobuf) reads as the JSON kubectl would have
// sent, zeros Go writes for unset fields are skipped, and what Skiff does not
// read is refused naming the field, never dropped.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { ApiError } from '../../controlplane/api/errors.js';
import { decodeKubernetesProtobuf } from '../../controlplane/server/protobuf/decode.js';
import { MESSAGES } from '../../controlplane/server/protobuf/messages.js';
import { kubeProtobuf, message } from '../helpers/kube-protobuf.js';
import { repoRoot } from '../helpers/paths.js';

function fixture(name: string): Buffer {
  return readFileSync(path.join(repoRoot, 'test', 'fixtures', 'protobuf', `${name}.bin`));
}

function refusal(t: Test, body: Uint8Array): { code: number; message: string } {
  try {
    decodeKubernetesProtobuf(body);
  } catch (error) {
    if (error instanceof ApiError) return { code: error.status.code ?? 0, message: error.message };
    throw error;
  }
  t.fail('the body was read');
  return { code: 0, message: '' };
}

t.test("kubectl create's bodies read as the JSON it would send", async (t) => {
  t.same(decodeKubernetesProtobuf(fixture('create-namespace')), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'team-a' },
    spec: {},
    status: {},
  });
  t.same(decodeKubernetesProtobuf(fixture('create-configmap')), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg' },
    data: { a: 'b', c: 'd' },
  });
  t.same(
    decodeKubernetesProtobuf(fixture('create-secret-generic')),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { a: 'Yg==' } },
    'bytes as base64, as Go writes []byte in JSON; an empty type is left to the default',
  );
  t.same(decodeKubernetesProtobuf(fixture('create-service-clusterip')), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc2', labels: { app: 'svc2' } },
    spec: {
      ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: 'svc2' },
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });
  t.match(decodeKubernetesProtobuf(fixture('create-service-nodeport')), {
    spec: { ports: [{ port: 81, targetPort: 'http' }], type: 'NodePort' },
  });
  t.same(decodeKubernetesProtobuf(fixture('create-deployment')), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'registry.local/web:v1',
              command: ['/bin/app', '--flag'],
              ports: [{ containerPort: 8080 }],
              resources: {},
            },
          ],
        },
      },
      strategy: {},
    },
    status: {},
  });
});

t.test('zeros: pointers keep them, other fields and unknown zeros leave them out', async (t) => {
  const container = message(
    [1, 'app'],
    [2, 'img'],
    [4, ''],
    [4, '--x'],
    [16, false],
    [8, message([1, message([1, 'cpu'], [2, message([1, '100m'])])])],
  );
  const podSpec = message([2, container], [11, false], [4, 0], [99, 0], [98, '']);
  const spec = message([1, 0], [3, message([1, message()], [2, podSpec])], [5, 0]);
  const metadata = message(
    [1, 'd'],
    [11, message([1, 'tier'], [2, ''])],
    [8, message([1, 1_700_000_000])],
  );
  const decoded = decodeKubernetesProtobuf(
    kubeProtobuf('apps/v1', 'Deployment', message([1, metadata], [2, spec])),
  );
  t.same(decoded, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', labels: { tier: '' }, creationTimestamp: '2023-11-14T22:13:20Z' },
    spec: {
      replicas: 0,
      template: {
        metadata: {},
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [
            {
              name: 'app',
              image: 'img',
              args: ['', '--x'],
              resources: { limits: { cpu: '100m' } },
            },
          ],
        },
      },
    },
  });
});

t.test('a value Skiff does not read from protobuf is refused, naming where it is', async (t) => {
  const affinity = message([1, message([1, message()])]);
  const podSpec = message([2, message([1, 'app'], [2, 'img'])], [18, affinity]);
  const body = kubeProtobuf(
    'apps/v1',
    'Deployment',
    message([1, message([1, 'd'])], [2, message([3, message([2, podSpec])])]),
  );
  const refused = refusal(t, body);
  t.equal(refused.code, 415);
  t.match(refused.message, 'field 18 of Deployment.spec.template.spec is not read from protobuf');
  t.match(refused.message, 'kubectl apply -f', 'and says what works instead');

  const flag = refusal(t, kubeProtobuf('v1', 'ConfigMap', message([1, message([1, 'c'])], [9, 1])));
  t.equal(flag.code, 415, 'a non-zero varint of an unknown field');
  t.match(flag.message, 'field 9 of ConfigMap');

  const node = refusal(t, kubeProtobuf('v1', 'Node', message([1, message([1, 'n'])])));
  t.equal(node.code, 415, 'a kind without a message table');
  t.match(node.message, 'a Node (v1) is not read from protobuf');

  const gzip = refusal(t, kubeProtobuf('v1', 'ConfigMap', message(), 'gzip'));
  t.equal(gzip.code, 415);
  t.match(gzip.message, 'content encoding gzip');
});

t.test('bytes that are not a Kubernetes protobuf body are a 400', async (t) => {
  const noPrefix = refusal(t, Buffer.from('{"kind":"Pod"}'));
  t.equal(noPrefix.code, 400);
  t.match(noPrefix.message, 'k8s\\0');

  const whole = fixture('create-deployment');
  const cut = refusal(t, whole.subarray(0, whole.length - 20));
  t.equal(cut.code, 400, 'a body cut short');
  t.match(cut.message, 'the protobuf body is malformed');

  const wrongWire = refusal(t, kubeProtobuf('v1', 'ConfigMap', message([1, 7])));
  t.equal(wrongWire.code, 400, 'metadata as a varint');
  t.match(wrongWire.message, 'ConfigMap.metadata has wire type 0');

  const huge = refusal(
    t,
    kubeProtobuf('v1', 'ConfigMap', message([1, message([1, 'c'], [7, 2n ** 60n])])),
  );
  t.equal(huge.code, 400, 'an int64 beyond what JSON numbers hold exactly');
  t.match(huge.message, 'ConfigMap.metadata.generation is beyond 2^53');
});

t.test('a Pod as a typed client sends it: volumes, probes, env sources', async (t) => {
  const configMapRef = message([1, message([1, 'settings'])], [2, 'mode']);
  const container = message(
    [1, 'app'],
    [2, 'registry.local/app:v1'],
    [7, message([1, 'MODE'], [3, message([3, configMapRef])])],
    [7, message([1, 'NODE'], [3, message([1, message([1, 'v1'], [2, 'spec.nodeName'])])])],
    [9, message([1, 'data'], [2, true], [3, '/data'])],
    [10, message([1, message([2, message([1, '/healthz'], [2, message([2, 8080])])])], [4, 5])],
    [11, message([1, message([3, message([1, message([1, 1], [3, 'http'])])])])],
    [22, message([1, message([1, message([1, 'true'])])], [6, 30])],
  );
  const volumes = [
    message([1, 'data'], [2, message([2, message([1, 'Memory'])])]),
    message([1, 'conf'], [2, message([19, message([1, message([1, 'settings'])], [3, 420])])]),
    message([1, 'host'], [2, message([1, message([1, '/var/log'])])]),
  ];
  const spec = message(
    [1, volumes[0] ?? message()],
    [1, volumes[1] ?? message()],
    [1, volumes[2] ?? message()],
    [2, container],
    [15, message([1, 'regcred'])],
    [22, message([1, 'dedicated'], [2, 'Equal'], [3, 'wasm'], [4, 'NoSchedule'])],
  );
  const decoded = decodeKubernetesProtobuf(
    kubeProtobuf('v1', 'Pod', message([1, message([1, 'p'])], [2, spec], [3, message([1, ''])])),
  );
  t.same(decoded, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: {
      volumes: [
        { name: 'data', emptyDir: { medium: 'Memory' } },
        { name: 'conf', configMap: { name: 'settings', defaultMode: 420 } },
        { name: 'host', hostPath: { path: '/var/log' } },
      ],
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:v1',
          env: [
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
            {
              name: 'NODE',
              valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
            },
          ],
          volumeMounts: [{ name: 'data', readOnly: true, mountPath: '/data' }],
          livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
          readinessProbe: { tcpSocket: { port: 'http' } },
          startupProbe: { exec: { command: ['true'] }, failureThreshold: 30 },
        },
      ],
      imagePullSecrets: [{ name: 'regcred' }],
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'wasm', effect: 'NoSchedule' }],
    },
    status: {},
  });
});

t.test('DeleteOptions, as client-go sends them with a delete', async (t) => {
  const options = message([1, 0], [4, 'Foreground'], [5, 'All']);
  t.same(decodeKubernetesProtobuf(kubeProtobuf('meta.k8s.io/v1', 'DeleteOptions', options)), {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 0,
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
});

t.test("kubectl auth can-i and whoami's reviews read as the JSON they stand for", async (t) => {
  const status = {};
  t.same(decodeKubernetesProtobuf(fixture('auth-can-i-create-pods')), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status,
  });
  t.same(
    decodeKubernetesProtobuf(fixture('auth-can-i-list-deployments-scale')),
    {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'kube-system',
          verb: 'list',
          group: 'apps',
          resource: 'deployments',
          subresource: 'scale',
        },
      },
      status,
    },
    '`kubectl auth can-i list deployments.apps -n kube-system --subresource=scale`',
  );
  t.same(decodeKubernetesProtobuf(fixture('auth-can-i-get-healthz')), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } },
    status,
  });
  t.same(decodeKubernetesProtobuf(fixture('auth-can-i-list')), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: {},
    spec: { namespace: 'default' },
    status,
  });
  t.same(decodeKubernetesProtobuf(fixture('auth-whoami')), {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: {},
    status: { userInfo: {} },
  });
});

t.test('the message table: map values are ones the decoder defaults to empty', async (t) => {
  for (const [name, spec] of Object.entries(MESSAGES)) {
    for (const [number, field] of Object.entries(spec)) {
      if (!field.map) continue;
      t.ok(
        ['string', 'bytes', 'quantity'].includes(field.type),
        `${name} field ${number} (${field.json}) maps to ${field.type}`,
      );
    }
  }
});
