// The reviews over HTTP: `kubectl auth whoami` (SelfSubjectReview) answers
// with the token's user, `kubectl auth can-i [--list]` (SelfSubjectAccessReview,
// SelfSubjectRulesReview) with what the server enforces (every authenticated
// user may do everything: Kubernetes' AlwaysAllow). Each is answered with
// 201 and stores nothing; malformed reviews get Kubernetes' errors; discovery
// lists them with the create verb only.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import { repoRoot } from '../helpers/paths.js';
import { startApiServer } from './apiserver-support.js';

const ACCESS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
const RULES = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
const WHOAMI = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

interface Review extends KubeObject {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

function accessReview(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata,
    spec,
  };
}

function fixture(name: string): Buffer {
  return readFileSync(path.join(repoRoot, 'test', 'fixtures', 'protobuf', `${name}.bin`));
}

t.test('whoami: the user and groups of the token', async (t) => {
  const server = await startApiServer(t, { server: { now: () => Date.UTC(2026, 0, 2, 3, 4, 5) } });
  const reply = await server.request<Review>(WHOAMI, {
    method: 'POST',
    json: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  t.equal(reply.status, 201, reply.text);
  t.same(reply.body, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: '2026-01-02T03:04:05Z' },
    status: {
      userInfo: { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
    },
  });
  const unauthenticated = await server.request(WHOAMI, {
    method: 'POST',
    json: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    token: null,
  });
  t.equal(unauthenticated.status, 401, 'no token, no answer');
});

t.test('can-i: allowed, for resources and for paths, and nothing is stored', async (t) => {
  const server = await startApiServer(t);
  const revision = server.store.revision();
  const scaleList = {
    namespace: 'kube-system',
    verb: 'list',
    group: 'apps',
    resource: 'deployments',
    subresource: 'scale',
  };
  const resource = await server.request<Review>(ACCESS, {
    method: 'POST',
    // What kubectl writes in JSON for an unset time.
    json: accessReview({ resourceAttributes: scaleList }, { creationTimestamp: null }),
  });
  t.equal(resource.status, 201, resource.text);
  t.same(resource.body, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: scaleList },
    status: { allowed: true },
  });

  const nonResource = await server.request<Review>(ACCESS, {
    method: 'POST',
    json: accessReview({ nonResourceAttributes: { path: '/healthz', verb: 'get' } }),
  });
  t.equal(nonResource.status, 201, nonResource.text);
  t.same(nonResource.body.status, { allowed: true });
  t.same(nonResource.body.spec, { nonResourceAttributes: { path: '/healthz', verb: 'get' } });

  const yaml = await server.request<Review>(ACCESS, {
    method: 'POST',
    body: 'kind: SelfSubjectAccessReview\nspec:\n  resourceAttributes: {verb: get, resource: pods}\n',
    headers: { 'content-type': 'application/yaml' },
  });
  t.equal(yaml.status, 201, `YAML, apiVersion filled in from the URL: ${yaml.text}`);
  t.equal(server.store.revision(), revision, 'no review was stored');
});

t.test('can-i --list: the rules of the namespace', async (t) => {
  const server = await startApiServer(t);
  const reply = await server.request<Review>(RULES, {
    method: 'POST',
    json: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      spec: { namespace: 'default' },
    },
  });
  t.equal(reply.status, 201, reply.text);
  t.same(reply.body.spec, { namespace: 'default' });
  t.same(reply.body.status, {
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  });
  const noNamespace = await server.request<Status>(RULES, {
    method: 'POST',
    json: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {} },
  });
  t.equal(noNamespace.status, 400);
  t.equal(noNamespace.body.message, 'no namespace on request');
});

t.test("kubectl's protobuf reviews are answered", async (t) => {
  const server = await startApiServer(t);
  const post = (at: string, name: string) =>
    server.request<Review>(at, {
      method: 'POST',
      body: fixture(name),
      headers: {
        'content-type': 'application/vnd.kubernetes.protobuf',
        accept: 'application/vnd.kubernetes.protobuf, application/json',
      },
    });
  const canI = await post(ACCESS, 'auth-can-i-create-pods');
  t.equal(canI.status, 201, canI.text);
  t.match(canI.body, {
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status: { allowed: true },
  });
  const list = await post(RULES, 'auth-can-i-list');
  t.equal(list.status, 201, list.text);
  t.match(list.body, { spec: { namespace: 'default' }, status: { incomplete: false } });
  const whoami = await post(WHOAMI, 'auth-whoami');
  t.equal(whoami.status, 201, whoami.text);
  t.match(whoami.body, { status: { userInfo: { username: 'admin' } } });
});

