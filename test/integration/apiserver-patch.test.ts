// PATCH over HTTP with the three patch types Kubernetes serves for built-in
// kinds: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic
// merge patch (lists merged by key, `$patch` directives), chosen by
// Content-Type; anything else is 415.

import t from 'tap';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import type { Deployment, Pod, TestServer } from './apiserver-support.js';
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

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

function patch<T = KubeObject>(
  server: TestServer,
  path: string,
  contentType: string,
  body: unknown,
) {
  return server.request<T>(path, {
    method: 'PATCH',
    headers: { 'content-type': contentType },
    json: body,
  });
}

/** A deployment with two containers, the first with a port and an env var. */
function twoContainers(name: string): Deployment {
  const base = deployment(name);
  return {
    ...base,
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'registry.local/web:v1',
              ports: [{ containerPort: 80, name: 'http' }],
              env: [{ name: 'A', value: '1' }],
            },
            { name: 'sidecar', image: 'registry.local/proxy:v1' },
          ],
        },
      },
    },
  };
}

function containers(d: Deployment) {
  return d.spec?.template.spec?.containers ?? [];
}

t.test('merge patch: maps merge, null deletes, lists are replaced', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, deploymentsPath(), twoContainers('web'));
  const path = `${deploymentsPath()}/web`;
  const labelled = await patch<Deployment>(server, path, MERGE, {
    metadata: { labels: { tier: 'front', team: 'a' } },
  });
  t.equal(labelled.status, 200);
  t.same(labelled.body.metadata.labels, { tier: 'front', team: 'a' });
  const unlabelled = await patch<Deployment>(server, path, MERGE, {
    metadata: { labels: { team: null } },
  });
  t.same(unlabelled.body.metadata.labels, { tier: 'front' }, 'null removes a key');
  t.equal(unlabelled.body.metadata.generation, 1, 'a metadata patch keeps generation');
  const bare = await patch<Deployment>(server, path, MERGE, {
    metadata: { labels: { tier: null } },
  });
  t.notOk('labels' in bare.body.metadata, 'without its last label, no labels map is left');

  const replaced = await patch<Deployment>(server, path, MERGE, {
    spec: {
      template: { spec: { containers: [{ name: 'main', image: 'registry.local/web:v2' }] } },
    },
  });
  t.equal(replaced.status, 200);
  t.same(
    containers(replaced.body).map((c) => c.name),
    ['main'],
    'a merge patch replaces a list whole',
  );
  t.notOk(containers(replaced.body)[0]?.ports, 'fields of the replaced items are gone');
  t.equal(
    containers(replaced.body)[0]?.imagePullPolicy,
    'IfNotPresent',
    'and the new items are defaulted',
  );
  t.equal(replaced.body.metadata.generation, 2, 'a spec patch bumps generation');
});

t.test(
  'JSON patch: operations apply in order; a failed test is 422; a malformed patch 400',
  async (t) => {
    const server = await startApiServer(t);
    await createOk(t, server, configMapsPath(), configMap('cm', {}, { a: '1', b: '2' }));
    const path = `${configMapsPath()}/cm`;
    const patched = await patch(server, path, JSON_PATCH, [
      { op: 'test', path: '/data/a', value: '1' },
      { op: 'replace', path: '/data/a', value: 'one' },
      { op: 'remove', path: '/data/b' },
      { op: 'add', path: '/metadata/labels', value: { env: 'prod' } },
    ]);
    t.equal(patched.status, 200, patched.text);
    t.same(patched.body['data'], { a: 'one' });
    t.same(patched.body.metadata.labels, { env: 'prod' });

    const failedTest = await patch<Status>(server, path, JSON_PATCH, [
      { op: 'test', path: '/data/a', value: 'other' },
      { op: 'replace', path: '/data/a', value: 'never' },
    ]);
    t.equal(failedTest.status, 422);
    t.equal(failedTest.body.kind, 'Status');
    t.equal(failedTest.body.reason, 'Invalid');
    const missing = await patch<Status>(server, path, JSON_PATCH, [
      { op: 'remove', path: '/data/nothing/here' },
    ]);
    t.equal(missing.status, 422, 'a path that does not exist does not apply: 422');
    const notAList = await patch<Status>(server, path, JSON_PATCH, { op: 'add' });
    t.equal(notAList.status, 400, 'a JSON patch must be a list of operations');
    const badOp = await patch<Status>(server, path, JSON_PATCH, [{ op: 'explode', path: '/data' }]);
    t.equal(badOp.status, 400);
    const after = await server.request(path);
    t.same(after.body['data'], { a: 'one' }, 'failed patches changed nothing');
  },
);

