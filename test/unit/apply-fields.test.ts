// Server-side apply's logic without a server: field sets in Kubernetes'
// FieldsV1 form, merging an applied configuration, removal, update tracking
// and the ownership rules (conflicts, sharing, forcing).

import t from 'tap';
import { patchMetaFor } from '../../controlplane/api/patch-meta.js';
import {
  fieldsOf,
  fromFieldsV1,
  intersect,
  memberPaths,
  pathString,
  subtract,
  toFieldsV1,
} from '../../controlplane/services/apply/field-set.js';
import {
  trackedPart,
  type ManagerEntry,
} from '../../controlplane/services/apply/managed-fields.js';
import {
  changedFields,
  mergeApplied,
  removeFields,
  valueAt,
} from '../../controlplane/services/apply/object-fields.js';
import { applyConfiguration, recordUpdate } from '../../controlplane/services/apply/ownership.js';

const POD = patchMetaFor('Pod');
const stamp = { apiVersion: 'v1', time: '2026-01-01T00:00:00Z' };

function podSpec(containers: unknown[]): Record<string, unknown> {
  return { spec: { containers } };
}

t.test(
  'fieldsOf: fields, keyed items with `.`, set values, atomic lists, empty objects',
  async (t) => {
    const set = fieldsOf(
      {
        metadata: { labels: { app: 'web' }, finalizers: ['a'] },
        spec: {
          containers: [
            {
              name: 'main',
              args: ['x', 'y'],
              ports: [{ containerPort: 80 }],
              securityContext: {},
            },
          ],
        },
      },
      POD,
    );
    t.same(toFieldsV1(set), {
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"a"': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"main"}': {
            '.': {},
            'f:name': {},
            'f:args': {},
            'f:ports': {
              'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
            },
            'f:securityContext': {},
          },
        },
      },
    });
    const back = fromFieldsV1(toFieldsV1(set));
    t.ok(!('error' in back));
    if (!('error' in back)) t.same(toFieldsV1(back), toFieldsV1(set), 'FieldsV1 round trip');
    t.match(fromFieldsV1({ 'x:bad': {} }), { error: /unknown element "x:bad"/ });
    t.match(fromFieldsV1([]), { error: /must be an object/ });
  },
);

t.test('set operations and paths as Kubernetes prints them', async (t) => {
  const a = fieldsOf({ spec: { replicas: 1, paused: true } }, undefined);
  const b = fieldsOf({ spec: { replicas: 2 } }, undefined);
  t.same(toFieldsV1(subtract(a, b)), { 'f:spec': { 'f:paused': {} } });
  t.same(toFieldsV1(intersect(a, b)), { 'f:spec': { 'f:replicas': {} } });
  const paths = memberPaths(fieldsOf(podSpec([{ name: 'web', image: 'x' }]), POD)).map(pathString);
  t.same(paths, [
    '.spec.containers[name="web"]',
    '.spec.containers[name="web"].name',
    '.spec.containers[name="web"].image',
  ]);
  t.equal(
    pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']),
    '.spec.ports[port=80,protocol="TCP"]',
  );
  t.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
});

