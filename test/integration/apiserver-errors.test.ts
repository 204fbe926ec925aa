// Every failure over HTTP is a Kubernetes Status with Kubernetes' code and
// reason (kubectl prints the message and branches on the reason): 400, 401,
// 403, 404, 405, 406, 409, 410, 413, 415 and 422 with field causes. Also
// content negotiation that must succeed: kubectl's protobuf-with-JSON-fallback
// Accept header, YAML bodies, and unknown-field warnings.

import t from 'tap';
import type { Test } from 'tap';
import type { KubeList, Status } from '../../controlplane/api/types.js';
import { kubeProtobuf, message } from '../helpers/kube-protobuf.js';
import type { Reply, TestServer } from './apiserver-support.js';
import {
  configMap,
  configMapsPath,
  createOk,
  deployment,
  deploymentsPath,
  pod,
  podsPath,
  startApiServer,
} from './apiserver-support.js';

/** Checks that `reply` is a Failure Status with `code` and `reason`. */
function isStatus(t: Test, reply: Reply<Status>, code: number, reason: string, what: string): void {
  t.equal(reply.status, code, `${what}: HTTP ${code}`);
  t.match(reply.headers.get('content-type'), /^application\/json/, `${what}: JSON`);
  t.match(
    reply.body,
    { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason },
    `${what}: a ${reason} Status`,
  );
  t.same(reply.body.metadata, {}, `${what}: with empty metadata`);
  t.type(reply.body.message, 'string', `${what}: and a message`);
}

async function get(server: TestServer, path: string, headers: Record<string, string> = {}) {
  return server.request<Status>(path, { headers });
}

t.test('400 BadRequest: bodies and parameters that cannot be read', async (t) => {
  const server = await startApiServer(t);
  const json = await server.request<Status>(podsPath(), {
    method: 'POST',
    body: '{"kind": "Pod",',
    headers: { 'content-type': 'application/json' },
  });
  isStatus(t, json, 400, 'BadRequest', 'malformed JSON');
  const array = await server.request<Status>(podsPath(), { method: 'POST', json: [pod('p')] });
  isStatus(t, array, 400, 'BadRequest', 'a body that is not an object');
  const empty = await server.request<Status>(podsPath(), {
    method: 'POST',
    body: '',
    headers: { 'content-type': 'application/json' },
  });
  isStatus(t, empty, 400, 'BadRequest', 'an empty body');
  isStatus(
    t,
    await get(server, `${podsPath()}?limit=ten`),
    400,
    'BadRequest',
    'a non-numeric limit',
  );
  isStatus(
    t,
    await get(server, `${podsPath()}?watch=maybe`),
    400,
    'BadRequest',
    'a non-boolean watch',
  );
  const strict = await server.request<Status>(`${podsPath()}?fieldValidation=Strict`, {
    method: 'POST',
    json: {
      ...pod('p'),
      spec: {
        ...pod('p').spec,
        containers: [{ name: 'main', image: 'registry.local/web:v1', imagePullPolicyy: 'Always' }],
      },
    },
  });
  isStatus(t, strict, 400, 'BadRequest', 'an unknown field under fieldValidation=Strict');
  t.match(
    strict.body.message,
    /strict decoding error: unknown field "spec.containers\[0\].imagePullPolicyy"/,
  );
  isStatus(
    t,
    await server.request<Status>(`${podsPath()}?fieldValidation=Loose`, {
      method: 'POST',
      json: pod('p'),
    }),
    400,
    'BadRequest',
    'an unknown fieldValidation',
  );
  t.equal((await server.request(`${podsPath()}/p`)).status, 404, 'nothing was stored');
});

t.test('unknown fields are dropped with a warning by default (fieldValidation=Warn)', async (t) => {
  const server = await startApiServer(t);
  const created = await server.request(configMapsPath(), {
    method: 'POST',
    json: { ...configMap('cm'), extra: 1 },
  });
  t.equal(created.status, 201);
  t.match(
    created.headers.get('warning'),
    /^299 - "unknown field \\"extra\\""$/,
    'kubectl prints Warning headers',
  );
  t.notOk('extra' in created.body, 'the field is not stored');
  const ignored = await server.request(`${configMapsPath()}?fieldValidation=Ignore`, {
    method: 'POST',
    json: { ...configMap('cm2'), extra: 1 },
  });
  t.equal(ignored.status, 201);
  t.equal(ignored.headers.get('warning'), null, 'Ignore: no warning');
});

