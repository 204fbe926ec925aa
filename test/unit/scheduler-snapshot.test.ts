// The snapshot kept up to date event by event: pods bound, assumed,
// confirmed, finished and deleted; nodes added, changed and removed.

import t from 'tap';
import type { Node, Pod } from '../../controlplane/api/generated/index.js';
import { podInfo, Snapshot } from '../../scheduler/index.js';

function node(name: string, cpu = '4', images: string[] = []): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      allocatable: { cpu, memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
      images: images.map((image) => ({ names: [image], sizeBytes: 100 * 1024 * 1024 })),
    },
  };
}

function pod(name: string, cpu: string, nodeName?: string, phase?: 'Running' | 'Succeeded'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: 'app', resources: { requests: { cpu } } }],
      ...(nodeName ? { nodeName } : {}),
    },
    ...(phase ? { status: { phase } } : {}),
  };
}

const cpuOf = (snapshot: Snapshot, name: string) => snapshot.node(name)?.requested.milliCpu;

t.test('pods count on their node while bound and running', async (t) => {
  const snapshot = new Snapshot();
  snapshot.setNode(node('a'));
  snapshot.setPod(pod('p', '500m', 'a'));
  snapshot.setPod(pod('p', '500m', 'a', 'Running'));
  t.equal(cpuOf(snapshot, 'a'), 500, 'an update does not count twice');
  t.equal(snapshot.node('a')?.pods.size, 1);
  snapshot.setPod(pod('q', '1', 'a'));
  t.equal(cpuOf(snapshot, 'a'), 1500);
  t.ok(snapshot.setPod(pod('p', '500m', 'a', 'Succeeded')), 'a finished pod is a change');
  t.equal(cpuOf(snapshot, 'a'), 1000, 'and frees its requests');
  t.ok(snapshot.removePod('default/q'));
  t.equal(cpuOf(snapshot, 'a'), 0);
  t.notOk(snapshot.removePod('default/q'), 'removing twice changes nothing');
  t.notOk(snapshot.setPod(pod('pending', '1')), 'an unbound pod counts nowhere');
});

t.test('assumed pods count until confirmed or forgotten', async (t) => {
  const snapshot = new Snapshot();
  snapshot.setNode(node('a'));
  snapshot.setNode(node('b'));
  snapshot.assumePod(podInfo(pod('p', '1')), 'a');
  t.ok(snapshot.isAssumed('default/p'));
  t.equal(cpuOf(snapshot, 'a'), 1000);
  t.ok(snapshot.forgetPod('default/p'));
  t.equal(cpuOf(snapshot, 'a'), 0, 'forgotten: freed');

  snapshot.assumePod(podInfo(pod('p', '1')), 'a');
  snapshot.setPod(pod('p', '1', 'a'));
  t.notOk(snapshot.isAssumed('default/p'), 'the bound pod from the API confirms the assumption');
  t.notOk(snapshot.forgetPod('default/p'), 'a confirmed pod is not forgotten');
  t.equal(cpuOf(snapshot, 'a'), 1000);

  snapshot.assumePod(podInfo(pod('r', '1')), 'a');
  snapshot.setPod(pod('r', '1', 'b'));
  t.same([cpuOf(snapshot, 'a'), cpuOf(snapshot, 'b')], [1000, 1000], 'bound elsewhere: moved');
});

t.test('nodes come and go; pods of an unknown node wait for it', async (t) => {
  const snapshot = new Snapshot();
  snapshot.setPod(pod('early', '1', 'late'));
  t.equal(snapshot.nodes.length, 0, 'a node known only from its pods is not schedulable');
  snapshot.setNode(node('late'));
  t.equal(cpuOf(snapshot, 'late'), 1000, 'its pods are counted once it appears');
  snapshot.setNode(node('other'));
  snapshot.setNode(node('third'));
  snapshot.nextStartNodeIndex = 2;
  snapshot.removeNode('third');
  t.same(snapshot.nodes.map((n) => n.name).sort(), ['late', 'other']);
  t.equal(snapshot.nextStartNodeIndex, 0, 'the round-robin start stays in range');
  snapshot.removeNode('late');
  t.equal(snapshot.node('late'), undefined);
  snapshot.setNode(node('late', '8'));
  t.equal(cpuOf(snapshot, 'late'), 1000, 'pods still bound to a node that came back still count');
  t.equal(snapshot.node('late')?.allocatable.milliCpu, 8000, 'the new allocatable is taken');
});

t.test('image spread is counted over nodes', async (t) => {
  const snapshot = new Snapshot();
  t.notOk(snapshot.hasImages);
  snapshot.setNode(node('a', '4', ['app:v1', 'db:v1']));
  snapshot.setNode(node('b', '4', ['app:v1']));
  t.same([snapshot.imageNodeCount('app:v1'), snapshot.imageNodeCount('db:v1')], [2, 1]);
  snapshot.setNode(node('b', '4', ['db:v1']));
  t.same(
    [snapshot.imageNodeCount('app:v1'), snapshot.imageNodeCount('db:v1')],
    [1, 2],
    'a node update recounts',
  );
  snapshot.removeNode('a');
  t.same([snapshot.imageNodeCount('app:v1'), snapshot.imageNodeCount('db:v1')], [0, 1]);
});

t.test('cordoned and PreferNoSchedule nodes are counted, so plugins can skip', async (t) => {
  const snapshot = new Snapshot();
  const cordoned = { ...node('a'), spec: { unschedulable: true } };
  const spot = {
    ...node('b'),
    spec: { taints: [{ key: 'spot', effect: 'PreferNoSchedule' as const }] },
  };
  snapshot.setNode(cordoned);
  snapshot.setNode(spot);
  t.same([snapshot.cordonedNodes, snapshot.nodesPreferringNoSchedule], [1, 1]);
  snapshot.setNode(cordoned);
  t.same(
    [snapshot.cordonedNodes, snapshot.nodesPreferringNoSchedule],
    [1, 1],
    'an update does not count twice',
  );
  snapshot.setNode(node('a'));
  t.equal(snapshot.cordonedNodes, 0, 'uncordoned');
  snapshot.removeNode('b');
  t.equal(snapshot.nodesPreferringNoSchedule, 0, 'removed');
});
