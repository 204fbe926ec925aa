// `skiff up` and `skiff node join` as separate processes, driven through the
// CLI as a user would: a pod applied from YAML runs on the all-in-one node,
// a second node joins over HTTPS, a pod with an unreachable image shows
// ErrImagePull, a joined node reports exit codes, OOMKilled and liveness
// restarts and deletes with grace, kubectl exec speaks its WebSocket, an
// agent killed with -9 re-adopts its pod when started again, and
// cordon/drain move work off a node.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { finished, skiff, startSkiff, stderrMatching } from '../helpers/cli.js';
import { busyboxWasm } from '../helpers/paths.js';
import { registryUnavailable, testRegistry } from '../helpers/registry.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-e2e-cluster-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

// Setup asserts nothing (tap ends a test whose assertions all ran): failures throw.
const built = await skiff(['build', '--artifact', '-t', 'skiff.test/busybox:1', busyboxWasm]);
if (built.code !== 0) throw new Error(`skiff build failed: ${built.stderr}`);

const up = startSkiff([
  'up',
  '--data-dir',
  path.join(dir, 'cluster'),
  '--listen',
  '127.0.0.1:0',
  '--registry',
  '127.0.0.1:0',
]);
const upDone = finished(up, 240_000);
const banner = await stderrMatching(up, /Join more nodes: .*\n/, 60_000);
const url = /serving (https:\/\/\S+)/.exec(banner)?.[1] ?? '';
const kubeconfig = /Admin kubeconfig: (\S+)/.exec(banner)?.[1] ?? '';
const clusterRegistry = /Registry: (\S+)/.exec(banner)?.[1] ?? '';
// --kubeconfig goes right after the command: exec passes everything after `--` on.
const kube = ([command = '', ...rest]: string[], input?: string) =>
  skiff([command, '--kubeconfig', kubeconfig, ...rest], input === undefined ? {} : { input });

const controlPlaneDir = path.join(dir, 'cluster', 'controlplane');
const token = (await readFile(path.join(controlPlaneDir, 'node-token'), 'utf8')).trim();
/** `skiff node join` as another process; resolves once the node joined. */
async function joinNode(name: string) {
  const child = startSkiff([
    'node',
    'join',
    url,
    '--token',
    token,
    '--certificate-authority',
    path.join(controlPlaneDir, 'pki', 'ca.crt'),
    '--name',
    name,
    '--data-dir',
    path.join(dir, name),
  ]);
  const done = finished(child, 240_000);
  await stderrMatching(child, new RegExp(`${name} joined`), 60_000);
  return { child, done };
}

let { child: join, done: joinDone } = await joinNode('worker-1');
// A third agent process, started only where a registry can feed it images.
const registry = registryUnavailable() ? undefined : await testRegistry();
t.teardown(() => registry?.stop());
const second = registry ? await joinNode('worker-2') : undefined;
const join2 = second?.child;
const join2Done = second?.done;

async function waitFor(args: string[], pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await kube(args);
    last = result.stdout + result.stderr;
    if (pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`skiff ${args.join(' ')}: no ${pattern} within ${timeoutMs} ms; last: ${last}`);
}

t.test('skiff up prints where it serves, and both nodes are Ready', async (t) => {
  t.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.ok(kubeconfig.endsWith('kubeconfig.yaml'), 'and where the kubeconfig is');
  const nodes = await waitFor(['get', 'nodes'], /worker-1\s+Ready/);
  t.match(nodes, /^NAME\s+STATUS/m);
  t.match(nodes, /skiff-node-0\s+Ready/);
});

t.test('a pod applied from YAML runs on the all-in-one node', async (t) => {
  const manifest = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: hello',
    'spec:',
    '  nodeSelector:',
    '    kubernetes.io/hostname: skiff-node-0',
    '  containers:',
    '  - name: main',
    '    image: skiff.test/busybox:1',
    '    imagePullPolicy: IfNotPresent',
    '    args: [stress, --stdout, hello from a pod, --sleep, "600"]',
  ].join('\n');
  await writeFile(path.join(dir, 'hello.yaml'), manifest);
  const applied = await kube(['apply', '-f', path.join(dir, 'hello.yaml')]);
  t.equal(applied.code, 0, applied.stderr);
  t.match(applied.stdout, 'pod/hello created');
  const row = await waitFor(['get', 'pods', '-o', 'wide'], /hello\s+1\/1\s+Running\s+0/);
  t.match(row, /skiff-node-0/);
  const yaml = await kube(['get', 'pod', 'hello', '-o', 'yaml']);
  t.match(yaml.stdout, /podIP: 10\.2\d\d\./);
  t.match(yaml.stdout, /qosClass: BestEffort/);
  // Logs come from the node agent, through the API server's pods/log.
  const logs = await waitFor(['logs', 'hello'], /hello from a pod/);
  t.equal(logs, 'hello from a pod\n');
  // exec runs in the container's context: its pod's hostname, its exit code.
  const hostname = await kube(['exec', 'hello', '--', 'hostname']);
  t.equal(hostname.stdout, 'hello\n', hostname.stderr);
  const failed = await kube(['exec', 'pod/hello', '--', 'false']);
  t.equal(failed.code, 1);
  t.match(failed.stderr, 'command terminated with exit code 1');
  const missing = await kube(['exec', 'nothere', '--', 'true']);
  t.match(missing.stderr, 'pods "nothere" not found');
});

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
const kubectlMissing = existsSync(KUBECTL) ? false : `kubectl 1.32 is not installed at ${KUBECTL}`;