t.test('mergeApplied: keyed items merge, sets union, atomic values replace', async (t) => {
  const live = {
    metadata: { finalizers: ['a'] },
    spec: {
      containers: [
        { name: 'a', image: 'x', args: ['1'] },
        { name: 'b', image: 'y' },
      ],
    },
  };
  const applied = {
    metadata: { finalizers: ['b'] },
    spec: {
      containers: [
        { name: 'b', image: 'z', args: ['2'] },
        { name: 'c', image: 'w' },
      ],
    },
  };
  t.same(mergeApplied(live, applied, POD), {
    metadata: { finalizers: ['a', 'b'] },
    spec: {
      containers: [
        { name: 'a', image: 'x', args: ['1'] },
        { name: 'b', image: 'z', args: ['2'] },
        { name: 'c', image: 'w' },
      ],
    },
  });
  t.same(live.spec.containers[1], { name: 'b', image: 'y' }, 'the live object is not changed');
  const selector = patchMetaFor('Deployment');
  t.same(
    mergeApplied(
      { spec: { selector: { matchLabels: { a: '1' } } } },
      { spec: { selector: { matchLabels: { b: '2' } } } },
      selector,
    ),
    { spec: { selector: { matchLabels: { b: '2' } } } },
    'a label selector is atomic',
  );
  const dualStack = [
    { type: 'InternalIP', address: '10.0.0.2' },
    { type: 'InternalIP', address: 'fd00::2' },
  ];
  const node = patchMetaFor('Node');
  t.same(
    mergeApplied(
      { status: { addresses: [{ type: 'Hostname', address: 'n' }] } },
      { status: { addresses: dualStack } },
      node,
    ),
    { status: { addresses: dualStack } },
    "a node's addresses are one value (their keys repeat)",
  );
  t.same(toFieldsV1(fieldsOf({ status: { addresses: dualStack } }, node)), {
    'f:status': { 'f:addresses': {} },
  });
});

t.test('valueAt and removeFields follow keys and values', async (t) => {
  const object = {
    metadata: { finalizers: ['a', 'b'] },
    spec: {
      containers: [{ name: 'a', env: [{ name: 'X', value: '1' }], ports: [{ containerPort: 80 }] }],
    },
  };
  t.equal(
    valueAt(
      object,
      ['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:env', 'k:{"name":"X"}', 'f:value'],
      POD,
    ),
    '1',
  );
  t.same(
    valueAt(
      object,
      [
        'f:spec',
        'f:containers',
        'k:{"name":"a"}',
        'f:ports',
        'k:{"containerPort":80,"protocol":"TCP"}',
      ],
      POD,
    ),
    { containerPort: 80 },
    'a port without protocol is keyed by its default, TCP',
  );
  const removed = fromFieldsV1({
    'f:metadata': { 'f:finalizers': { 'v:"a"': {} } },
    'f:spec': {
      'f:containers': {
        'k:{"name":"a"}': {
          'f:env': { 'k:{"name":"X"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
        },
      },
    },
  });
  if ('error' in removed) throw new Error(removed.error);
  removeFields(object, removed, POD);
  t.same(
    object,
    {
      metadata: { finalizers: ['b'] },
      spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] },
    },
    'the item goes, the list left empty goes with it',
  );
});

t.test('changedFields: what an update added, changed and removed', async (t) => {
  const old = {
    metadata: { labels: { a: '1', b: '2' } },
    spec: podSpec([{ name: 'x', image: '1' }]).spec,
  };
  const next = {
    metadata: { labels: { a: '1', c: '3' } },
    spec: podSpec([
      { name: 'x', image: '2' },
      { name: 'y', image: '1' },
    ]).spec,
  };
  const { changed, removed } = changedFields(old, next, POD);
  t.same(toFieldsV1(changed), {
    'f:metadata': { 'f:labels': { 'f:c': {} } },
    'f:spec': {
      'f:containers': {
        'k:{"name":"x"}': { 'f:image': {} },
        'k:{"name":"y"}': { '.': {}, 'f:name': {}, 'f:image': {} },
      },
    },
  });
  t.same(toFieldsV1(removed), { 'f:metadata': { 'f:labels': { 'f:b': {} } } });
  const nothing = changedFields(old, structuredClone(old), POD);
  t.same([toFieldsV1(nothing.changed), toFieldsV1(nothing.removed)], [{}, {}]);
});

t.test('trackedPart: what managers own of a write', async (t) => {
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', uid: 'u', resourceVersion: '3', labels: { a: '1' } },
    spec: { x: 1 },
    status: { phase: 'Running' },
  };
  t.same(trackedPart(object, 'main'), { metadata: { labels: { a: '1' } }, spec: { x: 1 } });
  t.same(trackedPart(object, 'status'), { status: { phase: 'Running' } });
  t.same(trackedPart(object, 'whole'), {
    metadata: { labels: { a: '1' } },
    spec: { x: 1 },
    status: { phase: 'Running' },
  });
});

