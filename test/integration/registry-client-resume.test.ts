// Uploads that fail midway, against the real registry behind a proxy that
// breaks chosen requests: a PATCH that never reached the registry is sent
// again; one the registry stored but whose answer was lost is not, because
// the client asks the upload how far it got; a failed PUT is retried.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import t from 'tap';
import { digestOf, registryClient } from '../../runtime/images/distribution/index.js';
import { registryUnavailable, testRegistry } from '../helpers/registry.js';
import { relay, startProxy, type Intercept } from './registry-client-servers.js';

const unavailable = registryUnavailable();
const chunkSize = 256 * 1024;
const retry = { baseDelayMs: 10, maxDelayMs: 50 };

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/** Breaks the `nth` request of `method` in the way `breakIt` says. */
function breaking(
  method: string,
  nth: number,
  breakIt: 'refuse' | 'lose-answer' | 'drop-connection',
): Intercept {
  let seen = 0;
  return async (request, response, forward) => {
    if (request.method !== method || ++seen !== nth) {
      relay(response, await forward());
      return;
    }
    if (breakIt !== 'refuse') await forward(); // the registry stores it...
    if (breakIt === 'drop-connection') {
      request.socket.destroy(); // ...and the answer never arrives
      return;
    }
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end('{"errors":[{"code":"UNAVAILABLE","message":"try again"}]}');
  };
}

t.test('interrupted uploads', { skip: unavailable ?? false }, async (t) => {
  const registry = await testRegistry();
  t.teardown(() => registry.stop());

  const cases: [string, string, number, 'refuse' | 'lose-answer' | 'drop-connection', string[]][] =
    [
      [
        'a PATCH the registry never saw is sent again',
        'PATCH',
        2,
        'refuse',
        ['PATCH', 'PATCH', 'GET', 'PATCH', 'PATCH', 'PUT'],
      ],
      // distribution keeps the upload's offset in the URL (`_state`): once a
      // stored chunk's answer is lost, the old URL is refused and the upload
      // is gone, so the client starts over with fresh bytes from the source.
      [
        'a PATCH stored but answered 503: the upload starts over',
        'PATCH',
        2,
        'lose-answer',
        ['PATCH', 'PATCH', 'GET', 'DELETE', 'PATCH', 'PATCH', 'PATCH', 'PUT'],
      ],
      [
        'a dropped connection: the upload starts over',
        'PATCH',
        1,
        'drop-connection',
        ['PATCH', 'GET', 'DELETE', 'PATCH', 'PATCH', 'PATCH', 'PUT'],
      ],
    ];
  for (const [name, method, nth, how, expected] of cases) {
    t.test(name, async (t) => {
      const proxy = await startProxy(registry.address, breaking(method, nth, how));
      t.teardown(() => proxy.close());
      const client = registryClient(proxy.address, { chunkSize, retry });
      const bytes = randomBytes(3 * chunkSize - 1000);
      const descriptor = { digest: digestOf(bytes), size: bytes.length };
      t.equal(
        await client.pushBlob('team/resume', descriptor, () => Readable.from([bytes])),
        'uploaded',
      );
      t.same(
        proxy.requests.map((r) => r.method).filter((m) => m !== 'HEAD' && m !== 'POST'),
        expected,
      );
      t.same(
        await readAll(await client.getBlob('team/resume', descriptor, { verify: true })),
        bytes,
      );
    });
  }

  t.test('a monolithic PUT answered 503 is retried with the same bytes', async (t) => {
    const proxy = await startProxy(registry.address, breaking('PUT', 1, 'refuse'));
    t.teardown(() => proxy.close());
    const client = registryClient(proxy.address, { chunkSize, retry });
    const bytes = randomBytes(1000);
    const descriptor = { digest: digestOf(bytes), size: bytes.length };
    t.equal(
      await client.pushBlob('team/resume', descriptor, () => Readable.from([bytes])),
      'uploaded',
    );
    t.same(
      proxy.requests.map((r) => r.method),
      ['HEAD', 'POST', 'PUT', 'PUT'],
    );
    t.ok(await client.hasBlob('team/resume', descriptor.digest));
  });
});
