// Reading API request bodies over a real HTTP connection on 127.0.0.1: whole
// bodies in many chunks, 413 past the limit, and a client that leaves
// mid-body (the read fails instead of hanging, and nothing crashes).

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { ApiError } from '../../controlplane/api/errors.js';
import { readBody } from '../../controlplane/server/request-body.js';

/** A server whose requests are read with `readBody(limit)`; resolves each read's outcome. */
async function serveReads(t: Test, limit: number) {
  let arrived: (read: { outcome: Promise<Buffer> }) => void = () => undefined;
  const server = createServer((request: IncomingMessage, response) => {
    const read = readBody(request, limit);
    arrived({ outcome: read });
    read.then(
      () => response.end('ok'),
      () => response.end('failed'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  /** The next request's read (wrapped: awaiting it must not await the read). */
  const next = () => new Promise<{ outcome: Promise<Buffer> }>((resolve) => (arrived = resolve));
  return { port, next };
}

function send(port: number, head: string, parts: string[], endSocket = false) {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(head);
  let delay = 0;
  for (const part of parts) setTimeout(() => socket.write(part), (delay += 5));
  if (endSocket) setTimeout(() => socket.destroy(), delay + 50);
  return socket;
}

t.test('a body sent in many chunks is read whole', async (t) => {
  const { port, next } = await serveReads(t, 1024);
  const read = next();
  const parts = ['{"a":', '1,"b":', '"two"}'];
  const socket = send(
    port,
    `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${parts.join('').length}\r\n\r\n`,
    parts,
  );
  t.teardown(() => socket.destroy());
  t.equal((await (await read).outcome).toString(), '{"a":1,"b":"two"}');
});

t.test('a body over the limit is a 413, also without a Content-Length', async (t) => {
  const { port, next } = await serveReads(t, 8);
  const read = next();
  const socket = send(port, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', [
    '5\r\nhello\r\n',
    '6\r\n world\r\n',
    '0\r\n\r\n',
  ]);
  t.teardown(() => socket.destroy());
  const error = await (
    await read
  ).outcome.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof ApiError);
  t.equal((error as ApiError).status.code, 413);
});

t.test('a client that leaves mid-body fails the read instead of leaving it pending', async (t) => {
  const { port, next } = await serveReads(t, 1024);
  const read = next();
  send(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', ['{"half":'], true);
  await t.rejects((await read).outcome, /closed the request before its end/);
});
