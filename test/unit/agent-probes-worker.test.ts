// ProbeWorker: the kubelet prober worker's schedule, thresholds and state
// transitions, with periods shrunk by timeScale. Attempts are exec probes whose
// exit codes follow a script, or tcpSocket probes against a VirtualPodNetwork.

import type { Test } from 'tap';
import t from 'tap';
import type { Probe } from '../../controlplane/api/generated/index.js';
import type {
  ProbeKind,
  ProbeResult,
  ProbeState,
  ProbeTarget,
} from '../../runtime/agent/probes/index.js';
import { ProbeWorker, probeEvent } from '../../runtime/agent/probes/index.js';
import { VirtualPodNetwork } from '../../runtime/index.js';

/** 1 s of probe time is 20 ms of test time. */
const SCALE = 0.02;

interface Run {
  readonly worker: ProbeWorker;
  /** Every state onResult was called with. */
  readonly changes: ProbeState[];
  /** Every attempt's result, with when it ended (ms after start()). */
  readonly attempts: { result: ProbeResult; at: number }[];
  /** Resolves once `count` attempts were made. */
  attempted(count: number): Promise<void>;
}

/** A target whose exec answers with the scripted exit codes, then repeats the last. */
function scripted(exitCodes: number[]): ProbeTarget {
  let next = 0;
  return {
    podIP: '10.244.2.3',
    network: new VirtualPodNetwork('10.244.2.3'),
    exec: async () => {
      const exitCode = exitCodes[Math.min(next++, exitCodes.length - 1)] ?? 0;
      return { exitCode, output: exitCode === 0 ? '' : `exit ${exitCode}` };
    },
  };
}

