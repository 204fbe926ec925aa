// Protobuf bodies over HTTP: what kubectl 1.32 sends for `kubectl create
// namespace|configmap|secret|service|deployment` (captured) is created with
// Kubernetes' defaults; a body with a value Skiff does not read is refused
// with 415 and stores nothing; a delete may carry protobuf DeleteOptions.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import { kubeProtobuf, message } from '../helpers/kube-protobuf.js';
import { repoRoot } from '../helpers/paths.js';
import type { Deployment } from './apiserver-support.js';
import { createOk, deploymentsPath, pod, podsPath, startApiServer } from './apiserver-support.js';

const PROTOBUF = { 'content-type': 'application/vnd.kubernetes.protobuf' };
// What kubectl asks for: protobuf, else JSON.
const ACCEPT = 'application/vnd.kubernetes.protobuf, application/json';

function fixture(name: string): Buffer {
  return readFileSync(path.join(repoRoot, 'test', 'fixtures', 'protobuf', `${name}.bin`));
}

t.test("kubectl create's protobuf bodies create the objects, with defaults", async (t) => {
  const server = await startApiServer(t);
  const post = <T>(at: string, name: string) =>
    server.request<T>(at, {
      method: 'POST',
      body: fixture(name),
      headers: { ...PROTOBUF, accept: ACCEPT },
    });

  const namespace = await post<KubeObject>('/api/v1/namespaces', 'create-namespace');
  t.equal(namespace.status, 201, namespace.text);
  t.match(namespace.body, { metadata: { name: 'team-a' }, status: { phase: 'Active' } });

  const configMap = await post<KubeObject>(
    '/api/v1/namespaces/default/configmaps',
    'create-configmap',
  );
  t.equal(configMap.status, 201, configMap.text);
  t.same((configMap.body as { data?: unknown }).data, { a: 'b', c: 'd' });

  const secret = await post<KubeObject>(
    '/api/v1/namespaces/default/secrets',
    'create-secret-generic',
  );
  t.equal(secret.status, 201, secret.text);
  t.match(secret.body, { type: 'Opaque', data: { a: 'Yg==' } }, 'the default type, base64 data');

  const service = await post<KubeObject>(
    '/api/v1/namespaces/default/services',
    'create-service-clusterip',
  );
  t.equal(service.status, 201, service.text);
  t.match(service.body, {
    spec: { type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
  });
  t.match(service.body, { spec: { clusterIP: /^10\.\d+\.\d+\.\d+$/ } }, 'a cluster IP allocated');

  const created = await post<Deployment>(deploymentsPath(), 'create-deployment');
  t.equal(created.status, 201, created.text);
  const stored = await server.request<Deployment>(`${deploymentsPath()}/web`);
  t.match(stored.body.spec, {
    replicas: 2,
    progressDeadlineSeconds: 600,
    strategy: { type: 'RollingUpdate' },
    template: {
      spec: {
        restartPolicy: 'Always',
        containers: [
          {
            image: 'registry.local/web:v1',
            command: ['/bin/app', '--flag'],
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            imagePullPolicy: 'IfNotPresent',
          },
        ],
      },
    },
  });
});

t.test('a Pod as client-go sends it is created with its defaults', async (t) => {
  const server = await startApiServer(t);
  const container = message(
    [1, 'app'],
    [2, 'registry.local/app:v1'],
    [6, message([3, 8080])],
    [10, message([1, message([3, message([1, message([2, 8080])])])])],
  );
  const body = kubeProtobuf(
    'v1',
    'Pod',
    message(
      [1, message([1, 'typed'], [11, message([1, 'app'], [2, 'typed'])])],
      [2, message([2, container])],
    ),
  );
  const created = await server.request<KubeObject>(podsPath(), {
    method: 'POST',
    body,
    headers: { ...PROTOBUF, accept: ACCEPT },
  });
  t.equal(created.status, 201, created.text);
  const stored = await server.request<KubeObject & { spec: unknown }>(`${podsPath()}/typed`);
  t.match(stored.body, {
    metadata: { labels: { app: 'typed' } },
    spec: {
      restartPolicy: 'Always',
      containers: [
        {
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10 },
        },
      ],
    },
  });
});

t.test('a protobuf body with a value Skiff does not read: 415, nothing stored', async (t) => {
  const server = await startApiServer(t);
  const podSpec = message([2, message([1, 'app'], [2, 'img'])], [18, message([1, message()])]);
  const body = kubeProtobuf(
    'apps/v1',
    'Deployment',
    message(
      [1, message([1, 'affine'])],
      [
        2,
        message(
          [2, message([1, message([1, 'app'], [2, 'a'])])],
          [3, message([1, message([11, message([1, 'app'], [2, 'a'])])], [2, podSpec])],
        ),
      ],
    ),
  );
  const refused = await server.request<Status>(deploymentsPath(), {
    method: 'POST',
    body,
    headers: PROTOBUF,
  });
  t.equal(refused.status, 415);
  t.match(refused.body, { kind: 'Status', reason: 'UnsupportedMediaType' });
  t.match(refused.body.message, 'field 18 of Deployment.spec.template.spec');
  t.equal((await server.request(`${deploymentsPath()}/affine`)).status, 404, 'nothing stored');

  const malformed = await server.request<Status>(deploymentsPath(), {
    method: 'POST',
    body: Buffer.from('k8s\0\x0a\xff'),
    headers: PROTOBUF,
  });
  t.equal(malformed.status, 400, 'bytes that are not a message');
  t.match(malformed.body.message, 'the protobuf body is malformed');
});

t.test('a delete with protobuf DeleteOptions', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('gone'));
  const options = kubeProtobuf('meta.k8s.io/v1', 'DeleteOptions', message([1, 0]));
  const deleted = await server.request<KubeObject>(`${podsPath()}/gone`, {
    method: 'DELETE',
    body: options,
    headers: PROTOBUF,
  });
  t.equal(deleted.status, 200, deleted.text);
  t.equal(
    (await server.request(`${podsPath()}/gone`)).status,
    404,
    'gracePeriodSeconds 0 deletes at once',
  );
});