/** kubectl with the cluster's kubeconfig: its output and exit code. */
function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--kubeconfig', kubeconfig, ...args], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

t.test(
  'kubectl exec: its WebSocket protocol, exit codes and errors',
  { skip: kubectlMissing },
  async (t) => {
    const hostname = await kubectl(['exec', 'hello', '--', 'hostname']);
    t.equal(hostname.stdout, 'hello\n', hostname.stderr);
    t.equal(hostname.code, 0);
    const failed = await kubectl(['exec', 'hello', '-c', 'main', '--', 'false']);
    t.equal(failed.code, 1, "the command's exit code is kubectl's");
    t.match(failed.stderr, 'command terminated with exit code 1');
    const missing = await kubectl(['exec', 'nothere', '--', 'true']);
    t.equal(missing.code, 1);
    t.match(missing.stderr, 'Error from server (NotFound): pods "nothere" not found');
    const stdin = await kubectl(['exec', '-i', 'hello', '--', 'true']);
    t.equal(stdin.code, 1);
    t.match(stdin.stderr, 'stdin and tty are not supported by Skiff exec yet');
  },
);

t.test("skiff up's registry: built, pushed, and pulled by another node", async (t) => {
  t.match(clusterRegistry, /^127\.0\.0\.1:\d+$/, 'skiff up says where its registry is');
  const image = `${clusterRegistry}/hello/busybox:2`;
  t.equal((await skiff(['tag', 'skiff.test/busybox:1', image])).code, 0);
  const pushed = await skiff(['push', image]);
  t.equal(pushed.code, 0, pushed.stderr);
  const manifest = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: pulled}',
    'spec:',
    '  restartPolicy: Never',
    '  nodeSelector: {kubernetes.io/hostname: worker-1}',
    `  containers: [{name: main, image: "${image}", args: [echo, pulled from the cluster registry]}]`,
  ].join('\n');
  t.equal((await kube(['apply', '-f', '-'], manifest)).code, 0);
  await waitFor(['get', 'pods', 'pulled'], /pulled\s+0\/1\s+Completed/, 60_000);
  t.equal((await kube(['logs', 'pulled'])).stdout, 'pulled from the cluster registry\n');
  await kube(['delete', 'pod', 'pulled']);
});

t.test('an image nobody serves: ErrImagePull, then ImagePullBackOff', async (t) => {
  const created = await kube(
    ['apply', '-f', '-'],
    [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: nowhere}',
      'spec:',
      '  nodeSelector: {kubernetes.io/hostname: worker-1}',
      '  containers: [{name: main, image: "127.0.0.1:1/nothing:1"}]',
    ].join('\n'),
  );
  t.equal(created.code, 0, created.stderr);
  const row = await waitFor(
    ['get', 'pods', 'nowhere'],
    /nowhere\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/,
  );
  t.match(row, /(ErrImagePull|ImagePullBackOff)/);
  const described = await kube(['get', 'pod', 'nowhere', '-o', 'yaml']);
  t.match(
    described.stdout,
    /Back-off pulling image "127\.0\.0\.1:1\/nothing:1": ErrImagePull: failed/,
  );
  t.equal((await kube(['delete', 'pod', 'nowhere', '--wait'])).code, 0);
});

