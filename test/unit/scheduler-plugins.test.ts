// The scheduler's plugins, one by one, on hand-built nodes and pods: the
// filters' verdicts and Kubernetes' reason strings, the request rules, and
// the scores' arithmetic.

import t from 'tap';
import type {
  Container,
  Node,
  NodeSelectorTerm,
  Pod,
  Taint,
} from '../../controlplane/api/generated/index.js';
import {
  balancedAllocation,
  createSnapshot,
  imageLocality,
  leastAllocated,
  nodeAffinityFilter,
  nodeAffinityScore,
  nodeResourcesFit,
  nodeUnschedulable,
  podInfo,
  podRequests,
  runtimeFit,
  selectorSpread,
  SKIP,
  taintTolerationFilter,
  taintTolerationScore,
  type FilterPlugin,
  type NodeInfo,
  type ScorePlugin,
  type Snapshot,
} from '../../scheduler/index.js';

interface NodeShape {
  cpu?: string;
  memory?: string;
  pods?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  ready?: 'True' | 'False' | 'Unknown' | 'absent';
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

function node(name: string, shape: NodeShape = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: shape.labels ?? {} },
    spec: { taints: shape.taints ?? [], unschedulable: shape.unschedulable ?? false },
    status: {
      allocatable: {
        cpu: shape.cpu ?? '4',
        memory: shape.memory ?? '8Gi',
        pods: shape.pods ?? '110',
        ...shape.extra,
      },
      conditions:
        shape.ready === 'absent' ? [] : [{ type: 'Ready', status: shape.ready ?? 'True' }],
      images: shape.images ?? [],
    },
  };
}

function container(requests?: Record<string, string>, limits?: Record<string, string>): Container {
  return {
    name: `c${Math.random().toString(36).slice(2, 7)}`,
    image: 'registry.local/app:v1',
    resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
  };
}

function pod(
  name: string,
  spec: Partial<Pod['spec']> = {},
  meta: Partial<Pod['metadata']> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...meta },
    spec: { containers: [container()], ...spec },
  };
}

function boundPod(name: string, nodeName: string, requests: Record<string, string>): Pod {
  return pod(name, { nodeName, containers: [container(requests)] });
}

/** Runs a filter plugin the way the framework does (prepare, then filter). */
function runFilter(
  plugin: FilterPlugin<unknown>,
  p: Pod,
  snapshot: Snapshot,
  nodeName: string,
): string[] | 'skip' {
  const info = podInfo(p);
  const state = plugin.prepare ? plugin.prepare(info, snapshot) : undefined;
  if (state === SKIP) return 'skip';
  const result = plugin.filter(info, snapshot.node(nodeName) as NodeInfo, snapshot, state);
  return result.ok ? [] : [...result.reasons];
}

/**
 * Scores and normalises every node of the snapshot with one plugin, by node
 * name; when the plugin has the batch form too, it must give the same.
 */
function runScore(
  plugin: ScorePlugin<unknown>,
  p: Pod,
  snapshot: Snapshot,
): Record<string, number> | 'skip' {
  const info = podInfo(p);
  const state = plugin.prepare ? plugin.prepare(info, snapshot) : undefined;
  if (state === SKIP) return 'skip';
  const nodes = snapshot.nodes;
  const scores = new Float64Array(nodes.length);
  nodes.forEach((n, i) => (scores[i] = plugin.score(info, n, snapshot, state)));
  if (plugin.scoreAll) {
    const batch = new Float64Array(nodes.length);
    nodes.forEach((n, i) => (n.scoreIndex = i));
    plugin.scoreAll(info, nodes, nodes.length, snapshot, state, batch);
    nodes.forEach((n) => (n.scoreIndex = -1));
    if (batch.join() !== scores.join())
      throw new Error(`${plugin.name}: scoreAll ${batch.join()} ≠ score ${scores.join()}`);
  }
  plugin.normalize?.(scores, nodes.length, state);
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i] as number]));
}

