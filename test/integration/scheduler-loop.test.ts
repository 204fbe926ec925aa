// The scheduler against the real API services on a MemoryStore: pods are
// bound and spread by their requests; a pod too big for every node stays
// Pending with kube-scheduler's condition, message and event, and is bound as
// soon as a node it fits on appears; cordoned nodes take nothing; freed room
// is used.

import t from 'tap';
import type { Test } from 'tap';
import type { ClusterApi, ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError, internalError } from '../../controlplane/api/errors.js';
import type { Event, Node, Pod } from '../../controlplane/api/generated/index.js';
import type { ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import { createApiServices, type ApiServices } from '../../controlplane/services/index.js';
import { MemoryStore } from '../../controlplane/store/index.js';
import { startScheduler } from '../../scheduler/index.js';

/** Wraps the pods client's bind, as a racing writer or a failing network would. */
type BindHook = (bind: ResourceClient['bind'], name: string, nodeName: string) => Promise<Status>;

function withBindHook(api: ApiServices, hook: BindHook): ClusterApi {
  return {
    resource<T extends KubeObject>(type: ResourceType): ResourceClient<T> {
      const client = api.resource<T>(type);
      if (type.plural !== 'pods') return client;
      return {
        ...client,
        bind: (name, nodeName, options) =>
          hook((n, node) => client.bind(n, node, options), name, nodeName),
      };
    },
  };
}

async function openCluster(
  t: Test,
  hook?: BindHook,
): Promise<{ api: ApiServices; errors: unknown[] }> {
  const store = new MemoryStore();
  const api = createApiServices({ store });
  await api.ready();
  const errors: unknown[] = [];
  const scheduler = startScheduler({
    api: hook ? withBindHook(api, hook) : api,
    onError: (error) => errors.push(error),
    retryBackoff: { initialMs: 20, maxMs: 100 },
  });
  t.teardown(async () => {
    await scheduler.stop();
    await store.close();
  });
  await scheduler.synced;
  return { api, errors };
}

/** Registers a Ready node with `cpu` and 4Gi, the way a node agent does: create, then status. */
async function addNode(api: ApiServices, name: string, cpu: string): Promise<Node> {
  const created = await api.nodes.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'runtime.skiff.dev/wasm': 'true' },
    },
  });
  return api.nodes.updateStatus({
    ...created,
    status: {
      capacity: { cpu, memory: '4Gi', pods: '110' },
      allocatable: { cpu, memory: '4Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
    },
  });
}

function pod(name: string, cpu: string, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.local/app:v1',
          resources: { requests: { cpu, memory: '64Mi' } },
        },
      ],
      ...extra,
    },
  };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function boundNode(api: ApiServices, name: string): Promise<string> {
  return until(`${name} to be bound`, async () => {
    const got = await api.pods.get(name, { namespace: 'default' });
    return got.spec?.nodeName || undefined;
  });
}

function scheduledCondition(p: Pod) {
  return p.status?.conditions?.find((c) => c.type === 'PodScheduled');
}

async function failedSchedulingEvents(api: ApiServices, name: string): Promise<Event[]> {
  const events = await api.events.list({ namespace: 'default' });
  return events.items.filter(
    (e) => e.involvedObject.name === name && e.reason === 'FailedScheduling',
  );
}