t.test('three agent processes: requests spread pods, each node pulls the image', async (t) => {
  if (!registry || !join2) {
    t.plan(0, `no registry to feed the nodes: ${registryUnavailable() ?? ''}`);
    return;
  }
  const image = `${registry.address}/skiff-e2e/busybox:1`;
  t.equal((await skiff(['tag', 'skiff.test/busybox:1', image])).code, 0);
  const pushed = await skiff(['push', image]);
  t.equal(pushed.code, 0, pushed.stderr);
  await waitFor(['get', 'nodes'], /worker-2\s+Ready/);
  const nodes = JSON.parse((await kube(['get', 'nodes', '-o', 'json'])).stdout) as {
    items: { metadata: { name: string }; status: { allocatable: { cpu: string } } }[];
  };
  const cpus = Math.min(...nodes.items.map((n) => Number(n.status.allocatable.cpu)));
  const request = `${Math.floor(cpus * 600)}m`;
  const manifest = ['a', 'b', 'c']
    .map((suffix) =>
      [
        'apiVersion: v1',
        'kind: Pod',
        `metadata: {name: spread-${suffix}}`,
        'spec:',
        `  containers: [{name: main, image: "${image}", args: [sleep, "600"], resources: {requests: {cpu: ${request}}}}]`,
      ].join('\n'),
    )
    .join('\n---\n');
  t.equal((await kube(['apply', '-f', '-'], manifest)).code, 0);
  await waitFor(
    ['get', 'pods', '-o', 'wide'],
    /spread-a\s+1\/1\s+Running[\s\S]*spread-b\s+1\/1\s+Running[\s\S]*spread-c\s+1\/1\s+Running/,
    60_000,
  );
  const json = JSON.parse((await kube(['get', 'pods', '-o', 'json'])).stdout) as {
    items: { metadata: { name: string }; spec: { nodeName?: string } }[];
  };
  const spread = json.items.filter((p) => p.metadata.name.startsWith('spread-'));
  t.same(
    new Set(spread.map((p) => p.spec.nodeName)),
    new Set(['skiff-node-0', 'worker-1', 'worker-2']),
    'one pod per node',
  );
  // A fourth does not fit anywhere: Kubernetes' message, through kubectl-style output.
  const tooMany = manifest.split('---')[0]?.replace('spread-a', 'spread-d') ?? '';
  t.equal((await kube(['apply', '-f', '-'], tooMany)).code, 0);
  const described = await waitFor(['get', 'pod', 'spread-d', '-o', 'yaml'], /Unschedulable/);
  t.match(described, /0\/3 nodes are available: 3 Insufficient cpu\./);
  for (const name of ['spread-a', 'spread-b', 'spread-c', 'spread-d'])
    await kube(['delete', 'pod', name, '--grace-period', '0']);
});

t.test('a crash loop: CrashLoopBackOff, RESTARTS and logs --previous', async (t) => {
  const manifest = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: crasher}',
    'spec:',
    '  nodeSelector: {kubernetes.io/hostname: skiff-node-0}',
    '  containers: [{name: main, image: skiff.test/busybox:1, args: [stress, --stdout, crashed, --exit, "3"]}]',
  ].join('\n');
  t.equal((await kube(['apply', '-f', '-'], manifest)).code, 0);
  const row = await waitFor(
    ['get', 'pods', 'crasher'],
    /crasher\s+0\/1\s+(CrashLoopBackOff|Error)\s+[1-9]/,
    60_000,
  );
  t.match(row, /crasher/);
  const previous = await kube(['logs', 'crasher', '--previous']);
  t.equal(previous.stdout, 'crashed\n', previous.stderr);
  await kube(['delete', 'pod', 'crasher', '--grace-period', '0']);
});