t.test(
  'pod requests: containers summed, init containers at their peak, limits as requests',
  async (t) => {
    const requests = (p: Pod) => {
      const r = podRequests(p.spec).requests;
      return { cpu: r.milliCpu, memory: r.memory };
    };
    t.same(
      requests(
        pod('p', {
          containers: [container({ cpu: '250m', memory: '64Mi' }), container({ cpu: '0.5' })],
        }),
      ),
      { cpu: 750, memory: 64 * 1024 ** 2 },
      'containers add up',
    );
    t.same(
      requests(
        pod('p', {
          initContainers: [container({ cpu: '2' }), container({ memory: '1Gi' })],
          containers: [container({ cpu: '500m', memory: '128Mi' }), container({ cpu: '500m' })],
        }),
      ),
      { cpu: 2000, memory: 1024 ** 3 },
      'per resource: the larger of the containers sum and the largest init container',
    );
    t.same(
      requests(
        pod('p', {
          initContainers: [
            { ...container({ cpu: '300m' }), restartPolicy: 'Always' },
            container({ cpu: '1' }),
          ],
          containers: [container({ cpu: '200m' })],
        }),
      ),
      { cpu: 1300, memory: 0 },
      'a sidecar runs beside later init containers and the app containers',
    );
    t.same(
      requests(pod('p', { containers: [container(undefined, { cpu: '2', memory: '1Gi' })] })),
      { cpu: 2000, memory: 1024 ** 3 },
      'a container with limits but no requests requests its limits',
    );
    t.same(
      requests(pod('p', { containers: [container({ cpu: '100m' }, { cpu: '2', memory: '1Gi' })] })),
      { cpu: 100, memory: 1024 ** 3 },
      'an explicit request wins over the limit; the limit fills in the missing resource',
    );
    t.same(
      requests(pod('p', { containers: [container({ cpu: '1' })], overhead: { cpu: '250m' } })),
      { cpu: 1250, memory: 0 },
      'the pod overhead is added',
    );
    const nonZero = podRequests(
      pod('p', { containers: [container(), container({ cpu: '1' })] }).spec,
    ).nonZero;
    t.same(
      [nonZero.milliCpu, nonZero.memory],
      [1100, 2 * 200 * 1024 ** 2],
      'for scoring, containers without cpu or memory requests count 100m and 200Mi each',
    );
  },
);

t.test(
  'NodeResourcesFit: requests against allocatable minus what bound pods request',
  async (t) => {
    const snapshot = createSnapshot(
      [
        node('small', {
          cpu: '1',
          memory: '1Gi',
          pods: '3',
          extra: { 'ephemeral-storage': '10Gi', 'example.com/gpu': '1' },
        }),
        node('full', { pods: '1' }),
      ],
      [
        boundPod('a', 'small', { cpu: '600m', memory: '512Mi' }),
        boundPod('b', 'full', {}),
        {
          ...boundPod('done', 'small', { cpu: '1', memory: '1Gi' }),
          status: { phase: 'Succeeded' },
        },
      ],
    );
    const fit = (p: Pod, n = 'small') => runFilter(nodeResourcesFit, p, snapshot, n);
    t.same(
      fit(pod('p', { containers: [container({ cpu: '400m', memory: '512Mi' })] })),
      [],
      'exactly what is left fits',
    );
    t.same(fit(pod('p', { containers: [container({ cpu: '401m' })] })), ['Insufficient cpu']);
    t.same(
      fit(pod('p', { containers: [container({ cpu: '2', memory: '2Gi' })] })),
      ['Insufficient cpu', 'Insufficient memory'],
      'every resource short is a reason',
    );
    t.same(fit(pod('p', { containers: [container({ 'ephemeral-storage': '11Gi' })] })), [
      'Insufficient ephemeral-storage',
    ]);
    t.same(fit(pod('p', { containers: [container({ 'example.com/gpu': '2' })] })), [
      'Insufficient example.com/gpu',
    ]);
    t.same(
      fit(pod('p', { containers: [container({ 'example.com/gpu': '1' })] })),
      [],
      'extended resources count',
    );
    t.same(fit(pod('p'), 'full'), ['Too many pods'], 'allocatable pods caps the node');
    t.same(
      fit(
        pod('p', {
          initContainers: [container({ cpu: '500m' })],
          containers: [container({ cpu: '100m' })],
        }),
      ),
      ['Insufficient cpu'],
      'the init container peak counts',
    );
    t.same(
      fit(pod('p', { containers: [container(undefined, { memory: '768Mi' })] })),
      ['Insufficient memory'],
      'limits count as requests',
    );
    t.same(fit(pod('p')), [], 'a pod requesting nothing fits while there is room for a pod');
  },
);