t.test('401 Unauthorized without a valid token; health and version stay public', async (t) => {
  const server = await startApiServer(t);
  isStatus(
    t,
    await server.request<Status>(podsPath(), { token: null }),
    401,
    'Unauthorized',
    'no token',
  );
  isStatus(
    t,
    await server.request<Status>(podsPath(), { token: 'not-the-token-at-all-0000' }),
    401,
    'Unauthorized',
    'a wrong token',
  );
  isStatus(
    t,
    await server.request<Status>(podsPath(), {
      token: null,
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    }),
    401,
    'Unauthorized',
    'basic auth',
  );
  const noToken = await server.request<Status>('/api', { token: null });
  t.equal(noToken.status, 401, 'discovery needs a token too');
  t.equal(noToken.body.message, 'Unauthorized');
  isStatus(
    t,
    await server.request<Status>('/metrics', { token: null }),
    401,
    'Unauthorized',
    '/metrics',
  );
  isStatus(
    t,
    await server.request<Status>('/openapi/v3', { token: null }),
    401,
    'Unauthorized',
    '/openapi/v3',
  );
  const write = await server.request<Status>(podsPath(), {
    method: 'POST',
    json: pod('p'),
    token: null,
  });
  t.equal(write.status, 401);
  t.equal(
    (await server.request(`${podsPath()}/p`)).status,
    404,
    'an unauthenticated write stores nothing',
  );
  for (const path of ['/healthz', '/livez', '/readyz', '/version']) {
    t.equal((await server.request(path, { token: null })).status, 200, `${path} is public`);
  }
});

t.test('403 Forbidden: what no one may do', async (t) => {
  const server = await startApiServer(t);
  isStatus(
    t,
    await server.request<Status>('/api/v1/namespaces/kube-system', { method: 'DELETE' }),
    403,
    'Forbidden',
    'deleting kube-system',
  );
});

t.test('404 NotFound: unknown paths, resources and objects', async (t) => {
  const server = await startApiServer(t);
  for (const path of [
    '/api/v2',
    '/api/v2/pods',
    '/apis/nothing.example.com/v1/widgets',
    '/api/v1/widgets',
    '/apis/apps/v1/pods',
    '/nothing',
    '/api/v1/namespaces/default/pods/p/unknown',
  ]) {
    isStatus(t, await get(server, path), 404, 'NotFound', path);
  }
  t.equal(
    (await get(server, '/api/v1/widgets')).body.message,
    'the server could not find the requested resource',
  );
  const object = await get(server, `${podsPath()}/absent`);
  isStatus(t, object, 404, 'NotFound', 'an absent pod');
  t.equal(object.body.message, 'pods "absent" not found');
  t.same(object.body.details, { name: 'absent', kind: 'pods' });
  const grouped = await get(server, `${deploymentsPath()}/absent`);
  t.equal(grouped.body.message, 'deployments.apps "absent" not found');
  t.same(grouped.body.details, { name: 'absent', group: 'apps', kind: 'deployments' });
  const status = await get(server, `${podsPath()}/absent/status`);
  isStatus(t, status, 404, 'NotFound', 'the status of an absent pod');
});

t.test('405 MethodNotAllowed: a verb the path does not serve', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('p'));
  isStatus(
    t,
    await server.request<Status>(podsPath(), { method: 'PUT', json: pod('p') }),
    405,
    'MethodNotAllowed',
    'PUT on a collection',
  );
  isStatus(
    t,
    await server.request<Status>(podsPath(), {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      json: {},
    }),
    405,
    'MethodNotAllowed',
    'PATCH on a collection',
  );
  isStatus(
    t,
    await server.request<Status>(`${podsPath()}/p`, { method: 'POST', json: pod('p') }),
    405,
    'MethodNotAllowed',
    'POST on an object',
  );
  isStatus(
    t,
    await server.request<Status>(`${podsPath()}/p/status`, { method: 'DELETE' }),
    405,
    'MethodNotAllowed',
    'DELETE on status',
  );
  isStatus(
    t,
    await server.request<Status>('/api/v1', { method: 'POST', json: {} }),
    405,
    'MethodNotAllowed',
    'POST on discovery',
  );
});