t.test("malformed reviews get Kubernetes' errors", async (t) => {
  const server = await startApiServer(t);
  const post = (json: unknown, query = '') =>
    server.request<Status>(`${ACCESS}${query}`, { method: 'POST', json });

  const both = await post(
    accessReview({
      resourceAttributes: { verb: 'get', resource: 'pods' },
      nonResourceAttributes: { verb: 'get', path: '/x' },
    }),
  );
  t.equal(both.status, 422);
  t.match(both.body, {
    reason: 'Invalid',
    details: {
      kind: 'SelfSubjectAccessReview',
      group: 'authorization.k8s.io',
      causes: [
        {
          field: 'spec.nonResourceAttributes',
          message: /cannot be specified in combination with resourceAttributes/,
        },
      ],
    },
  });

  const neither = await post(accessReview({}, { name: 'mine' }));
  t.equal(neither.status, 422);
  t.same(
    neither.body.details?.causes?.map((c) => c.field),
    ['spec.resourceAttributes', 'metadata'],
    'no attributes, and a metadata that is not empty',
  );
  t.match(neither.body.message, /exactly one of nonResourceAttributes or resourceAttributes/);

  const wrongType = await post(accessReview({ resourceAttributes: { verb: 5 } }));
  t.equal(wrongType.status, 422);
  t.match(wrongType.body.details?.causes, [{ field: 'spec.resourceAttributes.verb' }]);

  const noSpec = await post({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
  });
  t.equal(noSpec.status, 422);
  t.match(noSpec.body.details?.causes, [{ field: 'spec', reason: 'FieldValueRequired' }]);

  const wrongKind = await post({ apiVersion: 'authorization.k8s.io/v1', kind: 'Pod', spec: {} });
  t.equal(wrongKind.status, 400);
  t.match(wrongKind.body.message, /does not match the expected kind \(SelfSubjectAccessReview\)/);

  const unknown = accessReview({ resourceAttributes: { verb: 'get', color: 'red' } });
  const strict = await post(unknown, '?fieldValidation=Strict');
  t.equal(strict.status, 400);
  t.match(
    strict.body.message,
    /strict decoding error: unknown field "spec.resourceAttributes.color"/,
  );
  const warned = await post(unknown);
  t.equal(warned.status, 201, 'unknown fields are dropped by default, with a warning');
  t.match(warned.headers.get('warning'), /unknown field \\"spec.resourceAttributes.color\\"/);
  t.same((warned.body as unknown as Review).spec, { resourceAttributes: { verb: 'get' } });
});

t.test('a review is only ever created', async (t) => {
  const server = await startApiServer(t);
  t.equal((await server.request(ACCESS)).status, 405, 'GET (list)');
  t.equal((await server.request(ACCESS, { method: 'DELETE' })).status, 405);
  t.equal((await server.request(`${ACCESS}/mine`)).status, 404, 'a review has no objects');
  const namespaced = await server.request(
    '/apis/authorization.k8s.io/v1/namespaces/default/selfsubjectaccessreviews',
    { method: 'POST', json: accessReview({ resourceAttributes: { verb: 'get' } }) },
  );
  t.equal(namespaced.status, 404, 'cluster-scoped: no namespaced path');
});

t.test('discovery lists the reviews, with the create verb only', async (t) => {
  const server = await startApiServer(t);
  const groups = await server.request<{ groups: { name: string }[] }>('/apis');
  const names = groups.body.groups.map((g) => g.name);
  t.ok(
    names.includes('authorization.k8s.io') && names.includes('authentication.k8s.io'),
    names.join(),
  );
  const resources = await server.request<{ resources: Record<string, unknown>[] }>(
    '/apis/authorization.k8s.io/v1',
  );
  t.same(
    resources.body.resources.map((r) => [r.name, r.kind, r.namespaced, r.verbs]),
    [
      ['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create']],
      ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, ['create']],
    ],
  );
  const openapi = await server.request<{ paths: Record<string, Record<string, unknown>> }>(
    '/openapi/v3/apis/authentication.k8s.io/v1',
  );
  t.same(
    Object.entries(openapi.body.paths).map(([at, operations]) => [at, Object.keys(operations)]),
    [['/apis/authentication.k8s.io/v1/selfsubjectreviews', ['post']]],
    'OpenAPI has the create operation and nothing else',
  );
});