function run(
  t: Test,
  kind: ProbeKind,
  probe: Probe,
  target: ProbeTarget,
  extra: { timeScale?: number; containerStartedAt?: Date } = {},
): Run {
  const changes: ProbeState[] = [];
  const attempts: { result: ProbeResult; at: number }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let startedAt = 0;
  const worker = new ProbeWorker({
    kind,
    probe,
    target,
    timeScale: extra.timeScale ?? SCALE,
    ...(extra.containerStartedAt ? { containerStartedAt: extra.containerStartedAt } : {}),
    onResult: (state) => changes.push(state),
    onAttempt: (result) => {
      attempts.push({ result, at: performance.now() - startedAt });
      for (const waiter of waiters) if (attempts.length >= waiter.count) waiter.resolve();
    },
  });
  t.teardown(() => worker.stop());
  startedAt = performance.now();
  worker.start();
  return {
    worker,
    changes,
    attempts,
    attempted: (count) =>
      new Promise((resolve) => {
        if (attempts.length >= count) resolve();
        else waiters.push({ count, resolve });
      }),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const check: Probe = { exec: { command: ['check'] }, periodSeconds: 1 };

t.test('readiness starts not ready and turns ready on the first success', async (t) => {
  const probe = run(t, 'readiness', check, scripted([0]));
  t.same(probe.worker.state, { status: 'failure', consecutiveFailures: 0 }, 'not ready at first');
  await probe.attempted(3);
  t.same(probe.changes, [{ status: 'success', consecutiveFailures: 0 }], 'one change, when ready');
  t.equal(probe.worker.state.status, 'success');
});

t.test('liveness starts unknown and fails after failureThreshold failures in a row', async (t) => {
  const probe = run(t, 'liveness', check, scripted([0, 1, 1, 0, 1, 1, 1, 0]));
  t.same(probe.worker.state, { status: 'unknown', consecutiveFailures: 0 });
  await probe.attempted(7);
  t.same(probe.changes, [
    { status: 'success', consecutiveFailures: 0 },
    { status: 'failure', consecutiveFailures: 3, message: 'command "check" exited with 1: exit 1' },
  ]);
  await sleep(200);
  t.equal(probe.attempts.length, 7, 'a failed liveness probe holds until the container restarts');
});

t.test('the failure threshold counts only consecutive failures', async (t) => {
  const probe = run(
    t,
    'readiness',
    { ...check, failureThreshold: 2 },
    scripted([0, 1, 0, 1, 0, 1, 1]),
  );
  await probe.attempted(7);
  t.same(
    probe.changes.map((state) => state.status),
    ['success', 'failure'],
  );
  t.same(
    probe.attempts.map((attempt) => attempt.result.success),
    [true, false, true, false, true, false, false],
  );
  t.equal(probe.worker.state.consecutiveFailures, 2);
});

t.test(
  'readiness needs successThreshold successes in a row, and goes back and forth',
  async (t) => {
    const probe = run(
      t,
      'readiness',
      { ...check, successThreshold: 2, failureThreshold: 1 },
      scripted([0, 1, 0, 0, 1, 0, 0]),
    );
    await probe.attempted(7);
    t.same(
      probe.changes.map((state) => state.status),
      ['success', 'failure', 'success'],
    );
    t.same(probe.changes[1], {
      status: 'failure',
      consecutiveFailures: 1,
      message: 'command "check" exited with 1: exit 1',
    });
  },
);

t.test(
  'liveness and startup probes succeed on one success, whatever successThreshold says',
  async (t) => {
    const probe = run(t, 'liveness', { ...check, successThreshold: 3 }, scripted([0]));
    await probe.attempted(1);
    t.equal(probe.worker.state.status, 'success');
  },
);

t.test('a startup probe stops probing once it succeeded', async (t) => {
  const probe = run(t, 'startup', { ...check, failureThreshold: 30 }, scripted([1, 1, 0]));
  await probe.attempted(3);
  t.same(
    probe.changes.map((state) => state.status),
    ['success'],
  );
  await sleep(200);
  t.equal(probe.attempts.length, 3, 'liveness and readiness take over from here');
});

t.test('attempts come every periodSeconds after initialDelaySeconds', async (t) => {
  // 5 s of delay and 2 s periods: 250 ms, then every 100 ms.
  const probe = run(
    t,
    'readiness',
    { ...check, initialDelaySeconds: 5, periodSeconds: 2 },
    scripted([0]),
    { timeScale: 0.05 },
  );
  await sleep(200);
  t.equal(probe.attempts.length, 0, 'nothing during the initial delay');
  t.equal(probe.worker.state.status, 'failure', 'still not ready');
  await probe.attempted(4);
  const [first, , , fourth] = probe.attempts.map((attempt) => attempt.at);
  t.ok(first !== undefined && first >= 245, `first attempt at ${Math.round(first ?? 0)} ms`);
  const spacing = ((fourth ?? 0) - (first ?? 0)) / 3;
  t.ok(spacing >= 95 && spacing < 300, `attempts ${Math.round(spacing)} ms apart`);
});

t.test('the initial delay counts from when the container started', async (t) => {
  const probe = run(t, 'readiness', { ...check, initialDelaySeconds: 10 }, scripted([0]), {
    timeScale: 0.05,
    containerStartedAt: new Date(Date.now() - 10_000),
  });
  await probe.attempted(1);
  t.ok((probe.attempts[0]?.at ?? Infinity) < 200, 'a container up for long is probed at once');
});

t.test('timeScale shrinks timeouts too', async (t) => {
  const hanging: ProbeTarget = {
    ...scripted([0]),
    exec: (_command, _timeoutMs, signal) =>
      new Promise((resolve) =>
        signal.addEventListener('abort', () => resolve({ exitCode: 137, output: '' })),
      ),
  };
  const probe = run(t, 'liveness', { ...check, timeoutSeconds: 2, failureThreshold: 1 }, hanging);
  await probe.attempted(1);
  t.ok((probe.attempts[0]?.at ?? Infinity) < 500, 'a 2 s timeout took 40 ms');
  t.same(probe.changes, [
    { status: 'failure', consecutiveFailures: 1, message: 'command "check" timed out' },
  ]);
});

t.test('tcpSocket: readiness follows a port that opens and closes', async (t) => {
  const network = new VirtualPodNetwork('10.244.2.4');
  const target: ProbeTarget = {
    podIP: network.podIP,
    network,
    exec: () => Promise.reject(new Error('unused')),
  };
  const probe = run(
    t,
    'readiness',
    { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
    target,
  );
  await probe.attempted(2);
  t.equal(probe.worker.state.status, 'failure');
  t.equal(probe.worker.state.message, 'dial tcp 10.244.2.4:8080: connect: connection refused');
  const binding = network.listen(8080, (socket) => socket.destroy());
  await probe.attempted(probe.attempts.length + 1);
  t.equal(probe.worker.state.status, 'success', 'ready once the port listens');
  binding.close();
  await probe.attempted(probe.attempts.length + 2);
  t.equal(probe.worker.state.status, 'failure', 'not ready after two refused connections');
  t.same(
    probe.changes.map((state) => state.status),
    ['success', 'failure'],
  );
});

t.test(
  'stop() stops: no attempt and no callback afterwards, an attempt in flight is abandoned',
  async (t) => {
    const probe = run(t, 'readiness', check, scripted([0]));
    await probe.attempted(2);
    probe.worker.stop();
    const count = probe.attempts.length;
    await sleep(150);
    t.equal(probe.attempts.length, count, 'no more attempts');

    let aborted = false;
    const hanging: ProbeTarget = {
      ...scripted([0]),
      exec: (_command, _timeoutMs, signal) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ exitCode: 0, output: '' });
          }),
        ),
    };
    const slow = run(t, 'liveness', { ...check, timeoutSeconds: 10 }, hanging, { timeScale: 1 });
    await sleep(50);
    slow.worker.stop();
    await sleep(50);
    t.ok(aborted, 'the running command was told to end');
    t.same(slow.attempts, [], 'its result is not reported');
    t.same(slow.changes, []);
    t.equal(slow.worker.state.status, 'unknown');
    slow.worker.start();
    await sleep(50);
    t.same(slow.attempts, [], 'a stopped worker does not start again');
  },
);

t.test('probeEvent: the kubelet’s events for attempts', async (t) => {
  t.same(
    probeEvent('liveness', { success: false, message: 'HTTP probe failed with statuscode: 500' }),
    {
      type: 'Warning',
      reason: 'Unhealthy',
      message: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
    },
  );
  t.same(
    probeEvent('readiness', {
      success: true,
      warning: true,
      message: 'Probe terminated redirects, Response status code: 302',
    }),
    {
      type: 'Warning',
      reason: 'ProbeWarning',
      message: 'Readiness probe warning: Probe terminated redirects, Response status code: 302',
    },
  );
  t.equal(probeEvent('startup', { success: true }), undefined);
});
