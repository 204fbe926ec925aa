import t from 'tap';
import type { KubeObject } from '../../controlplane/api/types.js';
import {
  LAST_APPLIED_ANNOTATION,
  lastAppliedOf,
  planApply,
  threeWayMerge,
  withLastApplied,
} from '../../sdk/cli/kube/apply-merge.js';
import { createMergePatch } from '../../sdk/cli/kube/json-values.js';

/** A pod manifest with one container. */
function pod(
  extra: { labels?: Record<string, string>; image?: string; env?: unknown[]; args?: string[] } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'kubia',
      namespace: 'default',
      ...(extra.labels ? { labels: extra.labels } : {}),
    },
    spec: {
      containers: [
        {
          name: 'kubia',
          image: extra.image ?? 'kubia:v1',
          ...(extra.env ? { env: extra.env } : {}),
          ...(extra.args ? { args: extra.args } : {}),
        },
      ],
    },
  } as KubeObject;
}

/** What the server would store from `applied`: defaults, status, server-owned metadata. */
function stored(applied: KubeObject, more: Record<string, unknown> = {}): KubeObject {
  const spec = (applied as unknown as { spec: { containers: Record<string, unknown>[] } }).spec;
  return {
    ...applied,
    metadata: {
      ...applied.metadata,
      uid: 'u1',
      resourceVersion: '7',
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      ...spec,
      containers: spec.containers.map((c) => ({ ...c, imagePullPolicy: 'IfNotPresent' })),
      restartPolicy: 'Always',
    },
    status: { phase: 'Running' },
    ...more,
  } as KubeObject;
}

t.test('the last-applied annotation records the manifest as kubectl writes it', async (t) => {
  const applied = withLastApplied(pod());
  const text = applied.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '';
  t.equal(
    text,
    '{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{},"name":"kubia","namespace":"default"},"spec":{"containers":[{"image":"kubia:v1","name":"kubia"}]}}\n',
  );
  t.same(lastAppliedOf(applied), JSON.parse(text));
  const again = withLastApplied(applied);
  t.equal(
    again.metadata.annotations?.[LAST_APPLIED_ANNOTATION],
    text,
    'the annotation is not recorded in itself',
  );
  t.equal(
    lastAppliedOf({ ...applied, metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: '{' } } }),
    undefined,
  );
});

t.test('applying the same manifest again changes nothing', async (t) => {
  const applied = withLastApplied(pod({ labels: { app: 'kubia' } }));
  const plan = planApply(applied, stored(applied));
  t.equal(plan.patch, undefined, 'server defaults and status are not a change');
});

t.test(
  'changed fields are patched; defaults, status and fields set by others are kept',
  async (t) => {
    const first = withLastApplied(
      pod({ labels: { app: 'kubia' }, env: [{ name: 'A', value: '1' }] }),
    );
    // Someone else labelled it after the first apply (kubectl label).
    const live = stored(first);
    (live.metadata as { labels: Record<string, string> }).labels = { app: 'kubia', team: 'blue' };
    const second = withLastApplied(
      pod({ labels: { app: 'kubia' }, image: 'kubia:v2', env: [{ name: 'A', value: '2' }] }),
    );
    const plan = planApply(second, live);
    t.ok(plan.patch);
    t.match(plan.desired, {
      metadata: { labels: { app: 'kubia', team: 'blue' }, uid: 'u1' },
      spec: {
        restartPolicy: 'Always',
        containers: [
          {
            name: 'kubia',
            image: 'kubia:v2',
            imagePullPolicy: 'IfNotPresent',
            env: [{ name: 'A', value: '2' }],
          },
        ],
      },
      status: { phase: 'Running' },
    });
    t.same(
      plan.patch?.metadata,
      {
        annotations: {
          [LAST_APPLIED_ANNOTATION]: second.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '',
        },
        resourceVersion: '7',
      },
      'the patch is pinned to the live resourceVersion',
    );
    t.same(
      (plan.patch?.spec as { containers: unknown[] }).containers,
      [
        {
          name: 'kubia',
          image: 'kubia:v2',
          imagePullPolicy: 'IfNotPresent',
          env: [{ name: 'A', value: '2' }],
        },
      ],
      'a merge patch sends keyed lists whole, live defaults kept in them',
    );
  },
);

