import t from 'tap';
import { ContainerLog } from '../../runtime/container-log.js';
import { parsePublication } from '../../runtime/network/publish.js';
import { NetworkError, VirtualPodNetwork } from '../../runtime/network/index.js';
import {
  SharedByteQueue,
  createSharedByteQueue,
} from '../../runtime/wasm/sandbox/shared-byte-queue.js';
import { PassThrough } from 'node:stream';

t.test('the shared byte queue carries bytes in order, wraps around and ends', async (t) => {
  const buffer = createSharedByteQueue(8);
  const producer = new SharedByteQueue(buffer);
  const consumer = new SharedByteQueue(buffer);
  t.same(consumer.read(4), new Uint8Array(0), 'empty, not ended');
  t.notOk(consumer.ready());
  t.equal(producer.write(new Uint8Array([1, 2, 3, 4, 5, 6])), 6);
  t.same(consumer.read(4), new Uint8Array([1, 2, 3, 4]));
  t.equal(producer.write(new Uint8Array([7, 8, 9, 10, 11, 12])), 6, 'wraps around');
  t.equal(producer.write(new Uint8Array([13])), 0, 'full');
  t.same(consumer.read(100), new Uint8Array([5, 6, 7, 8, 9, 10, 11, 12]));
  producer.close();
  t.ok(consumer.ready());
  t.equal(consumer.read(1), null, 'end of stream once drained');
});

t.test('a container log keeps the newest bytes and ends its followers', async (t) => {
  const log = new ContainerLog(10);
  for (const text of ['aaaa', 'bbbb', 'cccc']) log.append('stdout', new TextEncoder().encode(text));
  const kept: string[] = [];
  for await (const chunk of log.read()) kept.push(new TextDecoder().decode(chunk.data));
  t.same(kept, ['bbbb', 'cccc']);
  const followed: string[] = [];
  const follower = (async () => {
    for await (const chunk of log.read({ follow: true }))
      followed.push(new TextDecoder().decode(chunk.data));
  })();
  log.append('stderr', new TextEncoder().encode('dddd'));
  log.end();
  await follower;
  t.same(followed, ['bbbb', 'cccc', 'dddd']);
});

t.test('--publish values parse as docker run takes them', async (t) => {
  t.same(parsePublication('8080:80'), { hostIP: '127.0.0.1', hostPort: 8080, containerPort: 80 });
  t.same(parsePublication('0.0.0.0:8080:80/tcp'), {
    hostIP: '0.0.0.0',
    hostPort: 8080,
    containerPort: 80,
  });
  t.same(parsePublication('localhost:0:8080'), {
    hostIP: '127.0.0.1',
    hostPort: 0,
    containerPort: 8080,
  });
  for (const bad of ['80', 'a:b', '1:2:3:4', '8080:0', '70000:80', '8080:80/udp']) {
    t.throws(() => parsePublication(bad), RangeError, bad);
  }
});

t.test('a pod namespace has one port space', async (t) => {
  const network = new VirtualPodNetwork('10.244.1.5');
  const seen: number[] = [];
  const binding = network.listen(8080, () => seen.push(8080));
  t.throws(() => network.listen(8080, () => undefined), {
    constructor: NetworkError,
    code: 'EADDRINUSE',
  });
  network.deliver(8080, new PassThrough());
  t.same(seen, [8080]);
  t.throws(() => network.deliver(9090, new PassThrough()), { code: 'ECONNREFUSED' });
  binding.close();
  t.notOk(network.isListening(8080));
  t.doesNotThrow(() => network.listen(8080, () => undefined), 'free again after close');
  t.throws(() => network.listen(0, () => undefined), { code: 'EINVAL' });
});
