// The services' create, get, list and update, against every store.

import t from 'tap';
import type { KubeObject } from '../../controlplane/api/types.js';
import { STORE_FIXTURES, deployment, openServices, pod, rejectsWith } from './services-support.js';

for (const fixture of STORE_FIXTURES) {
  t.test(`${fixture.name} store`, async (t) => {
    t.test('the bootstrap namespaces exist, Active, once', async (t) => {
      const { api, store } = await openServices(t, fixture);
      const names = (await api.namespaces.list()).items.map((n) => n.metadata.name);
      t.same(names.sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
      const ns = await api.namespaces.get('default');
      t.same(ns.status, { phase: 'Active' });
      t.same(ns.spec, { finalizers: ['kubernetes'] });
      const revision = store.revision();
      // A second start over the same store creates nothing.
      const { createApiServices } = await import('../../controlplane/services/index.js');
      await createApiServices({ store }).ready();
      t.equal(store.revision(), revision);
    });

    t.test('create fills in what the server owns', async (t) => {
      const now = new Date('2024-05-01T12:34:56.789Z');
      const { api } = await openServices(t, fixture, { now: () => now, newUid: () => 'uid-1' });
      const created = await api.pods.create({
        ...pod('web'),
        metadata: {
          name: 'web',
          resourceVersion: '999',
          uid: 'mine',
          generation: 7,
          deletionTimestamp: 'x',
        },
        status: { phase: 'Running', podIP: '1.2.3.4' },
      } as never);
      t.equal(created.metadata.namespace, 'default');
      t.equal(created.metadata.uid, 'uid-1');
      t.equal(created.metadata.creationTimestamp, '2024-05-01T12:34:56Z');
      t.equal(created.metadata.generation, undefined, "a pod's generation is dropped");
      t.notOk(created.metadata.deletionTimestamp);
      t.match(created.metadata.resourceVersion, /^\d+$/);
      t.not(created.metadata.resourceVersion, '999');
      t.same(
        created.status,
        { phase: 'Pending', qosClass: 'BestEffort' },
        'pod status from the request is replaced',
      );
      const got = await api.pods.get('web', { namespace: 'default' });
      t.same(got, created, 'get returns what create returned');
    });

    t.test('apiVersion, kind and namespace must agree with the request', async (t) => {
      const { api } = await openServices(t, fixture);
      await rejectsWith(
        t,
        api.deployments.create({ ...deployment('d'), apiVersion: 'apps/v2' } as never),
        400,
        'the API version in the data (apps/v2) does not match the expected API version (apps/v1)',
      );
      await rejectsWith(
        t,
        api.deployments.create({ ...deployment('d'), kind: 'ReplicaSet' } as never),
        400,
        'the kind in the data (ReplicaSet) does not match the expected kind (Deployment)',
      );
      await rejectsWith(
        t,
        api.pods.create({ ...pod('p'), metadata: { name: 'p', namespace: 'a' } } as never, {
          namespace: 'b',
        }),
        400,
        'the namespace of the provided object does not match the namespace sent on the request',
      );
      const filled = await api.configMaps.create({
        metadata: { name: 'cm' },
        data: { a: 'b' },
      } as never);
      t.equal(filled.apiVersion, 'v1');
      t.equal(filled.kind, 'ConfigMap');
    });

    t.test('the namespace must exist', async (t) => {
      const { api } = await openServices(t, fixture);
      await rejectsWith(
        t,
        api.pods.create(pod('p') as never, { namespace: 'nowhere' }),
        404,
        'namespaces "nowhere" not found',
      );
      await api.namespaces.create({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'team' },
      } as never);
      const created = await api.pods.create(pod('p') as never, { namespace: 'team' });
      t.equal(created.metadata.namespace, 'team');
      t.equal((await api.pods.list({ namespace: 'team' })).items.length, 1);
      t.equal((await api.pods.list({ namespace: 'default' })).items.length, 0);
      t.equal((await api.pods.list()).items.length, 1, 'all namespaces');
    });

    t.test('cluster-scoped objects have no namespace', async (t) => {
      const { api } = await openServices(t, fixture);
      const node = await api.nodes.create({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'n1', namespace: 'x' },
        status: { capacity: { cpu: '2' } },
      } as never);
      t.equal(node.metadata.namespace, undefined);
      t.same(
        node.status,
        { capacity: { cpu: '2' }, allocatable: { cpu: '2' } },
        'a node keeps the status it registers with (allocatable defaults to capacity)',
      );
      t.equal((await api.nodes.get('n1')).metadata.name, 'n1');
    });

    t.test('AlreadyExists and NotFound', async (t) => {
      const { api } = await openServices(t, fixture);
      await api.pods.create(pod('p') as never);
      await rejectsWith(t, api.pods.create(pod('p') as never), 409, 'pods "p" already exists');
      await rejectsWith(t, api.pods.get('q'), 404, 'pods "q" not found');
      await rejectsWith(t, api.deployments.get('q'), 404, 'deployments.apps "q" not found');
      await rejectsWith(t, api.pods.get('a/b'), 404, undefined, 'a name with a slash is not found');
    });

    t.test('generateName appends five random characters', async (t) => {
      const { api } = await openServices(t, fixture);
      const names = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const created = await api.pods.create({
          ...pod(''),
          metadata: { generateName: 'web-' },
        } as never);
        t.match(created.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
        names.add(created.metadata.name ?? '');
      }
      t.equal(names.size, 20);
    });

    t.test('list: limit and continue, resourceVersion of the read', async (t) => {
      const { api, store } = await openServices(t, fixture);
      for (let i = 0; i < 5; i++)
        await api.configMaps.create({ metadata: { name: `cm-${i}` } } as never);
      const first = await api.configMaps.list({ limit: 2 });
      t.equal(first.kind, 'ConfigMapList');
      t.equal(first.apiVersion, 'v1');
      t.equal(first.metadata.resourceVersion, String(store.revision()));
      t.same(
        first.items.map((i) => i.metadata.name),
        ['cm-0', 'cm-1'],
      );
      t.ok(first.metadata.continue);
      t.equal(first.metadata.remainingItemCount, 3);
      const second = await api.configMaps.list({ limit: 2, continue: first.metadata.continue });
      t.same(
        second.items.map((i) => i.metadata.name),
        ['cm-2', 'cm-3'],
      );
      const third = await api.configMaps.list({ limit: 2, continue: second.metadata.continue });
      t.same(
        third.items.map((i) => i.metadata.name),
        ['cm-4'],
      );
      t.notOk(third.metadata.continue);
      for (const item of first.items) t.match(item.metadata.resourceVersion, /^\d+$/);
    });

    t.test('list: an expired continue token is 410 Expired', async (t) => {
      const { api, store } = await openServices(t, fixture);
      for (let i = 0; i < 3; i++)
        await api.configMaps.create({ metadata: { name: `cm-${i}` } } as never);
      const first = await api.configMaps.list({ limit: 1 });
      for (let i = 3; i < 6; i++)
        await api.configMaps.create({ metadata: { name: `cm-${i}` } } as never);
      await store.compact(store.revision());
      const error = await rejectsWith(
        t,
        api.configMaps.list({ limit: 1, continue: first.metadata.continue }),
        410,
        /continue parameter is too old/,
      );
      t.equal(error?.reason, 'Expired');
    });

    t.test('list: label and field selectors', async (t) => {
      const { api } = await openServices(t, fixture);
      await api.pods.create({
        ...pod('a'),
        metadata: { name: 'a', labels: { app: 'web', tier: 'front' } },
      } as never);
      await api.pods.create({
        ...pod('b'),
        metadata: { name: 'b', labels: { app: 'web', tier: 'back' } },
      } as never);
      await api.pods.create({
        ...pod('c'),
        metadata: { name: 'c', labels: { app: 'db' } },
      } as never);
      await api.pods.bind('b', 'node-1');
      const names = async (options: Record<string, string>): Promise<string[]> =>
        (await api.pods.list(options)).items.map((i) => i.metadata.name ?? '');
      t.same(await names({ labelSelector: 'app=web' }), ['a', 'b']);
      t.same(await names({ labelSelector: 'app=web,tier!=front' }), ['b']);
      t.same(await names({ labelSelector: 'tier in (front,back)' }), ['a', 'b']);
      t.same(await names({ labelSelector: '!tier' }), ['c']);
      t.same(await names({ fieldSelector: 'spec.nodeName=' }), ['a', 'c'], 'unscheduled pods');
      t.same(await names({ fieldSelector: 'spec.nodeName=node-1' }), ['b']);
      t.same(await names({ fieldSelector: 'metadata.name=c' }), ['c']);
      t.same(await names({ fieldSelector: 'status.phase=Pending,metadata.name!=a' }), ['b', 'c']);
      await rejectsWith(
        t,
        api.pods.list({ fieldSelector: 'spec.image=x' }),
        400,
        'field label not supported: spec.image',
      );
      // A page is filled through the selector.
      const page = await api.pods.list({ labelSelector: 'app=web', limit: 1 });
      t.same(
        page.items.map((i) => i.metadata.name),
        ['a'],
      );
      const rest = await api.pods.list({
        labelSelector: 'app=web',
        limit: 1,
        continue: page.metadata.continue,
      });
      t.same(
        rest.items.map((i) => i.metadata.name),
        ['b'],
      );
      t.equal(page.metadata.remainingItemCount, undefined, 'not counted through a selector');
    });

    t.test('update: compare-and-set on resourceVersion, unconditional without', async (t) => {
      const { api } = await openServices(t, fixture);
      const created = await api.configMaps.create({
        metadata: { name: 'cm' },
        data: { a: '1' },
      } as never);
      const updated = await api.configMaps.update({ ...created, data: { a: '2' } });
      t.not(updated.metadata.resourceVersion, created.metadata.resourceVersion);
      await rejectsWith(
        t,
        api.configMaps.update({ ...created, data: { a: '3' } }),
        409,
        'Operation cannot be fulfilled on configmaps "cm": the object has been modified; please apply your changes to the latest version and try again',
      );
      const meta = { ...created.metadata };
      delete meta.resourceVersion;
      const blind = await api.configMaps.update({ ...created, metadata: meta, data: { a: '4' } });
      t.same(blind.data, { a: '4' });
      await rejectsWith(t, api.configMaps.update({ metadata: { name: 'missing' } } as never), 404);
      const same = await api.configMaps.update(blind);
      t.equal(
        same.metadata.resourceVersion,
        blind.metadata.resourceVersion,
        'an update that changes nothing writes nothing',
      );
    });

    t.test(
      'update: generation follows the spec, status stays the status subresource',
      async (t) => {
        const { api } = await openServices(t, fixture);
        const created = await api.deployments.create({
          ...deployment('web'),
          status: { replicas: 5 },
        } as never);
        t.equal(created.metadata.generation, 1);
        t.equal(created.status, undefined, 'status is dropped on create');
        const labelled = await api.deployments.update({
          ...created,
          metadata: { ...created.metadata, labels: { a: 'b' } },
        });
        t.equal(labelled.metadata.generation, 1, 'metadata changes keep the generation');
        t.same(labelled.metadata.labels, { a: 'b' });
        const scaled = await api.deployments.update({
          ...labelled,
          spec: { ...labelled.spec, replicas: 3 } as never,
          status: { replicas: 9 } as never,
        });
        t.equal(scaled.metadata.generation, 2, 'spec changes bump it');
        t.equal(scaled.status, undefined, 'status in an update is ignored');
        const withStatus = await api.deployments.updateStatus({
          ...scaled,
          spec: { ...scaled.spec, replicas: 7 } as never,
          status: { replicas: 3, observedGeneration: 2 } as never,
        });
        t.same(withStatus.status, { replicas: 3, observedGeneration: 2 });
        t.equal(
          (withStatus.spec as { replicas: number }).replicas,
          3,
          'spec in a status update is ignored',
        );
        t.equal(withStatus.metadata.generation, 2);
        await rejectsWith(
          t,
          api.configMaps.updateStatus({ metadata: { name: 'x' } } as never),
          404,
          'the server could not find the requested resource',
        );
      },
    );

    t.test('update: immutable fields', async (t) => {
      const { api } = await openServices(t, fixture);
      const d = await api.deployments.create(deployment('web') as never);
      const moved = {
        ...d,
        spec: { ...d.spec, selector: { matchLabels: { app: 'other' } } },
      } as KubeObject;
      const error = await rejectsWith(t, api.deployments.update(moved as never), 422);
      t.ok(
        error?.status.details?.causes?.some(
          (c) => c.field === 'spec.selector' && /field is immutable/.test(c.message ?? ''),
        ),
        'spec.selector is immutable',
      );
      await rejectsWith(
        t,
        api.deployments.update({ ...d, metadata: { ...d.metadata, uid: 'other' } }),
        422,
        /metadata.uid: Invalid value: "other": field is immutable/,
      );
      const kept = await api.deployments.update({
        ...d,
        metadata: { ...d.metadata, creationTimestamp: '2000-01-01T00:00:00Z', generation: 42 },
      });
      t.equal(
        kept.metadata.creationTimestamp,
        d.metadata.creationTimestamp,
        "creationTimestamp is the server's",
      );
      t.equal(kept.metadata.generation, 1, "generation is the server's");
    });

    t.test('update: a pod spec changes only where Kubernetes allows', async (t) => {
      const { api } = await openServices(t, fixture);
      const p = await api.pods.create(
        pod('p', {
          spec: {
            containers: [{ name: 'app', image: 'a:1' }],
            tolerations: [{ key: 'k', operator: 'Exists' }],
          },
        }) as never,
      );
      const spec = p.spec as unknown as Record<string, unknown>;
      const image = await api.pods.update({
        ...p,
        spec: { ...spec, containers: [{ name: 'app', image: 'a:2' }] } as never,
      });
      t.equal(
        (image.spec as unknown as { containers: { image: string }[] }).containers[0]?.image,
        'a:2',
      );
      t.equal(image.metadata.generation, undefined, 'pods have no generation in Kubernetes 1.32');
      const added = await api.pods.update({
        ...image,
        spec: {
          ...(image.spec as object),
          tolerations: [
            { key: 'k', operator: 'Exists' },
            { key: 'x', operator: 'Exists' },
          ],
          activeDeadlineSeconds: 30,
        } as never,
      });
      t.same(
        (added.spec as unknown as { tolerations: { key: string }[] }).tolerations.map((x) => x.key),
        // What the update sent, then the default NoExecute ones (DefaultTolerationSeconds).
        ['k', 'x', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'],
      );
      const error = await rejectsWith(
        t,
        api.pods.update({
          ...added,
          spec: { ...(added.spec as object), restartPolicy: 'Never' } as never,
        }),
        422,
      );
      t.match(
        error?.message,
        /^Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
      );
      await rejectsWith(
        t,
        api.pods.update({
          ...added,
          spec: { ...(added.spec as object), tolerations: [] } as never,
        }),
        422,
        /existing toleration can not be modified/,
      );
      await rejectsWith(
        t,
        api.pods.update({
          ...added,
          spec: { ...(added.spec as object), activeDeadlineSeconds: 60 } as never,
        }),
        422,
        /must be less than or equal to previous value/,
      );
      const labelled = await api.pods.update({
        ...added,
        metadata: { ...added.metadata, labels: { x: 'y' } },
      });
      t.same(labelled.metadata.labels, { x: 'y' });
    });

    t.test('dry run stores nothing', async (t) => {
      const { api, store } = await openServices(t, fixture);
      const revision = store.revision();
      const created = await api.pods.create(pod('p') as never, { dryRun: 'All' });
      t.equal(created.metadata.name, 'p');
      t.equal(store.revision(), revision);
      await rejectsWith(t, api.pods.get('p'), 404);
    });
  });
}
