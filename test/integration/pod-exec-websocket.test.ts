// pods/exec as kubectl speaks it, with a plain WebSocket client: the
// v5.channel.k8s.io subprotocol, output on channel 1, the final Status on
// channel 3 (Success, or NonZeroExitCode with the code as a cause), then the
// close; errors before the upgrade are ordinary HTTP Status answers.

import t from 'tap';
import WebSocket from 'ws';
import { podOf, testCluster } from '../helpers/cluster.js';

const cluster = await testCluster(t);
await cluster.pods.create(podOf('shell', { args: ['sleep', '600'] }));
await cluster.waitForPod('shell', (p) => p.status?.phase === 'Running');

interface Exchange {
  readonly protocol: string;
  readonly channels: Map<number, string>;
  readonly closeCode: number;
}

/** Runs `command` in pod `pod` over a WebSocket; resolves with what came on each channel. */
function execOverWebSocket(pod: string, command: string[], protocols: string[]): Promise<Exchange> {
  const query = new URLSearchParams([
    ...command.map((part): [string, string] => ['command', part]),
    ['stdout', 'true'],
    ['stderr', 'true'],
  ]);
  const url = `${cluster.url.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/${pod}/exec?${query.toString()}`;
  const socket = new WebSocket(url, protocols, {
    ca: cluster.caCertificate,
    headers: { authorization: `Bearer ${cluster.controlPlane.tokens.admin}` },
  });
  const channels = new Map<number, string>();
  return new Promise((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const channel = data[0] ?? -1;
      channels.set(channel, (channels.get(channel) ?? '') + data.subarray(1).toString());
    });
    socket.on('close', (closeCode) => resolve({ protocol: socket.protocol, channels, closeCode }));
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => reject(new Error(`${response.statusCode} ${body}`)));
    });
    socket.on('error', reject);
  });
}

t.test('output on stdout, then a Success status', async (t) => {
  const done = await execOverWebSocket('shell', ['hostname'], ['v5.channel.k8s.io']);
  t.equal(done.protocol, 'v5.channel.k8s.io');
  t.equal(done.channels.get(1), 'shell\n');
  t.same(JSON.parse(done.channels.get(3) ?? '{}'), { metadata: {}, status: 'Success' });
  t.equal(done.closeCode, 1000);
});

t.test('a non-zero exit is a NonZeroExitCode status with the code', async (t) => {
  const done = await execOverWebSocket('shell', ['false'], ['v4.channel.k8s.io']);
  t.equal(done.protocol, 'v4.channel.k8s.io', 'v4 is served too');
  const status = JSON.parse(done.channels.get(3) ?? '{}') as Record<string, unknown>;
  t.equal(status.status, 'Failure');
  t.equal(status.reason, 'NonZeroExitCode');
  t.same(status.details, { causes: [{ reason: 'ExitCode', message: '1' }] });
});

t.test('errors come before the upgrade, as HTTP Status answers', async (t) => {
  await t.rejects(
    execOverWebSocket('nothere', ['true'], ['v5.channel.k8s.io']),
    /^404 .*pods \\"nothere\\" not found/,
  );
  await t.rejects(
    execOverWebSocket('shell', ['true'], ['channel.k8s.io']),
    /^400 .*use a WebSocket with v5.channel.k8s.io or v4.channel.k8s.io/,
    'subprotocols before v4 are refused',
  );
});