t.test(
  'strategic merge patch: containers merge by name, ports by containerPort, env by name',
  async (t) => {
    const server = await startApiServer(t);
    await createOk(t, server, deploymentsPath(), twoContainers('web'));
    const path = `${deploymentsPath()}/web`;

    const image = await patch<Deployment>(server, path, STRATEGIC, {
      spec: {
        template: { spec: { containers: [{ name: 'main', image: 'registry.local/web:v2' }] } },
      },
    });
    t.equal(image.status, 200, image.text);
    const [main, sidecar] = containers(image.body);
    t.equal(main?.image, 'registry.local/web:v2', 'the named container is changed');
    t.same(
      main?.ports,
      [{ containerPort: 80, name: 'http', protocol: 'TCP' }],
      'its other fields stay',
    );
    t.equal(sidecar?.name, 'sidecar', 'the other container stays');

    const ports = await patch<Deployment>(server, path, STRATEGIC, {
      spec: {
        template: {
          spec: { containers: [{ name: 'main', ports: [{ containerPort: 443, name: 'https' }] }] },
        },
      },
    });
    t.same(
      containers(ports.body)[0]?.ports?.map((p) => p.containerPort),
      [80, 443],
      'a new port is added beside the existing one (merge key containerPort)',
    );
    const env = await patch<Deployment>(server, path, STRATEGIC, {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'main',
                env: [
                  { name: 'A', value: '2' },
                  { name: 'B', value: '3' },
                ],
              },
            ],
          },
        },
      },
    });
    t.same(
      containers(env.body)[0]?.env,
      [
        { name: 'A', value: '2' },
        { name: 'B', value: '3' },
      ],
      'env merges by name',
    );

    const added = await patch<Deployment>(server, path, STRATEGIC, {
      spec: {
        template: { spec: { containers: [{ name: 'logger', image: 'registry.local/log:v1' }] } },
      },
    });
    t.same(
      containers(added.body).map((c) => c.name),
      ['main', 'sidecar', 'logger'],
      'a container of a new name is appended',
    );

    const deleted = await patch<Deployment>(server, path, STRATEGIC, {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    });
    t.same(
      containers(deleted.body).map((c) => c.name),
      ['main', 'logger'],
      '$patch: delete removes the item',
    );

    const portGone = await patch<Deployment>(server, path, STRATEGIC, {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'main', ports: [{ containerPort: 80, $patch: 'delete' }] }],
          },
        },
      },
    });
    t.same(
      containers(portGone.body)[0]?.ports?.map((p) => p.containerPort),
      [443],
      'and works on nested lists',
    );

    const ordered = await patch<Deployment>(server, path, STRATEGIC, {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'logger' }, { name: 'main' }],
            containers: [{ name: 'logger', image: 'registry.local/log:v2' }],
          },
        },
      },
    });
    t.same(
      containers(ordered.body).map((c) => `${c.name}=${c.image}`),
      ['logger=registry.local/log:v2', 'main=registry.local/web:v2'],
      '$setElementOrder orders the list',
    );

    const replaced = await patch<Deployment>(server, path, STRATEGIC, {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'solo', image: 'registry.local/solo:v1' }, { $patch: 'replace' }],
          },
        },
      },
    });
    t.same(
      containers(replaced.body).map((c) => c.name),
      ['solo'],
      '{$patch: replace} replaces the list',
    );

    const selector = await patch<Status>(server, path, STRATEGIC, {
      spec: { selector: { matchLabels: { app: 'other' } } },
    });
    t.equal(selector.status, 422, 'what an update may not change, a patch may not either');
    t.ok(selector.body.details?.causes?.some((c) => c.field === 'spec.selector'));
  },
);

t.test('strategic merge patch on a pod: finalizers as a set, labels as a map', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), {
    ...pod('p'),
    metadata: { name: 'p', labels: { app: 'web' }, finalizers: ['example.com/a'] },
  });
  const path = `${podsPath()}/p`;
  const more = await patch<Pod>(server, path, STRATEGIC, {
    metadata: { finalizers: ['example.com/b'], labels: { tier: 'x' } },
  });
  t.same(
    more.body.metadata.finalizers,
    ['example.com/a', 'example.com/b'],
    'finalizers merge as a set',
  );
  t.same(more.body.metadata.labels, { app: 'web', tier: 'x' });
  const fewer = await patch<Pod>(server, path, STRATEGIC, {
    metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] },
  });
  t.same(
    fewer.body.metadata.finalizers,
    ['example.com/b'],
    '$deleteFromPrimitiveList removes values',
  );
  const image = await patch<Pod>(server, path, STRATEGIC, {
    spec: { containers: [{ name: 'main', image: 'registry.local/web:v3' }] },
  });
  t.equal(image.status, 200, 'kubectl set image patches a pod by container name');
  t.equal(image.body.spec?.containers[0]?.image, 'registry.local/web:v3');
  t.equal(
    image.body.spec?.containers[0]?.terminationMessagePath,
    '/dev/termination-log',
    'the rest of the container stays',
  );
});