t.test('fields dropped from the manifest are removed only if we applied them', async (t) => {
  const first = withLastApplied(pod({ labels: { app: 'kubia', tier: 'web' }, args: ['-v'] }));
  const live = stored(first);
  (live.metadata as { labels: Record<string, string> }).labels = {
    app: 'kubia',
    tier: 'web',
    team: 'blue',
  };
  const second = withLastApplied(pod({ labels: { app: 'kubia' } }));
  const plan = planApply(second, live);
  t.same(plan.desired.metadata && (plan.desired.metadata as { labels: unknown }).labels, {
    app: 'kubia',
    team: 'blue',
  });
  t.same((plan.patch?.metadata as { labels: unknown }).labels, { tier: null });
  const container = (plan.desired.spec as { containers: Record<string, unknown>[] }).containers[0];
  t.notOk(container && 'args' in container, 'args we applied before are removed');
  t.equal(container?.imagePullPolicy, 'IfNotPresent', 'a default nobody applied stays');
});

t.test(
  'without a last-applied annotation nothing is removed (kubectl patches it in)',
  async (t) => {
    const live = stored(pod({ labels: { app: 'kubia', extra: 'x' } }));
    const plan = planApply(withLastApplied(pod({ labels: { app: 'kubia' } })), live);
    t.same((plan.desired.metadata as { labels: unknown }).labels, { app: 'kubia', extra: 'x' });
    t.ok(
      (plan.patch?.metadata as { annotations: Record<string, string> }).annotations[
        LAST_APPLIED_ANNOTATION
      ],
    );
  },
);

t.test('keyed lists merge by key; others are replaced', async (t) => {
  const schema = { fields: { items: { mergeKey: 'name' }, tags: {} } };
  const merged = threeWayMerge(
    {
      items: [
        { name: 'a', v: 1 },
        { name: 'gone', v: 0 },
      ],
      tags: ['x'],
    },
    {
      items: [
        { name: 'b', v: 2 },
        { name: 'a', v: 3 },
      ],
      tags: ['y'],
    },
    {
      items: [
        { name: 'a', v: 1, d: true },
        { name: 'gone', v: 0 },
        { name: 'theirs', v: 9 },
      ],
      tags: ['x', 'z'],
    },
    schema,
  );
  t.same(merged, {
    items: [
      { name: 'b', v: 2 },
      { name: 'a', v: 3, d: true },
      { name: 'theirs', v: 9 },
    ],
    tags: ['y'],
  });
  const finalizers = threeWayMerge(
    { metadata: { finalizers: ['mine'] } },
    { metadata: { finalizers: ['new'] } },
    { metadata: { finalizers: ['mine', 'controller'] } },
    { fields: { metadata: { fields: { finalizers: { mergeKey: 'primitive' } } } } },
  );
  t.same(finalizers, { metadata: { finalizers: ['new', 'controller'] } });
  t.same(
    threeWayMerge({ a: 1 }, { a: null, b: 2 }, { a: 1, c: 3 }),
    { b: 2, c: 3 },
    'null deletes',
  );
});

t.test('merge patches are RFC 7386 diffs', async (t) => {
  t.same(
    createMergePatch({ a: 1, b: { c: 1, d: 2 }, e: [1] }, { a: 1, b: { c: 2 }, e: [1, 2], f: 'x' }),
    {
      b: { c: 2, d: null },
      e: [1, 2],
      f: 'x',
    },
  );
  t.same(createMergePatch({ a: { b: 1 } }, { a: { b: 1 } }), {});
});
