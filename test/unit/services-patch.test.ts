// The services' patch verb: merge, JSON and strategic merge patches, through
// the update path, against every store.

import t from 'tap';
import { STORE_FIXTURES, deployment, openServices, pod, rejectsWith } from './services-support.js';

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
  ports?: { containerPort: number; name?: string }[];
}

function containersOf(object: { spec?: unknown }): Container[] {
  return (object.spec as { template: { spec: { containers: Container[] } } }).template.spec
    .containers;
}

for (const fixture of STORE_FIXTURES) {
  t.test(`${fixture.name} store`, async (t) => {
    t.test('merge patch (RFC 7386)', async (t) => {
      const { api } = await openServices(t, fixture);
      await api.configMaps.create({
        metadata: { name: 'cm', labels: { a: '1', b: '2' } },
        data: { x: '1', y: '2' },
      } as never);
      const patched = await api.configMaps.patch(
        'cm',
        { metadata: { labels: { b: null, c: '3' } }, data: { y: '3' } },
        'merge',
      );
      t.same(patched.metadata.labels, { a: '1', c: '3' });
      t.same(patched.data, { x: '1', y: '3' });
      await rejectsWith(t, api.configMaps.patch('cm', [1], 'merge'), 400);
      await rejectsWith(
        t,
        api.configMaps.patch('nope', {}, 'merge'),
        404,
        'configmaps "nope" not found',
      );
      await rejectsWith(
        t,
        api.configMaps.patch('cm', { metadata: { name: 'other' } }, 'merge'),
        400,
        'the name of the object (other) does not match the name on the URL (cm)',
      );
    });

    t.test('JSON patch (RFC 6902)', async (t) => {
      const { api } = await openServices(t, fixture);
      const created = await api.deployments.create(deployment('web', 2) as never);
      const patched = await api.deployments.patch(
        'web',
        [
          { op: 'test', path: '/spec/replicas', value: 2 },
          { op: 'replace', path: '/spec/replicas', value: 4 },
          { op: 'add', path: '/metadata/labels', value: { team: 'a' } },
        ],
        'json',
      );
      t.equal((patched.spec as { replicas: number }).replicas, 4);
      t.equal(patched.metadata.generation, 2);
      const failed = await rejectsWith(
        t,
        api.deployments.patch('web', [{ op: 'test', path: '/spec/replicas', value: 2 }], 'json'),
        422,
        'the server rejected our request due to an error in our request',
      );
      t.match(failed?.status.details?.causes, [
        { message: 'testing value /spec/replicas failed: test failed' },
      ]);
      await rejectsWith(
        t,
        api.deployments.patch(
          'web',
          [{ op: 'replace', path: '/spec/nothing/here', value: 1 }],
          'json',
        ),
        422,
      );
      await rejectsWith(t, api.deployments.patch('web', { op: 'add' }, 'json'), 400);
      await rejectsWith(t, api.deployments.patch('web', [{ op: 'jump', path: '/a' }], 'json'), 400);
      // The optimistic pattern: test the resourceVersion.
      await rejectsWith(
        t,
        api.deployments.patch(
          'web',
          [
            {
              op: 'test',
              path: '/metadata/resourceVersion',
              value: created.metadata.resourceVersion,
            },
          ],
          'json',
        ),
        422,
      );
      const stored = await api.deployments.get('web');
      t.equal((stored.spec as { replicas: number }).replicas, 4, 'failed patches store nothing');
    });

    t.test('strategic merge patch merges lists by key', async (t) => {
      const { api } = await openServices(t, fixture);
      const d = deployment('web');
      containersOf(d).push({
        name: 'sidecar',
        image: 'side:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      });
      await api.deployments.create(d as never);

      const images = await api.deployments.patch(
        'web',
        { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'side:2' }] } } } },
        'strategic',
      );
      t.same(
        containersOf(images).map((c) => [c.name, c.image]),
        [
          ['app', 'registry.example/app:v1'],
          ['sidecar', 'side:2'],
        ],
        'merged by name',
      );
      t.same(
        containersOf(images)[1]?.env,
        [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        'untouched fields stay',
      );

      const env = await api.deployments.patch(
        'web',
        {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'sidecar',
                    env: [
                      { name: 'B', value: '3' },
                      { name: 'C', value: '4' },
                    ],
                  },
                ],
              },
            },
          },
        },
        'strategic',
      );
      t.same(
        containersOf(env)[1]?.env,
        [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
          { name: 'C', value: '4' },
        ],
        'env merged by name',
      );

      const removed = await api.deployments.patch(
        'web',
        { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } },
        'strategic',
      );
      t.same(
        containersOf(removed).map((c) => c.name),
        ['app'],
        '$patch: delete removes the item',
      );

      const ports = await api.deployments.patch(
        'web',
        {
          spec: {
            template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80 }] }] } },
          },
        },
        'strategic',
      );
      const more = await api.deployments.patch(
        'web',
        {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'app',
                    ports: [
                      { containerPort: 443, name: 'https' },
                      { containerPort: 80, name: 'http' },
                    ],
                  },
                ],
              },
            },
          },
        },
        'strategic',
      );
      t.same(containersOf(ports)[0]?.ports, [{ containerPort: 80, protocol: 'TCP' }]);
      t.same(
        containersOf(more)[0]?.ports,
        [
          { containerPort: 80, protocol: 'TCP', name: 'http' },
          { containerPort: 443, name: 'https', protocol: 'TCP' },
        ],
        'ports merged by containerPort',
      );

      const replaced = await api.deployments.patch(
        'web',
        {
          spec: {
            template: {
              spec: { containers: [{ name: 'only', image: 'o:1' }, { $patch: 'replace' }] },
            },
          },
        },
        'strategic',
      );
      t.same(
        containersOf(replaced).map((c) => c.name),
        ['only'],
        '{$patch: replace} replaces the list',
      );

      // kubectl apply's directives are understood.
      const ordered = await api.deployments.patch(
        'web',
        {
          spec: {
            template: {
              spec: {
                $setElementOrder: undefined,
                '$setElementOrder/containers': [{ name: 'second' }, { name: 'only' }],
                containers: [{ name: 'second', image: 's:1' }],
              },
            },
          },
          metadata: { labels: { a: 'b' } },
        },
        'strategic',
      );
      t.same(
        containersOf(ordered).map((c) => c.name),
        ['second', 'only'],
        '$setElementOrder orders the list',
      );
      const retained = await api.deployments.patch(
        'web',
        { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
        'strategic',
      );
      t.same(
        (retained.spec as { strategy: unknown }).strategy,
        { type: 'Recreate' },
        '$retainKeys clears the other keys',
      );
    });

    t.test('strategic merge patch: finalizers merge as a set, atomic lists replace', async (t) => {
      const { api } = await openServices(t, fixture);
      await api.pods.create(
        pod('p', {
          metadata: { name: 'p', finalizers: ['a/x'] },
          spec: {
            containers: [{ name: 'app', image: 'i' }],
            tolerations: [{ key: 'k1', operator: 'Exists' }],
          },
        }) as never,
      );
      const p = await api.pods.patch('p', { metadata: { finalizers: ['b/y'] } }, 'strategic');
      t.same(p.metadata.finalizers, ['a/x', 'b/y']);
      const q = await api.pods.patch(
        'p',
        { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x'] } },
        'strategic',
      );
      t.same(q.metadata.finalizers, ['b/y']);
      const tol = await api.pods.patch(
        'p',
        {
          spec: {
            tolerations: [
              { key: 'k1', operator: 'Exists' },
              { key: 'k2', operator: 'Exists' },
            ],
          },
        },
        'strategic',
      );
      t.same(
        (tol.spec as unknown as { tolerations: { key: string }[] }).tolerations.map((x) => x.key),
        // The list is replaced; the default NoExecute ones come back (DefaultTolerationSeconds).
        ['k1', 'k2', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'],
      );
      await api.pods.patch('p', { metadata: { finalizers: null } }, 'strategic');
    });

    t.test('patch the status subresource', async (t) => {
      const { api } = await openServices(t, fixture);
      await api.pods.create(pod('p') as never);
      const running = await api.pods.patch(
        'p',
        { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
        'strategic',
        { subresource: 'status' },
      );
      t.equal((running.status as { phase: string }).phase, 'Running');
      t.equal(
        (running.status as { qosClass: string }).qosClass,
        'BestEffort',
        'status patches keep the QoS class',
      );
      const again = await api.pods.patch(
        'p',
        { status: { conditions: [{ type: 'Initialized', status: 'True' }] } },
        'strategic',
        { subresource: 'status' },
      );
      t.same(
        (again.status as { conditions: { type: string }[] }).conditions.map((c) => c.type),
        ['Ready', 'Initialized'],
        'conditions merge by type',
      );
      const ignored = await api.pods.patch(
        'p',
        { status: { phase: 'Failed' }, metadata: { labels: { a: 'b' } } },
        'merge',
      );
      t.equal(
        (ignored.status as { phase: string }).phase,
        'Running',
        'status through the main resource is ignored',
      );
      t.same(ignored.metadata.labels, { a: 'b' });
      await rejectsWith(t, api.configMaps.patch('x', {}, 'merge', { subresource: 'status' }), 404);
    });

    t.test('a patch pinned to a resourceVersion conflicts when stale', async (t) => {
      const { api } = await openServices(t, fixture);
      const created = await api.configMaps.create({
        metadata: { name: 'cm' },
        data: { a: '1' },
      } as never);
      await api.configMaps.patch('cm', { data: { a: '2' } }, 'merge');
      await rejectsWith(
        t,
        api.configMaps.patch(
          'cm',
          { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { a: '3' } },
          'merge',
        ),
        409,
      );
    });

    t.test('16 concurrent patches lose no update', async (t) => {
      const { api } = await openServices(t, fixture);
      await api.configMaps.create({ metadata: { name: 'counter' }, data: {} } as never);
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          api.configMaps.patch('counter', { data: { [`k${i}`]: String(i) } }, 'merge'),
        ),
      );
      const final = await api.configMaps.get('counter');
      t.equal(Object.keys(final.data ?? {}).length, 16);
      // JSON patches that append to one list race on the same field.
      await api.configMaps.create({
        metadata: { name: 'list', annotations: {} },
        data: {},
      } as never);
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          api.configMaps.patch('list', [{ op: 'add', path: `/data/x${i}`, value: 'v' }], 'json'),
        ),
      );
      t.equal(Object.keys((await api.configMaps.get('list')).data ?? {}).length, 16);
    });

    t.test('16 concurrent creates and CAS updates', async (t) => {
      const { api } = await openServices(t, fixture);
      const created = await Promise.all(
        Array.from({ length: 16 }, (_, i) => api.pods.create(pod(`p-${i}`) as never)),
      );
      t.equal(
        new Set(created.map((p) => p.metadata.resourceVersion)).size,
        16,
        'each its own revision',
      );
      t.equal((await api.pods.list()).items.length, 16);
      // Read-modify-write with CAS, retrying on 409: every increment lands.
      await api.configMaps.create({ metadata: { name: 'n' }, data: { n: '0' } } as never);
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (;;) {
            const current = await api.configMaps.get('n');
            try {
              await api.configMaps.update({
                ...current,
                data: { n: String(Number(current.data?.['n']) + 1) },
              });
              return;
            } catch (error) {
              if ((error as { code?: number }).code !== 409) throw error;
              conflicts++;
            }
          }
        }),
      );
      t.equal((await api.configMaps.get('n')).data?.['n'], '16');
      t.comment(`${conflicts} conflicts retried`);
    });
  });
}