t.test('406 NotAcceptable only when no acceptable type is JSON', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('p'));
  const protobuf = await get(server, `${podsPath()}/p`, {
    accept: 'application/vnd.kubernetes.protobuf',
  });
  isStatus(t, protobuf, 406, 'NotAcceptable', 'protobuf only');
  t.match(protobuf.body.message, /application\/json/, 'the message says what is served');
  isStatus(
    t,
    await get(server, podsPath(), { accept: 'text/html' }),
    406,
    'NotAcceptable',
    'text/html',
  );

  // What kubectl and client-go send for built-in types: protobuf preferred, JSON accepted.
  const fallback = await get(server, `${podsPath()}/p`, {
    accept: 'application/vnd.kubernetes.protobuf, application/json',
  });
  t.equal(fallback.status, 200, 'protobuf with a JSON fallback is served JSON');
  t.match(fallback.headers.get('content-type'), /^application\/json/);
  t.equal(fallback.body.kind, 'Pod');
  const listFallback = await server.request<KubeList>(podsPath(), {
    headers: { accept: 'application/vnd.kubernetes.protobuf,application/json' },
  });
  t.equal(listFallback.body.kind, 'PodList');
  const writeFallback = await server.request(podsPath(), {
    method: 'POST',
    json: pod('q'),
    headers: { accept: 'application/vnd.kubernetes.protobuf, application/json' },
  });
  t.equal(writeFallback.status, 201, 'writes too');
  for (const accept of ['*/*', 'application/*', 'application/json;q=0.9, text/html', '']) {
    t.equal(
      (await get(server, `${podsPath()}/p`, { accept })).status,
      200,
      `Accept ${JSON.stringify(accept)}`,
    );
  }
  const watch = await get(server, `${podsPath()}?watch=1`, {
    accept: 'application/vnd.kubernetes.protobuf;stream=watch',
  });
  isStatus(t, watch, 406, 'NotAcceptable', 'a protobuf watch');
});

t.test('409 Conflict: AlreadyExists and Conflict', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, configMapsPath(), configMap('cm'));
  const exists = await server.request<Status>(configMapsPath(), {
    method: 'POST',
    json: configMap('cm'),
  });
  isStatus(t, exists, 409, 'AlreadyExists', 'a second create');
  t.equal(exists.body.message, 'configmaps "cm" already exists');
  await server.request(`${configMapsPath()}/cm`, {
    method: 'PUT',
    json: { ...created, data: { a: '1' } },
  });
  const conflict = await server.request<Status>(`${configMapsPath()}/cm`, {
    method: 'PUT',
    json: { ...created, data: { a: '2' } },
  });
  isStatus(t, conflict, 409, 'Conflict', 'an update of a stale resourceVersion');
  t.same(conflict.body.details, { name: 'cm', kind: 'configmaps' });
});

t.test('410 Gone: a compacted resourceVersion', async (t) => {
  const server = await startApiServer(t);
  const first = await server.request<KubeList>(configMapsPath());
  await createOk(t, server, configMapsPath(), configMap('a'));
  await server.store.compact(server.store.revision());
  const exact = await get(
    server,
    `${configMapsPath()}?resourceVersion=${first.body.metadata.resourceVersion}&resourceVersionMatch=Exact`,
  );
  isStatus(t, exact, 410, 'Expired', 'a list at a compacted revision');
});

t.test('413 RequestEntityTooLarge: a body over 3 MiB', async (t) => {
  const server = await startApiServer(t);
  const huge = configMap('huge', {}, { blob: 'x'.repeat(4 * 1024 * 1024) });
  const reply = await server.request<Status>(configMapsPath(), { method: 'POST', json: huge });
  isStatus(t, reply, 413, 'RequestEntityTooLarge', 'a 4 MiB ConfigMap');
  t.equal((await server.request(`${configMapsPath()}/huge`)).status, 404);
  const patch = await server.request<Status>(`${configMapsPath()}/huge`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    json: { data: { blob: 'x'.repeat(4 * 1024 * 1024) } },
  });
  isStatus(t, patch, 413, 'RequestEntityTooLarge', 'a 4 MiB patch');
  const fine = await server.request(configMapsPath(), {
    method: 'POST',
    json: configMap('fine', {}, { blob: 'x'.repeat(512 * 1024) }),
  });
  t.equal(fine.status, 201, 'half a MiB is fine');
});