t.test('pods are bound, spread by their requests, and wait when nothing fits', async (t) => {
  const { api, errors } = await openCluster(t);
  for (const name of ['node-1', 'node-2', 'node-3']) await addNode(api, name, '2');

  for (let i = 0; i < 6; i++) await api.pods.create(pod(`web-${i}`, '1'));
  const placements = new Map<string, number>();
  for (let i = 0; i < 6; i++) {
    const nodeName = await boundNode(api, `web-${i}`);
    placements.set(nodeName, (placements.get(nodeName) ?? 0) + 1);
  }
  t.same(
    Object.fromEntries([...placements].sort()),
    { 'node-1': 2, 'node-2': 2, 'node-3': 2 },
    'six 1-cpu pods fill three 2-cpu nodes exactly',
  );
  const bound = await api.pods.get('web-0', { namespace: 'default' });
  t.equal(scheduledCondition(bound)?.status, 'True', 'PodScheduled=True');
  const scheduledEvents = (await api.events.list({ namespace: 'default' })).items.filter(
    (e) => e.reason === 'Scheduled' && e.involvedObject.name === 'web-0',
  );
  t.equal(
    scheduledEvents[0]?.message,
    `Successfully assigned default/web-0 to ${bound.spec?.nodeName}`,
  );

  // Too big for any node.
  await api.pods.create(pod('big', '3'));
  const message = '0/3 nodes are available: 3 Insufficient cpu.';
  const pending = await until('big to be reported unschedulable', async () => {
    const got = await api.pods.get('big', { namespace: 'default' });
    return scheduledCondition(got)?.status === 'False' ? got : undefined;
  });
  t.notOk(pending.spec?.nodeName, 'not bound');
  t.equal(pending.status?.phase, 'Pending', 'the rest of the status is kept');
  t.equal(pending.status?.qosClass, 'Burstable');
  t.match(scheduledCondition(pending), {
    type: 'PodScheduled',
    status: 'False',
    reason: 'Unschedulable',
    message,
  });
  const events = await until('a FailedScheduling event', async () => {
    const found = await failedSchedulingEvents(api, 'big');
    return found.length > 0 ? found : undefined;
  });
  t.equal(events.length, 1);
  t.match(events[0], {
    type: 'Warning',
    reason: 'FailedScheduling',
    message,
    source: { component: 'default-scheduler' },
    involvedObject: { kind: 'Pod', name: 'big', namespace: 'default', uid: pending.metadata.uid },
  });

  // A node change retries it; the same failure again counts on the same event.
  await api.nodes.patch('node-1', { metadata: { labels: { disk: 'ssd' } } }, 'merge');
  const counted = await until('the event to count 2', async () => {
    const found = await failedSchedulingEvents(api, 'big');
    return found.length === 1 && found[0]?.count === 2 ? found[0] : undefined;
  });
  t.equal(counted.message, message, 'a repeat of the same failure bumps the count of its event');

  await addNode(api, 'node-big', '8');
  t.equal(await boundNode(api, 'big'), 'node-big', 'bound once a big enough node appears');
  const rescheduled = await api.pods.get('big', { namespace: 'default' });
  t.equal(scheduledCondition(rescheduled)?.status, 'True', 'PodScheduled turns True');
  t.same(errors, [], 'no errors');
});

t.test('cordoned nodes take no pods; room freed by finished or deleted pods is used', async (t) => {
  const { api, errors } = await openCluster(t);
  await addNode(api, 'node-1', '2');
  const cordoned = await addNode(api, 'node-2', '8');
  await api.nodes.update({ ...cordoned, spec: { ...cordoned.spec, unschedulable: true } });

  for (let i = 0; i < 2; i++) await api.pods.create(pod(`a-${i}`, '1'));
  t.equal(await boundNode(api, 'a-0'), 'node-1');
  t.equal(await boundNode(api, 'a-1'), 'node-1', 'the cordoned node is left out though emptier');

  await api.pods.create(pod('waiting', '1'));
  const message = '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable.';
  await until('waiting to be unschedulable', async () => {
    const got = await api.pods.get('waiting', { namespace: 'default' });
    return scheduledCondition(got)?.message === message ? got : undefined;
  });

  // A pod on node-1 finishes: its cpu is free again.
  const done = await api.pods.get('a-0', { namespace: 'default' });
  await api.pods.updateStatus({ ...done, status: { ...done.status, phase: 'Succeeded' } });
  t.equal(await boundNode(api, 'waiting'), 'node-1', 'bound to the room a finished pod left');

  await api.pods.create(pod('next', '1'));
  await until('next to be unschedulable', async () => {
    const got = await api.pods.get('next', { namespace: 'default' });
    return scheduledCondition(got)?.status === 'False' ? got : undefined;
  });
  await api.pods.delete('a-1', { namespace: 'default', gracePeriodSeconds: 0 });
  t.equal(await boundNode(api, 'next'), 'node-1', 'bound to the room a deleted pod left');

  const latest = await api.nodes.get('node-2');
  await api.nodes.update({ ...latest, spec: { ...latest.spec, unschedulable: false } });
  await api.pods.create(pod('after-uncordon', '1'));
  t.equal(await boundNode(api, 'after-uncordon'), 'node-2', 'uncordoned: used again');
  t.same(errors, [], 'no errors');
});

