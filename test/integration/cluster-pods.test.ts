// Pods on a 3-node in-process cluster (sdk/embedded): scheduling by requests,
// the unschedulable message, restart policies and back-off, OOMKilled,
// liveness probes, init containers, graceful deletion and agent restarts.

import t from 'tap';
import type { Pod } from '../../controlplane/api/generated/index.js';
import { resourceTypeForKind, type ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import { KUBIA_IMAGE, podOf, testCluster } from '../helpers/cluster.js';

const cluster = await testCluster(t, { nodes: 3 });
const { pods } = cluster;
const events = cluster.api.resource<KubeObject>(resourceTypeForKind('Event') as ResourceType);
const main = (pod: Pod) => pod.status?.containerStatuses?.[0];

/** Polls `check` for up to 5 s. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function eventsFor(name: string): Promise<KubeObject[]> {
  const list = await events.list({ namespace: 'default' });
  return list.items.filter((e) => (e['involvedObject'] as { name?: string }).name === name);
}

t.test('requests spread pods over the nodes', async (t) => {
  // Each node offers as many cpus as this machine has: 60% of them fits once per node.
  const cpus = Number(cluster.nodes[0]?.node()?.status?.allocatable?.['cpu'] ?? '1');
  const request = `${Math.floor(cpus * 600)}m`;
  for (const name of ['spread-0', 'spread-1', 'spread-2']) {
    await pods.create(
      podOf(name, { args: ['sleep', '60'], resources: { requests: { cpu: request } } }),
    );
  }
  const placed = await Promise.all(
    ['spread-0', 'spread-1', 'spread-2'].map((name) =>
      cluster.waitForPod(name, (p) => p.status?.phase === 'Running'),
    ),
  );
  t.same(
    new Set(placed.map((p) => p.spec?.nodeName)),
    new Set(['skiff-node-0', 'skiff-node-1', 'skiff-node-2']),
    'one per node',
  );
  for (const pod of placed) {
    t.equal(main(pod)?.ready, true);
    t.match(pod.status?.podIP, /^10\.2(2[4-9]|3\d)\./);
    t.ok(pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True'));
  }
  t.equal(new Set(placed.map((p) => p.status?.podIP)).size, 3, 'distinct pod IPs');

  await pods.create(
    podOf(
      'too-big',
      { args: ['true'], resources: { requests: { cpu: request } } },
      { restartPolicy: 'Never' },
    ),
  );
  const pending = await cluster.waitForPod('too-big', (p) =>
    Boolean(p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False')),
  );
  const scheduled = pending.status?.conditions?.find((c) => c.type === 'PodScheduled');
  t.equal(pending.status?.phase, 'Pending');
  t.equal(scheduled?.reason, 'Unschedulable');
  t.equal(scheduled?.message, '0/3 nodes are available: 3 Insufficient cpu.');
  t.ok(
    await eventually(async () =>
      (await eventsFor('too-big')).some((e) => e['reason'] === 'FailedScheduling'),
    ),
    'a FailedScheduling event',
  );

  // A freed node lets it in.
  await pods.delete('spread-1', { namespace: 'default', gracePeriodSeconds: 0 });
  const bound = await cluster.waitForPod('too-big', (p) => p.status?.phase === 'Succeeded');
  t.ok(bound.spec?.nodeName);
  for (const name of ['spread-0', 'spread-2', 'too-big'])
    await pods.delete(name, { namespace: 'default', gracePeriodSeconds: 0 });
});

t.test('restartPolicy Never: Succeeded or Failed with the exit code', async (t) => {
  await pods.create(podOf('ok', { args: ['stress', '--exit', '0'] }, { restartPolicy: 'Never' }));
  await pods.create(podOf('bad', { args: ['stress', '--exit', '3'] }, { restartPolicy: 'Never' }));
  const ok = await cluster.waitForPod('ok', (p) => p.status?.phase === 'Succeeded');
  const bad = await cluster.waitForPod('bad', (p) => p.status?.phase === 'Failed');
  t.match(main(ok)?.state?.terminated, { exitCode: 0, reason: 'Completed' });
  t.match(main(bad)?.state?.terminated, { exitCode: 3, reason: 'Error' });
  t.equal(main(bad)?.restartCount, 0);
  t.match(
    bad.status?.conditions?.find((c) => c.type === 'Ready'),
    {
      status: 'False',
      reason: 'PodCompleted',
    },
  );
});

t.test(
  'a crashing container restarts with back-off: CrashLoopBackOff and restartCount',
  async (t) => {
    await pods.create(podOf('crash', { args: ['stress', '--stdout', 'crashing', '--exit', '3'] }));
    const looping = await cluster.waitForPod(
      'crash',
      (p) =>
        main(p)?.state?.waiting?.reason === 'CrashLoopBackOff' && (main(p)?.restartCount ?? 0) >= 2,
    );
    const status = main(looping);
    t.match(
      status?.state?.waiting?.message,
      /^back-off [\d.]+m?\d*s restarting failed container=main pod=crash_default\(/,
    );
    t.match(status?.lastState?.terminated, { exitCode: 3, reason: 'Error' });
    t.equal(looping.status?.phase, 'Running', 'a restarting pod is Running, as in Kubernetes');
    const reasons = (await eventsFor('crash')).map((e) => e['reason']);
    t.ok(reasons.includes('BackOff'), 'a BackOff event');
    t.ok(reasons.includes('Started'));
  },
);

t.test('a container over its memory limit is OOMKilled', async (t) => {
  await pods.create(
    podOf(
      'oom',
      { args: ['stress', '--grow-mib', '64'], resources: { limits: { memory: '16Mi' } } },
      { restartPolicy: 'Never' },
    ),
  );
  const pod = await cluster.waitForPod('oom', (p) => p.status?.phase === 'Failed');
  t.match(main(pod)?.state?.terminated, { exitCode: 137, reason: 'OOMKilled' });
});

t.test('a hung guest fails its liveness probe and is restarted', async (t) => {
  await pods.create(
    podOf('hung', {
      args: ['stress', '--spin'],
      livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
    }),
  );
  const restarted = await cluster.waitForPod('hung', (p) => (main(p)?.restartCount ?? 0) >= 1);
  t.ok(main(restarted)?.lastState?.terminated, 'the killed run is lastState');
  const reasons = (await eventsFor('hung')).map(
    (e) => `${String(e['reason'])}: ${String(e['message'])}`,
  );
  t.ok(
    reasons.some((r) => r.startsWith('Unhealthy: Liveness probe failed')),
    'Unhealthy event',
  );
  t.ok(
    reasons.some((r) => r === 'Killing: Container main failed liveness probe, will be restarted'),
  );
  await pods.delete('hung', { namespace: 'default', gracePeriodSeconds: 0 });
});

t.test('an HTTP server passes its probes; init containers run first', async (t) => {
  await pods.create(
    podOf(
      'web',
      {
        image: KUBIA_IMAGE,
        ports: [{ name: 'http', containerPort: 8080 }],
        // Probe times are scaled by 0.1 in these tests: 20 s is a 2 s timeout.
        readinessProbe: {
          httpGet: { path: '/', port: 'http' },
          periodSeconds: 1,
          timeoutSeconds: 20,
        },
        livenessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1, timeoutSeconds: 20 },
      },
      {
        initContainers: [
          { name: 'setup', image: 'skiff.test/busybox:1', args: ['echo', 'setting up'] },
        ],
      },
    ),
  );
  const pod = await cluster.waitForPod('web', (p) => main(p)?.ready === true);
  t.equal(pod.status?.phase, 'Running');
  t.match(pod.status?.initContainerStatuses?.[0]?.state?.terminated, {
    exitCode: 0,
    reason: 'Completed',
  });
  t.match(
    pod.status?.conditions?.find((c) => c.type === 'Initialized'),
    { status: 'True' },
  );
  t.equal(main(pod)?.restartCount, 0);
  t.match(main(pod)?.imageID, /^skiff\.test\/kubia@sha256:[0-9a-f]{64}$/);
  t.match(main(pod)?.containerID, /^wasm:\/\/[0-9a-f]{64}$/);

  // Graceful deletion: the object stays with a deletionTimestamp until the agent has stopped it.
  const deleting = (await pods.delete('web', {
    namespace: 'default',
    gracePeriodSeconds: 5,
  })) as Pod;
  t.ok(deleting.metadata.deletionTimestamp, 'deletionTimestamp set');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!(await pods.get('web', { namespace: 'default' }).catch(() => undefined))) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.notOk(await pods.get('web', { namespace: 'default' }).catch(() => undefined), 'gone');
  t.ok(
    await eventually(async () => (await eventsFor('web')).some((e) => e['reason'] === 'Killing')),
  );
});

t.test('a restarted agent re-adopts its pods: restarted once, same IP', async (t) => {
  await pods.create(podOf('sticky', { args: ['sleep', '600'] }, { nodeName: 'skiff-node-2' }));
  await pods.create(
    podOf('done', { args: ['echo', 'once'] }, { nodeName: 'skiff-node-2', restartPolicy: 'Never' }),
  );
  const before = await cluster.waitForPod('sticky', (p) => p.status?.phase === 'Running');
  const done = await cluster.waitForPod('done', (p) => p.status?.phase === 'Succeeded');
  const agent = cluster.nodes.find((n) => n.name === 'skiff-node-2');
  await agent?.stop();
  const again = await cluster.addNode('skiff-node-2');
  const after = await cluster.waitForPod(
    'sticky',
    (p) => (main(p)?.restartCount ?? 0) >= 1 && main(p)?.state?.running !== undefined,
  );
  t.equal(main(after)?.restartCount, 1, `restarted exactly once: ${JSON.stringify(main(after))}`);
  t.equal(after.status?.podIP, before.status?.podIP, 'same pod IP');
  // A pod that had ended is left as it ended: its container does not run again.
  const ended = await pods.get('done', { namespace: 'default' });
  t.equal(ended.status?.phase, 'Succeeded');
  t.equal(main(ended)?.restartCount, 0);
  t.equal(main(ended)?.containerID, main(done)?.containerID, 'the same (only) run');
  const bound = await pods.list({ fieldSelector: 'spec.nodeName=skiff-node-2' });
  t.equal(again.podCount(), bound.items.length, 'one worker per pod of the node');
  await pods.delete('sticky', { namespace: 'default', gracePeriodSeconds: 0 });
  await pods.delete('done', { namespace: 'default' });
  await cluster.waitForPod('done', () => false, 5_000).catch(() => undefined);
  t.notOk(
    await pods.get('done', { namespace: 'default' }).catch(() => undefined),
    'an ended pod is still deleted by its agent',
  );
});