t.test('415 UnsupportedMediaType: bodies in formats the server does not read', async (t) => {
  const server = await startApiServer(t);
  const text = await server.request<Status>(podsPath(), {
    method: 'POST',
    body: JSON.stringify(pod('p')),
    headers: { 'content-type': 'text/plain' },
  });
  isStatus(t, text, 415, 'UnsupportedMediaType', 'text/plain');
  t.match(text.body.message, /application\/json/);
  // Protobuf is read for the kinds in server/protobuf/messages.ts (apiserver-protobuf.test.ts).
  const protobuf = await server.request<Status>('/api/v1/nodes', {
    method: 'POST',
    body: kubeProtobuf('v1', 'Node', message([1, message([1, 'n'])])),
    headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
  });
  isStatus(t, protobuf, 415, 'UnsupportedMediaType', 'a protobuf Node');
  t.match(protobuf.body.message, /kubectl apply -f/, 'with a hint kubectl users can act on');
  t.equal((await get(server, '/api/v1/nodes/n')).status, 404, 'nothing stored');
  const yaml = await server.request(podsPath(), {
    method: 'POST',
    body: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\nspec:\n  containers:\n  - name: main\n    image: registry.local/web:v1\n',
    headers: { 'content-type': 'application/yaml' },
  });
  t.equal(yaml.status, 201, 'YAML bodies are read');
  t.equal(yaml.body.metadata.name, 'from-yaml');
});

t.test('422 Invalid: the fields at fault, as causes', async (t) => {
  const server = await startApiServer(t);
  const noContainers = await server.request<Status>(podsPath(), {
    method: 'POST',
    json: { ...pod('p'), spec: { containers: [] } },
  });
  isStatus(t, noContainers, 422, 'Invalid', 'a pod without containers');
  t.match(noContainers.body.message, /^Pod "p" is invalid: spec.containers: Required value/);
  t.match(noContainers.body.details, { name: 'p', kind: 'Pod' });
  t.same(noContainers.body.details?.causes, [
    { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' },
  ]);

  const several = await server.request<Status>(podsPath(), {
    method: 'POST',
    json: {
      ...pod('Bad_Name'),
      spec: {
        containers: [
          { name: 'main', image: 'registry.local/web:v1', ports: [{ containerPort: 70000 }] },
        ],
        restartPolicy: 'Sometimes',
      },
    },
  });
  isStatus(t, several, 422, 'Invalid', 'several invalid fields');
  const fields = (several.body.details?.causes ?? []).map((c) => c.field);
  t.ok(fields.includes('metadata.name'), 'the name');
  t.ok(fields.includes('spec.containers[0].ports[0].containerPort'), 'the port');
  t.ok(fields.includes('spec.restartPolicy'), 'the restart policy');
  t.match(
    several.body.message,
    /^Pod "Bad_Name" is invalid: \[/,
    'several errors are listed in brackets',
  );
  t.ok(
    several.body.details?.causes?.every((c) => c.reason && c.message && c.field),
    'each cause has reason, message and field',
  );

  const selector = await server.request<Status>(deploymentsPath(), {
    method: 'POST',
    json: {
      ...deployment('d'),
      spec: { ...deployment('d').spec, selector: { matchLabels: { app: 'other' } } },
    },
  });
  isStatus(t, selector, 422, 'Invalid', 'a deployment whose selector does not select its template');
  t.match(
    selector.body.message,
    /^Deployment\.apps "d" is invalid: /,
    'the kind named with its group',
  );
  t.equal(selector.body.details?.group, 'apps');
  t.ok(selector.body.details?.causes?.some((c) => c.field === 'spec.template.metadata.labels'));
  t.equal(
    (await server.request(`${deploymentsPath()}/d`)).status,
    404,
    'nothing invalid is stored',
  );

  const wrongType = await server.request<Status>(deploymentsPath(), {
    method: 'POST',
    json: { ...deployment('d'), spec: { ...deployment('d').spec, replicas: 'three' } },
  });
  t.equal(wrongType.status, 422, 'a field of the wrong type');
  t.ok(wrongType.body.details?.causes?.some((c) => c.field === 'spec.replicas'));
});

t.test('a Status for errors past routing, never HTML', async (t) => {
  const server = await startApiServer(t);
  for (const [method, path] of [
    ['GET', '/api/v1/namespaces/default/pods/%E0%A4%A'],
    ['DELETE', '/apis'],
    ['GET', '/api/v1/namespaces//pods'],
  ] as const) {
    const reply = await server.request<Status>(path, { method });
    t.ok(reply.status >= 400 && reply.status < 500, `${method} ${path}: ${reply.status}`);
    t.equal(reply.body.kind, 'Status', `${method} ${path}: a Status`);
  }
});
