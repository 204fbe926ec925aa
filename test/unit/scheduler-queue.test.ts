// The scheduling queue: which pod comes next, backoff after failures, and
// when unschedulable pods come back.

import t from 'tap';
import type { Pod } from '../../controlplane/api/generated/index.js';
import { SchedulingQueue } from '../../scheduler/loop/scheduling-queue.js';

function pod(name: string, priority?: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'app', image: 'app' }],
      ...(priority !== undefined ? { priority } : {}),
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function popKey(queue: SchedulingQueue): Promise<string | undefined> {
  return (await queue.pop())?.key;
}

const pending = new WeakMap<SchedulingQueue, Promise<string>>();

/** Resolves with the next pod's key, or 'nothing' if none comes within `ms` (the pop stays pending for the next call). */
async function popWithin(queue: SchedulingQueue, ms: number): Promise<string> {
  let next = pending.get(queue);
  if (!next) {
    next = popKey(queue).then((k) => k ?? 'closed');
    pending.set(queue, next);
  }
  const key = await Promise.race([next, sleep(ms).then(() => 'nothing')]);
  if (key !== 'nothing') pending.delete(queue);
  return key;
}

t.test('order: priority, then pods never tried, then first come first served', async (t) => {
  const clock = { now: 0 };
  const queue = new SchedulingQueue({ initialBackoffMs: 10, now: () => clock.now });
  t.teardown(() => queue.close());
  queue.add('a', pod('a'));
  queue.add('b', pod('b'));
  t.equal(await popKey(queue), 'a');
  queue.backoff('a');
  clock.now = 100; // past a's backoff: it is active again (on its next retry)
  queue.add('c', pod('c'));
  queue.add('urgent', pod('urgent', 1000));
  t.equal(await popKey(queue), 'urgent', 'higher priority first');
  t.equal(await popKey(queue), 'b');
  t.equal(await popKey(queue), 'c', 'a pod never tried goes before one being retried');
  queue.close();
});

t.test('backoff doubles per attempt; pods being scheduled are not handed out twice', async (t) => {
  const queue = new SchedulingQueue({ initialBackoffMs: 80, maxBackoffMs: 500 });
  t.teardown(() => queue.close());
  queue.add('a', pod('a'));
  t.equal(await popKey(queue), 'a');
  queue.add('a', pod('a')); // an update while in flight
  t.equal(await popWithin(queue, 10), 'nothing', 'in flight: not queued again by an update');
  queue.backoff('a');
  t.equal(await popWithin(queue, 20), 'nothing', 'backing off');
  t.equal(await popWithin(queue, 200), 'a', 'back after 80 ms from the attempt');
  const began = Date.now();
  queue.backoff('a');
  t.equal(await popWithin(queue, 500), 'a');
  const waited = Date.now() - began;
  t.ok(waited >= 150, `the second backoff is twice as long (${waited} ms)`);
  queue.close();
});

t.test('unschedulable pods wait for a change, or for the periodic retry', async (t) => {
  const queue = new SchedulingQueue({ initialBackoffMs: 1, unschedulableRetryMs: 150 });
  t.teardown(() => queue.close());
  queue.add('a', pod('a'));
  t.equal(await popKey(queue), 'a');
  queue.unschedulable('a');
  t.equal(await popWithin(queue, 30), 'nothing', 'parked');
  queue.add('a', pod('a'), false);
  t.equal(await popWithin(queue, 30), 'nothing', 'a status-only update does not wake it');
  queue.moveAll();
  t.equal(await popWithin(queue, 50), 'a', 'a cluster change does');

  queue.unschedulable('a');
  queue.add('a', pod('a'), true);
  t.equal(await popWithin(queue, 50), 'a', 'so does a change of its own spec');

  queue.unschedulable('a');
  const began = Date.now();
  t.equal(await popWithin(queue, 400), 'a', 'the periodic retry');
  t.ok(Date.now() - began >= 140, `after unschedulableRetryMs (${Date.now() - began} ms)`);

  queue.moveAll(); // while 'a' is in flight
  queue.unschedulable('a');
  t.equal(
    await popWithin(queue, 50),
    'a',
    'a change during the attempt retries it instead of parking it',
  );
  queue.close();
});

t.test('deleted pods leave; close ends pop', async (t) => {
  const queue = new SchedulingQueue();
  queue.add('a', pod('a'));
  queue.add('b', pod('b'));
  queue.delete('a');
  t.equal(queue.size, 1);
  t.equal(await popKey(queue), 'b');
  queue.done('b');
  t.equal(queue.size, 0);
  const waiting = queue.pop();
  queue.close();
  t.equal(await waiting, undefined, 'a waiting pop resolves with nothing');
  queue.add('c', pod('c'));
  t.equal(await queue.pop(), undefined, 'nothing is queued after close');
});