t.test('NodeUnschedulable: cordoned nodes refuse pods that do not tolerate it', async (t) => {
  const snapshot = createSnapshot([node('cordoned', { unschedulable: true }), node('open')]);
  t.same(runFilter(nodeUnschedulable, pod('p'), snapshot, 'cordoned'), [
    'node(s) were unschedulable',
  ]);
  t.same(runFilter(nodeUnschedulable, pod('p'), snapshot, 'open'), []);
  const tolerant = pod('p', {
    tolerations: [
      { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ],
  });
  t.same(runFilter(nodeUnschedulable, tolerant, snapshot, 'cordoned'), [], 'unless tolerated');
});

t.test(
  'TaintToleration: NoSchedule and NoExecute taints, the Ready condition as a taint',
  async (t) => {
    const snapshot = createSnapshot([
      node('gpu', { taints: [{ key: 'gpu', value: 'nvidia', effect: 'NoSchedule' }] }),
      node('evict', { taints: [{ key: 'maintenance', effect: 'NoExecute' }] }),
      node('soft', { taints: [{ key: 'spot', value: 'yes', effect: 'PreferNoSchedule' }] }),
      node('not-ready', { ready: 'False' }),
      node('unreachable', { ready: 'Unknown' }),
      node('new', { ready: 'absent' }),
      {
        ...node('pressed'),
        status: {
          ...node('pressed').status,
          conditions: [
            { type: 'Ready', status: 'True' },
            { type: 'DiskPressure', status: 'True' },
            { type: 'MemoryPressure', status: 'False' },
          ],
        },
      },
      node('control-plane', {
        taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
      }),
    ]);
    const filter = (p: Pod, n: string) => runFilter(taintTolerationFilter, p, snapshot, n);
    t.same(filter(pod('p'), 'gpu'), ['node(s) had untolerated taint {gpu: nvidia}']);
    t.same(filter(pod('p'), 'evict'), ['node(s) had untolerated taint {maintenance: }']);
    t.same(filter(pod('p'), 'soft'), [], 'PreferNoSchedule does not filter');
    t.same(filter(pod('p'), 'not-ready'), [
      'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    ]);
    t.same(filter(pod('p'), 'unreachable'), [
      'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
    ]);
    t.same(
      filter(pod('p'), 'new'),
      ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'],
      'no Ready condition yet: not ready',
    );
    t.same(
      filter(pod('p'), 'pressed'),
      ['node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }'],
      'a pressure condition counts as its taint',
    );
    t.same(filter(pod('p'), 'control-plane'), [
      'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    ]);

    const equal = pod('p', {
      tolerations: [{ key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' }],
    });
    t.same(filter(equal, 'gpu'), [], 'Equal with the value tolerates');
    const wrongValue = pod('p', { tolerations: [{ key: 'gpu', value: 'amd' }] });
    t.same(
      filter(wrongValue, 'gpu'),
      ['node(s) had untolerated taint {gpu: nvidia}'],
      'another value does not',
    );
    const wrongEffect = pod('p', {
      tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoExecute' }],
    });
    t.same(
      filter(wrongEffect, 'gpu'),
      ['node(s) had untolerated taint {gpu: nvidia}'],
      'another effect does not',
    );
    const everything = pod('p', { tolerations: [{ operator: 'Exists' }] });
    for (const name of ['gpu', 'evict', 'not-ready', 'control-plane'])
      t.same(
        filter(everything, name),
        [],
        `an empty key with Exists tolerates everything (${name})`,
      );
    const notReadyNoExecute = pod('p', {
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    });
    t.same(
      filter(notReadyNoExecute, 'not-ready'),
      ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'],
      'the default NoExecute toleration (300 s) does not let a pod onto a node that is not ready',
    );

    const scores = runScore(taintTolerationScore, pod('p'), snapshot) as Record<string, number>;
    t.equal(scores['soft'], 0, 'the node with an untolerated PreferNoSchedule taint scores lowest');
    t.equal(scores['gpu'], 100, 'nodes without PreferNoSchedule taints score highest');
    const tolerantScores = runScore(
      taintTolerationScore,
      pod('p', { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'PreferNoSchedule' }] }),
      snapshot,
    ) as Record<string, number>;
    t.equal(tolerantScores['soft'], 100, 'a tolerated PreferNoSchedule taint costs nothing');
  },
);

t.test('NodeAffinity: nodeSelector and required terms, every operator', async (t) => {
  const snapshot = createSnapshot([
    node('a', { labels: { zone: 'east', disk: 'ssd', cores: '8' } }),
    node('b', { labels: { zone: 'west', cores: '2' } }),
    node('c', { labels: { zone: 'north', cores: 'many' } }),
  ]);
  const matching = (spec: Partial<Pod['spec']>) =>
    ['a', 'b', 'c'].filter((n) => {
      const result = runFilter(nodeAffinityFilter, pod('p', spec), snapshot, n);
      return result === 'skip' || result.length === 0;
    });
  const reason = ["node(s) didn't match Pod's node affinity/selector"];
  t.equal(
    runFilter(nodeAffinityFilter, pod('p'), snapshot, 'a'),
    'skip',
    'no selector, no affinity: nothing to check',
  );
  t.same(
    matching({ nodeSelector: { zone: 'east', disk: 'ssd' } }),
    ['a'],
    'nodeSelector: every label equal',
  );
  t.same(
    runFilter(nodeAffinityFilter, pod('p', { nodeSelector: { zone: 'east' } }), snapshot, 'b'),
    reason,
  );
  const required = (...terms: NodeSelectorTerm[]) => ({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
      },
    },
  });
  const expr = (
    key: string,
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt',
    values?: string[],
  ) => ({
    matchExpressions: [{ key, operator, ...(values ? { values } : {}) }],
  });
  t.same(matching(required(expr('zone', 'In', ['east', 'west']))), ['a', 'b'], 'In');
  t.same(matching(required(expr('zone', 'NotIn', ['east']))), ['b', 'c'], 'NotIn');
  t.same(
    matching(required(expr('disk', 'NotIn', ['hdd']))),
    ['a', 'b', 'c'],
    'NotIn matches nodes without the label',
  );
  t.same(matching(required(expr('disk', 'Exists'))), ['a'], 'Exists');
  t.same(matching(required(expr('disk', 'DoesNotExist'))), ['b', 'c'], 'DoesNotExist');
  t.same(
    matching(required(expr('cores', 'Gt', ['4']))),
    ['a'],
    'Gt compares integers; a non-integer label never matches',
  );
  t.same(matching(required(expr('cores', 'Lt', ['4']))), ['b'], 'Lt');
  t.same(matching(required(expr('cores', 'Gt', ['four']))), [], 'a malformed Gt matches nothing');
  t.same(
    matching(
      required({
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['east', 'west'] },
          { key: 'cores', operator: 'Lt', values: ['4'] },
        ],
      }),
    ),
    ['b'],
    "a term's expressions are ANDed",
  );
  t.same(
    matching(required(expr('zone', 'In', ['east']), expr('zone', 'In', ['north']))),
    ['a', 'c'],
    'terms are ORed',
  );
  t.same(
    matching(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] })),
    ['c'],
    'matchFields on metadata.name',
  );
  t.same(
    matching(
      required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['c'] }] }),
    ),
    ['a', 'b'],
  );
  t.same(matching(required({})), [], 'an empty term matches nothing');
  t.same(
    matching({ nodeSelector: { zone: 'east' }, ...required(expr('zone', 'In', ['west'])) }),
    [],
    'nodeSelector and affinity must both match',
  );

  const preferred = runScore(
    nodeAffinityScore,
    pod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, preference: expr('zone', 'In', ['west']) },
            { weight: 30, preference: expr('cores', 'Gt', ['4']) },
          ],
        },
      },
    }),
    snapshot,
  );
  t.same(
    preferred,
    { a: 100, b: 33, c: 0 },
    'preferred terms: summed weights, normalised to the best',
  );
  t.equal(runScore(nodeAffinityScore, pod('p'), snapshot), 'skip');
});

