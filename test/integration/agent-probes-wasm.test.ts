// Probes against real guests: the kubia wasi:http component served by
// WasmRuntime in a VirtualPodNetwork, and exec probes whose commands are
// busybox.wasm guests started in the same pod.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import t from 'tap';
import type { Probe } from '../../controlplane/api/generated/index.js';
import type { ProbeState, ProbeTarget } from '../../runtime/agent/probes/index.js';
import { ProbeWorker, probeOnce } from '../../runtime/agent/probes/index.js';
import type { ContainerHandle, ContainerPort, PodSandbox } from '../../runtime/index.js';
import { WasmRuntime } from '../../runtime/index.js';
import { busybox, kubia } from '../helpers/images.js';
import { collect, specFor, testSandbox } from '../helpers/runtime.js';

const scratch = await mkdtemp(path.join(os.tmpdir(), 'skiff-probes-'));
t.teardown(() => rm(scratch, { recursive: true, force: true }));
const runtime = new WasmRuntime({ cacheDir: path.join(scratch, 'cache') });
t.teardown(() => runtime.close());
const kubiaImage = await kubia();
const busyboxImage = await busybox();

const kubiaPorts: ContainerPort[] = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }];

/** The exec commands the probes ran, with how each guest ended. */
interface Ran {
  readonly command: readonly string[];
  readonly exitCode: number;
}

/**
 * A ProbeTarget for a container of `sandbox` whose /tmp is `tmp` on the host:
 * exec starts the command as a busybox.wasm guest in the same pod with the same
 * mount, as the agent does with the container's image and mounts, and kills it
 * when the probe gives up on it.
 */
function targetIn(sandbox: PodSandbox, ran: Ran[] = [], tmp = scratch): ProbeTarget {
  return {
    podIP: sandbox.network.podIP,
    network: sandbox.network,
    ports: kubiaPorts,
    async exec(command, _timeoutMs, signal) {
      const mounts = [{ guestPath: '/tmp', hostPath: tmp, readOnly: false }];
      const spec = specFor(busyboxImage, [], { command, mounts });
      const handle = await runtime.start(spec, sandbox, signal);
      const kill = (): void => void handle.stop({ signal: 'SIGKILL' });
      signal.addEventListener('abort', kill, { once: true });
      try {
        const { result, stdout, stderr } = await collect(handle);
        ran.push({ command, exitCode: result.exitCode });
        return { exitCode: result.exitCode, output: stdout + stderr };
      } finally {
        signal.removeEventListener('abort', kill);
      }
    },
  };
}

async function startKubia(t: Test, sandbox: PodSandbox): Promise<ContainerHandle> {
  const handle = await runtime.start(specFor(kubiaImage, [], { ports: kubiaPorts }), sandbox);
  t.teardown(() => handle.stop({ signal: 'SIGKILL' }));
  return handle;
}

t.test('httpGet on kubia’s named port succeeds and kubia logs the probe', async (t) => {
  const sandbox = testSandbox('kubia-0');
  const kubia = await startKubia(t, sandbox);
  const target = targetIn(sandbox);
  // A fresh runtime's first request boots pool workers for kubia: 0.5-1.2 s
  // measured on a loaded 2-core machine, near the default 1 s timeout (a
  // readiness probe would just say "not ready" once); later ones take ~40 ms.
  const first: Probe = { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 60 };
  t.same(await probeOnce(first, target), { success: true }, 'the first, cold request');
  t.same(await probeOnce({ httpGet: { path: '/healthz', port: 'http' } }, target), {
    success: true,
  });
  t.same(await probeOnce({ tcpSocket: { port: 8080 } }, target), { success: true });
  await kubia.stop();
  const { stdout } = await collect(kubia);
  t.match(stdout, /GET \/healthz/, 'the request reached the guest');
});

t.test('tcpSocket on a port nobody listens on in the pod is refused', async (t) => {
  const sandbox = testSandbox('kubia-1');
  await startKubia(t, sandbox);
  t.same(await probeOnce({ tcpSocket: { port: 9090 } }, targetIn(sandbox)), {
    success: false,
    message: 'dial tcp 10.244.0.10:9090: connect: connection refused',
  });
});