t.test('patch types by Content-Type: others are 415', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, configMapsPath(), configMap('cm'));
  const path = `${configMapsPath()}/cm`;
  const plainJson = await patch<Status>(server, path, 'application/json', { data: { a: 'b' } });
  t.equal(plainJson.status, 415, 'application/json is no patch type');
  t.equal(plainJson.body.kind, 'Status');
  t.equal(plainJson.body.reason, 'UnsupportedMediaType');
  t.match(
    plainJson.body.message,
    /application\/merge-patch\+json/,
    'the message lists the accepted types',
  );
  const cbor = await patch<Status>(server, path, 'application/apply-patch+cbor', {
    data: { a: 'b' },
  });
  t.equal(cbor.status, 415, 'an apply in CBOR is not read');
  t.match(cbor.body.message, /application\/apply-patch\+yaml/, 'the YAML form is named');
  const none = await server.request<Status>(path, {
    method: 'PATCH',
    body: '{}',
    headers: { 'content-type': '' },
  });
  t.equal(none.status, 415, 'a patch without Content-Type is refused too');
  const withCharset = await patch(server, path, `${MERGE}; charset=utf-8`, { data: { a: 'b' } });
  t.equal(withCharset.status, 200, 'parameters of the media type do not matter');
});

t.test('optimistic concurrency: a patch carrying a stale resourceVersion conflicts', async (t) => {
  const server = await startApiServer(t);
  const created = await createOk(t, server, configMapsPath(), configMap('cm', {}, { a: '1' }));
  const path = `${configMapsPath()}/cm`;
  const current = await patch(server, path, MERGE, {
    metadata: { resourceVersion: created.metadata.resourceVersion },
    data: { a: '2' },
  });
  t.equal(current.status, 200, 'the current resourceVersion applies');
  const stale = await patch<Status>(server, path, MERGE, {
    metadata: { resourceVersion: created.metadata.resourceVersion },
    data: { a: '3' },
  });
  t.equal(stale.status, 409);
  t.equal(stale.body.reason, 'Conflict');
  t.match(
    stale.body.message,
    /^Operation cannot be fulfilled on configmaps "cm": the object has been modified/,
  );
  const strategic = await patch<Status>(server, path, STRATEGIC, {
    metadata: { resourceVersion: created.metadata.resourceVersion },
  });
  t.equal(strategic.status, 409, 'for strategic merge patches too');
  const jsonTest = await patch<Status>(server, path, JSON_PATCH, [
    { op: 'test', path: '/metadata/resourceVersion', value: created.metadata.resourceVersion },
    { op: 'replace', path: '/data/a', value: '4' },
  ]);
  t.equal(jsonTest.status, 422, 'a JSON patch guards with a test operation instead');
  const unguarded = await patch(server, path, MERGE, { data: { a: '5' } });
  t.equal(unguarded.status, 200, 'a patch without resourceVersion always applies');
  t.same(unguarded.body['data'], { a: '5' });
});

t.test('patching what does not exist, or renaming, or bad bodies', async (t) => {
  const server = await startApiServer(t);
  const absent = await patch<Status>(server, `${configMapsPath()}/absent`, MERGE, { data: {} });
  t.equal(absent.status, 404);
  t.equal(absent.body.message, 'configmaps "absent" not found');
  await createOk(t, server, configMapsPath(), configMap('cm'));
  const renamed = await patch<Status>(server, `${configMapsPath()}/cm`, MERGE, {
    metadata: { name: 'other' },
  });
  t.equal(renamed.status, 400, 'a patch may not rename');
  const notJson = await server.request<Status>(`${configMapsPath()}/cm`, {
    method: 'PATCH',
    headers: { 'content-type': MERGE },
    body: '{not json',
  });
  t.equal(notJson.status, 400);
  t.equal(notJson.body.kind, 'Status');
  const array = await patch<Status>(server, `${configMapsPath()}/cm`, MERGE, [1, 2]);
  t.equal(array.status, 400, 'a merge patch must be an object');
  const invalid = await patch<Status>(server, `${configMapsPath()}/cm`, MERGE, {
    metadata: { labels: { 'bad key!': 'x' } },
  });
  t.equal(invalid.status, 422, 'a patch that makes the object invalid is 422');
  t.equal(invalid.body.details?.causes?.[0]?.field, 'metadata.labels');
});

t.test('dryRun patches answer without storing', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, configMapsPath(), configMap('cm', {}, { a: '1' }));
  const dry = await patch(server, `${configMapsPath()}/cm?dryRun=All`, MERGE, { data: { a: '2' } });
  t.equal(dry.status, 200);
  t.same(dry.body['data'], { a: '2' });
  const after = await server.request(`${configMapsPath()}/cm`);
  t.same(after.body['data'], { a: '1' });
});

t.test('concurrent patches never lose each other', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, configMapsPath(), configMap('cm'));
  const path = `${configMapsPath()}/cm`;
  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      patch(server, path, i % 2 === 0 ? MERGE : STRATEGIC, { data: { [`k${i}`]: String(i) } }),
    ),
  );
  t.ok(
    replies.every((r) => r.status === 200),
    'every unconditional patch applies',
  );
  const after = await server.request(path);
  t.equal(
    Object.keys((after.body['data'] as Record<string, string>) ?? {}).length,
    20,
    'with all 20 keys',
  );
});