function entry(manager: string, operation: 'Apply' | 'Update', fields: object): ManagerEntry {
  const set = fromFieldsV1(fields);
  if ('error' in set) throw new Error(set.error);
  return { manager, operation, apiVersion: 'v1', time: 'earlier', subresource: '', fields: set };
}

t.test('recordUpdate: the writer takes what it changed from everyone', async (t) => {
  const entries = [
    entry('apply', 'Apply', { 'f:data': { 'f:a': {}, 'f:b': {} } }),
    entry('editor', 'Update', { 'f:data': { 'f:c': {} } }),
  ];
  const changes = changedFields(
    { data: { a: '1', b: '2', c: '3' } },
    { data: { a: '9', b: '2' } },
    undefined,
  );
  const after = recordUpdate(
    entries,
    changes,
    { manager: 'editor', operation: 'Update', subresource: '' },
    stamp,
  );
  t.same(
    after.map((e) => [e.manager, toFieldsV1(e.fields), e.time]),
    [
      ['apply', { 'f:data': { 'f:b': {} } }, 'earlier'],
      ['editor', { 'f:data': { 'f:a': {} } }, stamp.time],
    ],
  );
});

t.test('applyConfiguration: conflicts, sharing, forcing and removal', async (t) => {
  const live = { data: { a: '1', b: '2', c: '3' } };
  const input = {
    live,
    liveTracked: live,
    entries: [
      entry('me', 'Apply', { 'f:data': { 'f:a': {}, 'f:c': {} } }),
      entry('other', 'Update', { 'f:data': { 'f:b': {} } }),
    ],
    who: { manager: 'me', operation: 'Apply' as const, subresource: '' },
    stamp,
    force: false,
    meta: patchMetaFor('ConfigMap'),
    scope: 'whole' as const,
  };
  const sameValue = { data: { a: '1', b: '2' } };
  const shared = applyConfiguration({ ...input, applied: sameValue, appliedTracked: sameValue });
  t.same(
    shared.merged,
    { data: { a: '1', b: '2' } },
    'c is no longer applied and nobody else owns it',
  );
  t.same(
    shared.entries.map((e) => [e.manager, toFieldsV1(e.fields)]),
    [
      ['me', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
      ['other', { 'f:data': { 'f:b': {} } }],
    ],
    'b is shared',
  );

  const changing = { data: { a: '1', b: '5' } };
  t.throws(() => applyConfiguration({ ...input, applied: changing, appliedTracked: changing }), {
    name: 'ApiError',
    status: { code: 409, reason: 'Conflict' },
    message: 'Apply failed with 1 conflict: conflict with "other" using v1 at earlier: .data.b',
  });
  const forced = applyConfiguration({
    ...input,
    force: true,
    applied: changing,
    appliedTracked: changing,
  });
  t.same(forced.merged, { data: { a: '1', b: '5' } });
  t.same(
    forced.entries.map((e) => [e.manager, toFieldsV1(e.fields)]),
    [
      ['me', { 'f:data': { 'f:a': {}, 'f:b': {} } }],
      ['other', {}],
    ],
    'forcing empties the other entry (dropped when written)',
  );

  const two = { data: { a: '1', b: '5', d: '6' } };
  const input2 = {
    ...input,
    entries: [...input.entries, entry('third', 'Apply', { 'f:data': { 'f:d': {} } })],
  };
  t.throws(() => applyConfiguration({ ...input2, applied: two, appliedTracked: two }), {
    message:
      'Apply failed with 2 conflicts: conflicts with "other" using v1 at earlier:\n- .data.b\nconflicts with "third":\n- .data.d',
  });
});