t.test('a readiness worker follows kubia: ready while it serves, not once stopped', async (t) => {
  const sandbox = testSandbox('kubia-2');
  const kubia = await startKubia(t, sandbox);
  const changes: ProbeState[] = [];
  let changed: () => void = () => undefined;
  const worker = new ProbeWorker({
    kind: 'readiness',
    // Periods of 100 ms; the timeout is left at 1 s (10 s scaled) for a loaded machine.
    probe: {
      httpGet: { path: '/', port: 8080 },
      periodSeconds: 1,
      timeoutSeconds: 10,
      failureThreshold: 2,
    },
    target: targetIn(sandbox),
    timeScale: 0.1,
    onResult: (state) => {
      changes.push(state);
      changed();
    },
  });
  t.teardown(() => worker.stop());
  const next = (): Promise<void> => new Promise((resolve) => (changed = resolve));
  const ready = next();
  worker.start();
  await ready;
  t.same(changes, [{ status: 'success', consecutiveFailures: 0 }], 'ready');
  const notReady = next();
  await kubia.stop();
  await notReady;
  t.same(changes[1], {
    status: 'failure',
    consecutiveFailures: 2,
    message:
      'Get "http://10.244.0.10:8080/": dial tcp 10.244.0.10:8080: connect: connection refused',
  });
});

t.test('exec probes run busybox guests: true, false, cat, a sleep past the timeout', async (t) => {
  const sandbox = testSandbox('checker-0');
  const tmp = path.join(scratch, 'checker-0-tmp');
  await mkdir(tmp);
  const ran: Ran[] = [];
  const target = targetIn(sandbox, ran, tmp);
  // 5 s: a guest starts in ~1 ms warm, but the first one boots a worker.
  const exec = (...command: string[]): Probe => ({ exec: { command }, timeoutSeconds: 5 });
  t.same(await probeOnce(exec('true'), target), { success: true });
  t.same(await probeOnce(exec('false'), target), {
    success: false,
    message: 'command "false" exited with 1',
  });
  // Kubernetes' own liveness example: healthy while /tmp/healthy exists.
  t.same(await probeOnce(exec('cat', '/tmp/healthy'), target), {
    success: false,
    message:
      'command "cat /tmp/healthy" exited with 1: cat: /tmp/healthy: No such file or directory',
  });
  await writeFile(path.join(tmp, 'healthy'), 'ok\n');
  t.same(await probeOnce(exec('cat', '/tmp/healthy'), target), { success: true });

  const started = performance.now();
  t.same(await probeOnce({ exec: { command: ['sleep', '10'] }, timeoutSeconds: 1 }, target), {
    success: false,
    message: 'command "sleep 10" timed out',
  });
  t.ok(performance.now() - started < 2000, 'the probe did not wait for the command');
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.same(ran.at(-1), { command: ['sleep', '10'], exitCode: 137 }, 'the guest was killed');
});

t.test('a liveness worker with an exec probe fails after failureThreshold failures', async (t) => {
  const sandbox = testSandbox('checker-1');
  const ran: Ran[] = [];
  let failed: (state: ProbeState) => void = () => undefined;
  const failure = new Promise<ProbeState>((resolve) => (failed = resolve));
  const worker = new ProbeWorker({
    kind: 'liveness',
    probe: { exec: { command: ['false'] }, periodSeconds: 1, timeoutSeconds: 30 },
    target: targetIn(sandbox, ran),
    timeScale: 0.1,
    onResult: (state) => {
      if (state.status === 'failure') failed(state);
    },
  });
  t.teardown(() => worker.stop());
  worker.start();
  t.same(await failure, {
    status: 'failure',
    consecutiveFailures: 3,
    message: 'command "false" exited with 1',
  });
  t.equal(ran.length, 3, 'three guests ran, the default failureThreshold');
});