t.test('pods for another scheduler, or already bound, are left alone', async (t) => {
  const { api } = await openCluster(t);
  await addNode(api, 'node-1', '4');
  await api.pods.create(pod('theirs', '1', { schedulerName: 'other-scheduler' }));
  await api.pods.create(pod('mine', '1'));
  t.equal(await boundNode(api, 'mine'), 'node-1');
  const theirs = await api.pods.get('theirs', { namespace: 'default' });
  t.notOk(theirs.spec?.nodeName, 'not bound');
  t.notOk(scheduledCondition(theirs), 'and not reported on');
});

t.test('a burst of pods is bound without overcommitting any node', async (t) => {
  const { api, errors } = await openCluster(t);
  for (let i = 0; i < 5; i++) await addNode(api, `node-${i}`, '4');
  // 5 nodes × 4 cpu = 20 slots of 1 cpu; 25 pods: 20 bound, 5 left waiting.
  await Promise.all(Array.from({ length: 25 }, (_, i) => api.pods.create(pod(`burst-${i}`, '1'))));
  const pods = await until('20 pods bound and 5 reported', async () => {
    const list = (await api.pods.list({ namespace: 'default' })).items;
    const bound = list.filter((p) => p.spec?.nodeName);
    const reported = list.filter((p) => scheduledCondition(p)?.status === 'False');
    return bound.length === 20 && reported.length === 5 ? list : undefined;
  });
  const perNode = new Map<string, number>();
  for (const p of pods)
    if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  t.same([...perNode.values()], [4, 4, 4, 4, 4], 'four pods on each node, never five');
  t.same(errors, [], 'no errors');
});

t.test(
  'a failed binding forgets its assumption and is retried; a lost race is accepted',
  async (t) => {
    let failures = 0;
    const { api, errors } = await openCluster(t, async (bind, name, nodeName) => {
      if (name === 'flaky' && failures++ < 2) throw internalError('etcdserver: request timed out');
      // Another scheduler wins the race for 'raced': this binding then gets 409.
      if (name === 'raced') await bind(name, 'node-2');
      return bind(name, nodeName);
    });
    await addNode(api, 'node-1', '2');
    await addNode(api, 'node-2', '2');
    const onNode1 = { nodeSelector: { 'kubernetes.io/hostname': 'node-1' } };

    await api.pods.create(pod('flaky', '1', onNode1));
    t.equal(await boundNode(api, 'flaky'), 'node-1');
    t.equal(failures, 3, 'bound at the third attempt');
    t.equal(errors.length, 2, 'each failure is reported');
    t.ok(errors.every((e) => e instanceof ApiError && e.code === 500));

    await api.pods.create(pod('raced', '1', onNode1));
    t.equal(await boundNode(api, 'raced'), 'node-2', 'the winner of the race keeps the pod');
    await api.pods.create(pod('last', '1', onNode1));
    t.equal(
      await boundNode(api, 'last'),
      'node-1',
      "the lost binding's assumption on node-1 was dropped",
    );
    await api.pods.create(pod('overflow', '1', onNode1));
    const message =
      "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector.";
    await until('overflow to be unschedulable', async () => {
      const got = await api.pods.get('overflow', { namespace: 'default' });
      return scheduledCondition(got)?.message === message ? got : undefined;
    });
    t.pass('node-1 holds exactly flaky and last');
    t.equal(errors.length, 2, 'a lost race is no error');
  },
);
