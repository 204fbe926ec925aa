// schedule(): the decision over a snapshot — where pods go, the exact
// "0/N nodes are available" messages, assume-driven spreading, seeded
// tie-breaks and how many nodes a large cluster examines.

import t from 'tap';
import type { Container, Node, Pod, Taint } from '../../controlplane/api/generated/index.js';
import {
  createFramework,
  createSnapshot,
  defaultProfile,
  numFeasibleNodesToFind,
  podInfo,
  schedule,
  type ScheduleFailure,
  type ScheduleResult,
  type ScheduleSuccess,
  type Snapshot,
} from '../../scheduler/index.js';

function node(
  name: string,
  shape: {
    cpu?: string;
    memory?: string;
    taints?: Taint[];
    ready?: 'True' | 'False';
    labels?: Record<string, string>;
  } = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...shape.labels } },
    spec: { taints: shape.taints ?? [] },
    status: {
      allocatable: { cpu: shape.cpu ?? '4', memory: shape.memory ?? '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: shape.ready ?? 'True' }],
    },
  };
}

function pod(
  name: string,
  requests: Record<string, string> = {},
  spec: Partial<Pod['spec']> = {},
  meta: Partial<Pod['metadata']> = {},
): Pod {
  const container: Container = {
    name: 'app',
    image: 'registry.local/app:v1',
    resources: { requests },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...meta },
    spec: { containers: [container], ...spec },
  };
}

function placed(result: ScheduleResult): string {
  if ('unschedulable' in result) throw new Error(`unschedulable: ${result.message}`);
  return result.nodeName;
}

function failure(result: ScheduleResult): ScheduleFailure {
  if (!('unschedulable' in result)) throw new Error(`scheduled to ${result.nodeName}`);
  return result;
}

/** Schedules `p` and assumes it where it went, as the loop does. */
function scheduleAndAssume(
  p: Pod,
  snapshot: Snapshot,
  framework = createFramework({ seed: 1 }),
): string {
  const info = podInfo(p);
  const nodeName = placed(schedule(info, snapshot, framework));
  snapshot.assumePod(info, nodeName);
  return nodeName;
}

t.test("the unschedulable message is kube-scheduler's", async (t) => {
  const snapshot = createSnapshot([
    node('small-1', { memory: '1Gi' }),
    node('small-2', { memory: '1Gi' }),
    node('control-plane', {
      memory: '64Gi',
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    }),
  ]);
  const result = failure(schedule(pod('big', { memory: '2Gi' }), snapshot));
  t.equal(
    result.message,
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory.',
    'reasons counted over nodes, "count reason" strings sorted as Go sorts them',
  );
  t.same(result.reasons, {
    'small-1': ['Insufficient memory'],
    'small-2': ['Insufficient memory'],
    'control-plane': ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
  });

  t.equal(
    failure(schedule(pod('huge', { cpu: '8', memory: '2Gi' }), snapshot)).message,
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu, 2 Insufficient memory.',
    'a node short of two resources counts under both',
  );

  const mixed = createSnapshot([
    node('a', { ready: 'False' }),
    node('b', { ready: 'False' }),
    node('c', { cpu: '1' }),
    { ...node('d'), spec: { unschedulable: true } },
  ]);
  t.equal(
    failure(schedule(pod('p', { cpu: '2' }), mixed)).message,
    '0/4 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable, 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.',
    'a node reports only its first failing filter; not-ready counts as a taint',
  );

  t.same(
    schedule(pod('p'), createSnapshot([])),
    { unschedulable: true, message: 'no nodes available to schedule pods', reasons: {} },
    'no nodes at all',
  );
});

t.test('pods go where they fit', async (t) => {
  const snapshot = createSnapshot([
    node('tainted', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }),
    node('plain'),
    node('labelled', { labels: { disk: 'ssd' } }),
  ]);
  t.equal(placed(schedule(pod('p', {}, { nodeSelector: { disk: 'ssd' } }), snapshot)), 'labelled');
  const tolerant = pod(
    'db',
    {},
    {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/hostname': 'tainted' },
    },
  );
  t.equal(placed(schedule(tolerant, snapshot)), 'tainted', 'a tolerated taint admits the pod');
  const cordoned = createSnapshot([
    { ...node('cordoned'), spec: { unschedulable: true } },
    node('open'),
  ]);
  for (let i = 0; i < 5; i++)
    t.equal(placed(schedule(pod(`p${i}`), cordoned)), 'open', 'a cordoned node is never chosen');
});