t.test('RuntimeFit: runtimeClassName, else the image lookup, against node labels', async (t) => {
  const snapshot = createSnapshot(
    [
      node('wasm-only', { labels: { 'runtime.skiff.dev/wasm': 'true' } }),
      node('both', {
        labels: { 'runtime.skiff.dev/wasm': 'true', 'runtime.skiff.dev/docker': 'true' },
      }),
      node('none'),
    ],
    [],
    {
      imageRuntime: (image) =>
        image.startsWith('docker.io/') ? 'docker' : image.endsWith('.wasm:v1') ? 'wasm' : undefined,
    },
  );
  const check = (p: Pod) =>
    Object.fromEntries(
      ['wasm-only', 'both', 'none'].map((n) => [n, runFilter(runtimeFit, p, snapshot, n)]),
    );
  const dockerReason = ['node(s) didn\'t have the runtime "docker" the Pod\'s images need'];
  const wasmReason = ['node(s) didn\'t have the runtime "wasm" the Pod\'s images need'];
  t.same(check(pod('p', { runtimeClassName: 'docker' })), {
    'wasm-only': dockerReason,
    both: [],
    none: dockerReason,
  });
  t.same(check(pod('p', { runtimeClassName: 'wasm' })), {
    'wasm-only': [],
    both: [],
    none: wasmReason,
  });
  const image = (i: string): Container => ({ name: 'app', image: i });
  t.same(
    check(pod('p', { containers: [image('docker.io/library/nginx:1.25')] })),
    { 'wasm-only': dockerReason, both: [], none: dockerReason },
    'the lookup says what an image needs',
  );
  t.same(
    check(
      pod('p', { containers: [image('registry.local/app.wasm:v1'), image('docker.io/redis:7')] }),
    ),
    { 'wasm-only': dockerReason, both: [], none: wasmReason },
    'a pod needing both runtimes goes only where both are',
  );
  t.same(
    check(pod('p', { containers: [image('registry.local/unknown:v1')] })),
    { 'wasm-only': 'skip', both: 'skip', none: 'skip' },
    'an image the lookup does not know constrains nothing',
  );
  t.same(
    check(pod('p', { runtimeClassName: 'wasm', containers: [image('docker.io/redis:7')] })),
    { 'wasm-only': [], both: [], none: wasmReason },
    'runtimeClassName wins over the lookup',
  );
});

