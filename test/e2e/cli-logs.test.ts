// `skiff logs` (and kubectl logs) as a user runs them against `skiff
// controlplane`: the control plane proxies pods/log to a node agent's server
// (started here, with the node token the control plane made) and the CLI
// prints the log, follows it, and reports failures as kubectl does.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { Pod } from '../../controlplane/api/generated/pod.js';
import type { ContainerLogRef } from '../../runtime/agent/logs/index.js';
import { finished, skiff, startSkiff } from '../helpers/cli.js';
import { startControlPlane } from '../helpers/controlplane.js';
import { startTestNodeAgent } from '../helpers/pod-logs.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

const controlPlane = await startControlPlane();
t.teardown(() => controlPlane.stop());
const nodeToken = (await readFile(path.join(controlPlane.dataDir, 'node-token'), 'utf8')).trim();
const node = await startTestNodeAgent(t, { token: nodeToken });

async function create(urlPath: string, object: unknown): Promise<Pod> {
  const response = await controlPlane.request('POST', urlPath, object);
  if (response.status !== 201) throw new Error(`POST ${urlPath}: ${await response.text()}`);
  return (await response.json()) as Pod;
}

/** Creates a pod, binds it to the node unless `pending`, and tells the node it runs it. */
async function runPod(name: string, containers: string[], pending = false): Promise<Pod> {
  const created = await create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: containers.map((c) => ({ name: c, image: `registry.local/${c}:v1` })) },
  });
  if (!pending) {
    const bound = await controlPlane.request(
      'POST',
      `/api/v1/namespaces/default/pods/${name}/binding`,
      {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name },
        target: { kind: 'Node', name: 'node-1' },
      },
    );
    if (bound.status !== 201) throw new Error(`binding ${name}: ${await bound.text()}`);
  }
  node.pods.set(`default/${name}`, { uid: created.metadata.uid ?? '', containers });
  return created;
}

const refOf = (pod: Pod, container: string): ContainerLogRef => ({
  namespace: 'default',
  pod: pod.metadata.name ?? '',
  podUid: pod.metadata.uid ?? '',
  container,
});

await create('/api/v1/nodes', node.node('node-1'));
const x = await runPod('x', ['main']);
const writer = node.store.open(refOf(x, 'main'), 0);
for (const line of ['one\n', 'two\n', 'three\n']) {
  writer.write({
    stream: 'stdout',
    data: Buffer.from(line),
    time: new Date('2024-05-01T10:00:00Z'),
  });
}

const logs = (...args: string[]) =>
  skiff(['logs', '--kubeconfig', controlPlane.kubeconfig, ...args]);

t.test('skiff logs prints the log; --tail and --timestamps as kubectl', async (t) => {
  const all = await logs('pod/x');
  t.equal(all.code, 0, all.stderr);
  t.equal(all.stdout, 'one\ntwo\nthree\n');
  const tail = await logs('x', '--tail', '1');
  t.equal(tail.stdout, 'three\n', tail.stderr);
  const stamped = await logs('x', '--tail=2', '--timestamps');
  t.equal(
    stamped.stdout,
    '2024-05-01T10:00:00.000000000Z two\n2024-05-01T10:00:00.000000000Z three\n',
  );
  const named = await logs('x', '-c', 'main', '--limit-bytes', '6');
  t.equal(named.stdout, 'one\ntw');
  const inline = await logs('x', 'main', '--since', '1h');
  t.equal(inline.stdout, '', 'lines older than --since are left out');
});

t.test('skiff logs -f follows until the container run ends', async (t) => {
  const child = startSkiff(['logs', '--kubeconfig', controlPlane.kubeconfig, '-f', 'x']);
  const done = finished(child, 30_000);
  let stdout = '';
  child.stdout?.on('data', (data: Buffer) => (stdout += data.toString()));
  await until(() => stdout === 'one\ntwo\nthree\n');
  writer.write({ stream: 'stdout', data: Buffer.from('four\n'), time: new Date() });
  await until(() => stdout === 'one\ntwo\nthree\nfour\n');
  t.pass('a line written later is printed');
  await writer.close();
  const result = await done;
  t.equal(result.code, 0, result.stderr);
  t.equal(stdout, 'one\ntwo\nthree\nfour\n');
});