t.test('scores: emptier nodes, untainted nodes, spread replicas', async (t) => {
  const snapshot = createSnapshot([
    node('big', { cpu: '16', memory: '32Gi' }),
    node('small', { cpu: '2', memory: '4Gi' }),
  ]);
  t.equal(
    placed(schedule(pod('p', { cpu: '1', memory: '1Gi' }), snapshot)),
    'big',
    'least allocated wins',
  );
  const result = schedule(pod('p', { cpu: '1', memory: '1Gi' }), snapshot) as ScheduleSuccess;
  t.equal(result.scores.length, 2, 'every feasible node is scored');
  t.ok(
    (result.scores.find((s) => s.nodeName === 'big')?.score ?? 0) >
      (result.scores.find((s) => s.nodeName === 'small')?.score ?? 0),
    'the chosen node has the best total',
  );

  const soft = createSnapshot([
    node('spot', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }),
    node('regular'),
  ]);
  for (let i = 0; i < 5; i++)
    t.equal(placed(schedule(pod(`p${i}`), soft)), 'regular', 'PreferNoSchedule repels');

  const owner = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: 'web',
    uid: 'rs-1',
    controller: true,
  };
  const spread = createSnapshot([node('a'), node('b'), node('c')]);
  const nodes = [0, 1, 2].map((i) =>
    scheduleAndAssume(pod(`web-${i}`, {}, {}, { ownerReferences: [owner] }), spread),
  );
  t.same(
    [...nodes].sort(),
    ['a', 'b', 'c'],
    'replicas of one controller go to three different nodes',
  );

  const only = schedule(
    pod('p'),
    createSnapshot([node('one'), node('two', { ready: 'False' })]),
  ) as ScheduleSuccess;
  t.same(
    only,
    { nodeName: 'one', scores: [], evaluatedNodes: 2, feasibleNodes: 1 },
    'a single feasible node is not scored',
  );
});

t.test('assumed pods fill nodes: a burst does not overcommit', async (t) => {
  const snapshot = createSnapshot([
    node('a', { cpu: '2' }),
    node('b', { cpu: '2' }),
    node('c', { cpu: '2' }),
  ]);
  const placements = new Map<string, number>();
  for (let i = 0; i < 6; i++) {
    const name = scheduleAndAssume(pod(`p${i}`, { cpu: '1' }), snapshot);
    placements.set(name, (placements.get(name) ?? 0) + 1);
  }
  t.same(
    Object.fromEntries([...placements].sort()),
    { a: 2, b: 2, c: 2 },
    'two 1-cpu pods on each 2-cpu node',
  );
  t.equal(
    failure(schedule(pod('one-more', { cpu: '1' }), snapshot)).message,
    '0/3 nodes are available: 3 Insufficient cpu.',
  );
  snapshot.forgetPod('default/p0');
  t.ok(
    placed(schedule(pod('one-more', { cpu: '1' }), snapshot)),
    'a forgotten assumption frees its room',
  );
});

t.test('ties are broken at random, the same way for the same seed', async (t) => {
  const nodes = Array.from({ length: 10 }, (_, i) => node(`n${i}`));
  const picks = (seed: number) => {
    const snapshot = createSnapshot(nodes);
    const framework = createFramework({ seed });
    return Array.from({ length: 30 }, (_, i) =>
      placed(schedule(pod(`p${i}`), snapshot, framework)),
    );
  };
  const first = picks(42);
  t.same(picks(42), first, 'the same seed, the same choices');
  t.not(picks(7).join(), first.join(), 'another seed, other choices');
  t.ok(new Set(first).size > 3, `equal nodes share the pods (${new Set(first).size} of 10 chosen)`);
});

t.test('large clusters: only enough nodes are examined, round-robin', async (t) => {
  t.equal(numFeasibleNodesToFind(50), 50, 'below 100 nodes: all');
  t.equal(numFeasibleNodesToFind(1000), 420, '1,000 nodes: 50% − 8% = 42%');
  t.equal(numFeasibleNodesToFind(5000), 500, '5,000 nodes: 10%');
  t.equal(numFeasibleNodesToFind(100_000), 5000, 'never below 5%');
  t.equal(numFeasibleNodesToFind(150), 100, 'never fewer than 100');
  t.equal(numFeasibleNodesToFind(1000, 100), 1000, 'a profile can ask for every node');

  const snapshot = createSnapshot(Array.from({ length: 1000 }, (_, i) => node(`n${i}`)));
  const framework = createFramework({ seed: 1 });
  const first = schedule(pod('a'), snapshot, framework) as ScheduleSuccess;
  t.equal(first.evaluatedNodes, 420);
  t.equal(first.feasibleNodes, 420);
  t.equal(snapshot.nextStartNodeIndex, 420, 'the next cycle starts where this one stopped');
  schedule(pod('b'), snapshot, framework);
  schedule(pod('c'), snapshot, framework);
  t.equal(snapshot.nextStartNodeIndex, 260, 'and wraps around');
  const all = createFramework({ profile: defaultProfile({ percentageOfNodesToScore: 100 }) });
  t.equal((schedule(pod('d'), snapshot, all) as ScheduleSuccess).evaluatedNodes, 1000);

  const mostlyFull = createSnapshot(
    Array.from({ length: 1000 }, (_, i) => node(`n${i}`, { cpu: i % 10 === 0 ? '4' : '1' })),
  );
  const sparse = schedule(pod('p', { cpu: '2' }), mostlyFull, framework) as ScheduleSuccess;
  t.equal(sparse.feasibleNodes, 100, 'with few feasible nodes every node is examined');
  t.equal(sparse.evaluatedNodes, 1000);
});