t.test(
  'on a joined node: exit codes, OOMKilled, a liveness restart, a graceful delete',
  async (t) => {
    const image = `${clusterRegistry}/hello/busybox:2`;
    const pod = (name: string, container: string, spec = 'restartPolicy: Never') =>
      [
        'apiVersion: v1',
        'kind: Pod',
        `metadata: {name: ${name}}`,
        'spec:',
        `  ${spec}`,
        '  nodeSelector: {kubernetes.io/hostname: worker-1}',
        `  containers: [{name: main, image: "${image}", ${container}}]`,
      ].join('\n');
    const manifest = [
      pod('exit-0', 'args: [stress, --exit, "0"]'),
      pod('exit-3', 'args: [stress, --exit, "3"]'),
      pod('oom', 'args: [stress, --grow-mib, "64"], resources: {limits: {memory: 16Mi}}'),
      pod(
        'hung',
        'args: [stress, --spin], livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1, failureThreshold: 2}',
        'restartPolicy: Always',
      ),
    ].join('\n---\n');
    t.equal((await kube(['apply', '-f', '-'], manifest)).code, 0);
    await waitFor(
      ['get', 'pods'],
      /exit-0\s+0\/1\s+Completed[\s\S]*exit-3\s+0\/1\s+Error[\s\S]*hung\s+\S+\s+\S+\s+[1-9][\s\S]*oom\s+0\/1\s+OOMKilled/,
      60_000,
    );
    const terminated = async (name: string) =>
      (
        JSON.parse((await kube(['get', 'pod', name, '-o', 'json'])).stdout) as {
          status: {
            phase: string;
            containerStatuses: { state: { terminated?: { exitCode: number; reason: string } } }[];
          };
        }
      ).status;
    t.match(await terminated('exit-0'), {
      phase: 'Succeeded',
      containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    });
    t.match(await terminated('exit-3'), {
      phase: 'Failed',
      containerStatuses: [{ state: { terminated: { exitCode: 3, reason: 'Error' } } }],
    });
    t.match(await terminated('oom'), {
      phase: 'Failed',
      containerStatuses: [{ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
    });
    const events = await kube(['describe', 'pod', 'hung']);
    t.match(events.stdout, /Liveness probe failed/);
    t.match(events.stdout, /Container main failed liveness probe, will be restarted/);

    // Graceful: the agent stops the container, then the pod is gone.
    const deleted = await kube(['delete', 'pod', 'hung', '--grace-period', '5', '--wait']);
    t.equal(deleted.code, 0, deleted.stderr);
    t.match(deleted.stdout, 'pod "hung" deleted');
    const gone = await kube(['get', 'pod', 'hung']);
    t.match(gone.stderr, 'pods "hung" not found');
    for (const name of ['exit-0', 'exit-3', 'oom']) await kube(['delete', 'pod', name]);
  },
);

t.test('a node agent killed with -9 and started again re-adopts its pods', async (t) => {
  const manifest = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: survivor}',
    'spec:',
    '  nodeSelector: {kubernetes.io/hostname: worker-1}',
    // Pushed to skiff up's registry by an earlier test; the node has it already.
    `  containers: [{name: main, image: "${clusterRegistry}/hello/busybox:2", args: [sleep, "600"]}]`,
  ].join('\n');
  t.equal((await kube(['apply', '-f', '-'], manifest)).code, 0);
  await waitFor(['get', 'pods', 'survivor'], /survivor\s+1\/1\s+Running\s+0/, 60_000);
  const podIp = async () =>
    (
      JSON.parse((await kube(['get', 'pod', 'survivor', '-o', 'json'])).stdout) as {
        status: { podIP?: string };
      }
    ).status.podIP;
  const before = await podIp();
  t.match(before, /^10\.2\d\d\./);

  join.kill('SIGKILL');
  t.equal((await joinDone).signal, 'SIGKILL');
  ({ child: join, done: joinDone } = await joinNode('worker-1'));
  // Its container died with the agent: started once again, never twice, at the same address.
  const row = await waitFor(['get', 'pods', 'survivor'], /survivor\s+1\/1\s+Running\s+1\b/, 60_000);
  t.match(row, /survivor/);
  t.equal(await podIp(), before, 'the same pod IP');
  const pods = JSON.parse((await kube(['get', 'pods', '-o', 'json'])).stdout) as {
    items: { metadata: { name: string } }[];
  };
  t.equal(pods.items.filter((p) => p.metadata.name === 'survivor').length, 1, 'one pod');
  t.equal((await kube(['delete', 'pod', 'survivor', '--grace-period', '0'])).code, 0);
});

t.test('cordon, uncordon and drain', async (t) => {
  const cordoned = await kube(['cordon', 'worker-1']);
  t.equal(cordoned.stdout, 'node/worker-1 cordoned\n');
  t.equal((await kube(['cordon', 'worker-1'])).stdout, 'node/worker-1 already cordoned\n');
  const node = await kube(['get', 'node', 'worker-1', '-o', 'json']);
  t.equal(
    (JSON.parse(node.stdout) as { spec: { unschedulable?: boolean } }).spec.unschedulable,
    true,
  );
  t.equal((await kube(['uncordon', 'worker-1'])).stdout, 'node/worker-1 uncordoned\n');

  const refused = await kube(['drain', 'skiff-node-0']);
  t.equal(refused.code, 1);
  t.match(
    refused.stderr,
    /cannot delete Pods that declare no controller \(use --force to override\): default\/hello/,
  );
  const drained = await kube(['drain', 'skiff-node-0', '--force', '--timeout', '60s']);
  t.equal(drained.code, 0, drained.stderr);
  t.match(
    drained.stdout,
    /evicting pod default\/hello\npod\/hello evicted\nnode\/skiff-node-0 drained\n/,
  );
  const pods = await kube(['get', 'pods']);
  t.notMatch(pods.stdout, /hello/);
});

t.test('all stop on SIGTERM', async (t) => {
  join.kill('SIGTERM');
  t.equal((await joinDone).code, 0);
  if (join2) {
    join2.kill('SIGTERM');
    t.equal((await join2Done)?.code, 0);
  }
  up.kill('SIGTERM');
  const result = await upDone;
  t.equal(result.code, 0, result.stderr);
});