t.test('failures, as kubectl reports them', async (t) => {
  await runPod('pending', ['main'], true);
  const two = await runPod('two', ['a', 'b']);
  const a = node.store.open(refOf(two, 'a'), 0);
  a.write({ stream: 'stdout', data: Buffer.from('from a\n'), time: new Date() });
  await a.close();

  const defaulted = await logs('two');
  t.equal(defaulted.code, 0, defaulted.stderr);
  t.equal(defaulted.stderr, 'Defaulted container "a" out of: a, b\n');
  t.equal(defaulted.stdout, 'from a\n');

  const cases: [string[], string][] = [
    [
      ['-p', 'x'],
      'Error from server (BadRequest): previous terminated container "main" in pod "x" not found\n',
    ],
    [['nope'], 'Error from server (NotFound): pods "nope" not found\n'],
    [
      ['pod/pending'],
      'Error from server (BadRequest): pod pending does not have a host assigned\n',
    ],
    [['x', '-c', 'db'], 'error: container db is not valid for pod x\n'],
    [
      ['two', '-c', 'b'],
      'Error from server (BadRequest): container "b" in pod "two" is waiting to start - no logs yet\n',
    ],
    [['x', '--tail', '-2'], 'error: --tail must be greater than or equal to -1\n'],
    [
      ['x', 'main', '-c', 'main'],
      'error: only one of -c or an inline [CONTAINER] arg is allowed\n',
    ],
    [
      ['x', '--since', '1h', '--since-time', '2024-05-01T10:00:00Z'],
      'error: at most one of `sinceTime` or `sinceSeconds` may be specified\n',
    ],
  ];
  for (const [args, stderr] of cases) {
    const result = await logs(...args);
    t.equal(result.code, 1, `skiff logs ${args.join(' ')} exits 1`);
    t.equal(result.stderr, stderr);
    t.equal(result.stdout, '');
  }
  const usage = await logs();
  t.equal(usage.code, 1);
  t.match(usage.stderr, /POD or TYPE\/NAME is a required argument for the logs command/);
  const deployment = await logs('deployment/web');
  t.equal(deployment.code, 1);
  t.match(deployment.stderr, /cannot get the logs from deployments\.apps\/web/);
});

const kubectlMissing = existsSync(KUBECTL) ? false : `kubectl 1.32 is not installed at ${KUBECTL}`;

t.test('kubectl logs against the same cluster', { skip: kubectlMissing }, async (t) => {
  const home = await mkdtemp(path.join(os.tmpdir(), 'skiff-kubectl-logs-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const kubectl = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        KUBECTL,
        ['--kubeconfig', controlPlane.kubeconfig, ...args],
        { env: { ...process.env, HOME: home, KUBECACHEDIR: path.join(home, 'cache') } },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  };
  const all = await kubectl('logs', 'x');
  t.equal(all.code, 0, all.stderr);
  t.equal(all.stdout, 'one\ntwo\nthree\nfour\n');
  const tail = await kubectl('logs', 'pod/x', '--tail=1', '--timestamps');
  t.match(tail.stdout, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z four\n$/);
  const followed = await kubectl('logs', '-f', 'x');
  t.equal(followed.stdout, 'one\ntwo\nthree\nfour\n', 'a follow of an ended run ends');
  const previous = await kubectl('logs', '-p', 'x');
  t.equal(previous.code, 1);
  t.match(
    previous.stderr,
    'Error from server (BadRequest): previous terminated container "main" in pod "x" not found',
  );
  const defaulted = await kubectl('logs', 'two');
  t.equal(defaulted.stdout, 'from a\n');
  t.match(defaulted.stderr, 'Defaulted container "a" out of: a, b');
});

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