t.test('LeastAllocated and BalancedAllocation scores', async (t) => {
  const snapshot = createSnapshot(
    [node('empty', { cpu: '4', memory: '4Gi' }), node('busy', { cpu: '4', memory: '4Gi' })],
    [boundPod('x', 'busy', { cpu: '3', memory: '1Gi' })],
  );
  const p = pod('p', { containers: [container({ cpu: '1', memory: '1Gi' })] });
  // empty: cpu (4-1)/4 = 75, memory (4-1)/4 = 75 → 75; busy: cpu 0, memory 50 → 25.
  t.same(runScore(leastAllocated, p, snapshot), { empty: 75, busy: 25 });
  // empty: shares 0.25/0.25 → 100; busy: cpu 1.0, memory 0.5 → 100 × (1 − 0.25) = 75.
  t.same(runScore(balancedAllocation, p, snapshot), { empty: 100, busy: 75 });
  t.equal(
    runScore(balancedAllocation, pod('best-effort'), snapshot),
    'skip',
    'best-effort pods are not balanced',
  );
  t.same(
    runScore(leastAllocated, pod('best-effort'), snapshot),
    // 100m and 200Mi stand in for the missing requests: empty (3900/4000 → 97, 3896Mi/4096Mi → 95) → 96.
    { empty: 96, busy: 46 },
    'missing requests count as 100m / 200Mi when scoring',
  );
});

t.test('ImageLocality: nodes that have the images, scaled by their spread', async (t) => {
  const big = { names: ['registry.local/big:v1'], sizeBytes: 500 * 1024 * 1024 };
  const snapshot = createSnapshot([
    node('has', { images: [big, { names: ['busybox:latest'], sizeBytes: 5 * 1024 * 1024 }] }),
    node('also', { images: [big] }),
    node('lacks'),
    node('lacks-too'),
  ]);
  const p = pod('p', { containers: [{ name: 'a', image: 'registry.local/big:v1' }] });
  // 500 MB × 2/4 nodes = 250 MB; (250 − 23) / (1000 − 23) × 100 = 23.
  t.same(runScore(imageLocality, p, snapshot), { has: 23, also: 23, lacks: 0, 'lacks-too': 0 });
  t.same(
    runScore(imageLocality, pod('q', { containers: [{ name: 'a', image: 'busybox' }] }), snapshot),
    { has: 0, also: 0, lacks: 0, 'lacks-too': 0 },
    'an untagged image is looked up as :latest; below 23 MB scores 0',
  );
  t.equal(
    runScore(imageLocality, p, createSnapshot([node('n')])),
    'skip',
    'no node reports images: skipped',
  );
});

t.test('SelectorSpread: fewer pods of the same controller rank higher', async (t) => {
  const owner = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: 'web',
    uid: 'rs-1',
    controller: true,
  };
  const replica = (name: string, nodeName: string): Pod => ({
    ...boundPod(name, nodeName, {}),
    metadata: { name, namespace: 'default', ownerReferences: [owner] },
  });
  const snapshot = createSnapshot(
    [node('a'), node('b'), node('c')],
    [replica('w1', 'a'), replica('w2', 'a'), replica('w3', 'b'), boundPod('other', 'c', {})],
  );
  const next = pod('w4', {}, { ownerReferences: [owner] });
  t.same(runScore(selectorSpread, next, snapshot), { a: 0, b: 50, c: 100 });
  t.equal(
    runScore(selectorSpread, pod('loner'), snapshot),
    'skip',
    'pods without a controller are not spread',
  );
});
