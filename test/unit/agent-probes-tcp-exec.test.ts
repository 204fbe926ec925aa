// tcpSocket and exec probes, and the probe port resolution they share with httpGet.

import type { Duplex } from 'node:stream';
import t from 'tap';
import type { ProbeTarget } from '../../runtime/agent/probes/index.js';
import { probeOnce, resolveProbePort } from '../../runtime/agent/probes/index.js';
import { VirtualPodNetwork } from '../../runtime/index.js';

type Exec = ProbeTarget['exec'];

function target(network: VirtualPodNetwork, exec?: Exec): ProbeTarget {
  return {
    podIP: network.podIP,
    network,
    ports: [{ name: 'redis', containerPort: 6379 }],
    exec: exec ?? (() => Promise.reject(new Error('no exec here'))),
  };
}

/** Resolves with the bytes a connection carried once the prober hung up. */
function drained(socket: Duplex): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
  });
}

t.test('tcpSocket: a connection the pod accepts is a success, then hung up', async (t) => {
  const network = new VirtualPodNetwork('10.244.1.7');
  const accepted: Promise<string>[] = [];
  network.listen(6379, (socket) => accepted.push(drained(socket)));
  t.same(await probeOnce({ tcpSocket: { port: 6379 } }, target(network)), { success: true });
  t.same(await probeOnce({ tcpSocket: { port: 'redis' } }, target(network)), { success: true });
  t.equal(accepted.length, 2, 'the listener saw both connections');
  t.same(await Promise.all(accepted), ['', ''], 'each closed without a byte sent');
});

t.test('tcpSocket: nothing listening is connection refused', async (t) => {
  const network = new VirtualPodNetwork('10.244.1.7');
  t.same(await probeOnce({ tcpSocket: { port: 6380 } }, target(network)), {
    success: false,
    message: 'dial tcp 10.244.1.7:6380: connect: connection refused',
  });
  t.same(await probeOnce({ tcpSocket: { port: 'memcached' } }, target(network)), {
    success: false,
    message: 'port memcached not found',
  });
});

t.test('resolveProbePort: numbers, names, numbers as strings, the kubelet’s errors', async (t) => {
  const ports = [
    { name: 'http', containerPort: 8080 },
    { containerPort: 9000 },
    { name: 'metrics', containerPort: 9090 },
  ];
  t.equal(resolveProbePort(8080, ports), 8080);
  t.equal(resolveProbePort('metrics', ports), 9090);
  t.equal(resolveProbePort('9000', ports), 9000);
  t.equal(resolveProbePort(1234, []), 1234, 'a number need not be declared');
  t.throws(() => resolveProbePort('grpc', ports), { message: 'port grpc not found' });
  t.throws(() => resolveProbePort(0, ports), { message: 'invalid port number: 0' });
  t.throws(() => resolveProbePort('65536', ports), { message: 'invalid port number: 65536' });
});

t.test('exec: exit 0 is a success; the command and the deadline reach the target', async (t) => {
  const calls: { command: readonly string[]; timeoutMs: number }[] = [];
  const network = new VirtualPodNetwork('10.244.1.8');
  const exec: Exec = async (command, timeoutMs) => {
    calls.push({ command, timeoutMs });
    return { exitCode: 0, output: 'healthy\n' };
  };
  t.same(
    await probeOnce(
      { exec: { command: ['cat', '/tmp/healthy'] }, timeoutSeconds: 3 },
      target(network, exec),
    ),
    { success: true },
  );
  t.same(calls, [{ command: ['cat', '/tmp/healthy'], timeoutMs: 3000 }]);
});

t.test('exec: another exit code fails with the code and the output', async (t) => {
  const network = new VirtualPodNetwork('10.244.1.8');
  const failing: Exec = async () => ({
    exitCode: 1,
    output: 'cat: /tmp/healthy: No such file or directory\n',
  });
  t.same(
    await probeOnce({ exec: { command: ['cat', '/tmp/healthy'] } }, target(network, failing)),
    {
      success: false,
      message:
        'command "cat /tmp/healthy" exited with 1: cat: /tmp/healthy: No such file or directory',
    },
  );
  const silent: Exec = async () => ({ exitCode: 3, output: '' });
  t.same(await probeOnce({ exec: { command: ['check'] } }, target(network, silent)), {
    success: false,
    message: 'command "check" exited with 3',
  });
  const chatty: Exec = async () => ({ exitCode: 2, output: 'x'.repeat(50_000) });
  const result = await probeOnce({ exec: { command: ['check'] } }, target(network, chatty));
  t.equal(
    result.message?.length,
    'command "check" exited with 2: '.length + 10 * 1024,
    'output kept to 10 KiB',
  );
});

t.test(
  'exec: past timeoutSeconds it fails as timed out and the command is told to end',
  async (t) => {
    const network = new VirtualPodNetwork('10.244.1.8');
    let ended: unknown;
    const hanging: Exec = (_command, _timeoutMs, signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          ended = signal.reason;
          // As a killed guest would, later than the deadline.
          setTimeout(() => resolve({ exitCode: 137, output: '' }), 20);
        });
      });
    const started = performance.now();
    t.same(await probeOnce({ exec: { command: ['sleep', '10'] } }, target(network, hanging)), {
      success: false,
      message: 'command "sleep 10" timed out',
    });
    const elapsed = performance.now() - started;
    t.ok(elapsed >= 990 && elapsed < 1900, `after the 1 s default (${Math.round(elapsed)} ms)`);
    t.ok(ended, 'the command’s signal was aborted');
  },
);

t.test('exec: a command that cannot start fails with its error', async (t) => {
  const network = new VirtualPodNetwork('10.244.1.8');
  const broken: Exec = async () => {
    throw new Error('exec: "healthcheck": executable file not found');
  };
  t.same(await probeOnce({ exec: { command: ['healthcheck'] } }, target(network, broken)), {
    success: false,
    message: 'exec: "healthcheck": executable file not found',
  });
});
