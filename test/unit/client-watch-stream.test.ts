import t from 'tap';
import { ApiError } from '../../controlplane/api/errors.js';
import type { Transport } from '../../sdk/client/index.js';
import { textLines } from '../../sdk/client/json-lines.js';
import { errorFromResponse } from '../../sdk/client/response-errors.js';
import { watchStream } from '../../sdk/client/watch-stream.js';

const encoder = new TextEncoder();

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? encoder.encode(part) : part;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A Transport whose stream() answers with `body` split into `parts` (or throws `error`). */
function fakeTransport(parts: string[], error?: unknown): Transport & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    config: { server: 'http://127.0.0.1:1' },
    json: () => Promise.reject(new Error('not used')),
    stream: async (_method, path, options) => {
      paths.push(path + JSON.stringify(options?.query ?? {}));
      if (error) throw error;
      return { status: 200, headers: {}, body: chunks(...parts) };
    },
    close: async () => undefined,
  };
}

t.test('lines are reassembled across chunks, multi-byte characters included', async (t) => {
  const euro = encoder.encode('€'); // three bytes, split across two chunks below
  const lines = await collect(
    textLines(
      chunks(
        '{"a":1}\n{"b":',
        '2}\r\n\n',
        '{"c":"',
        euro.slice(0, 1),
        euro.slice(1),
        '"}\n{"d":4}',
      ),
    ),
  );
  t.same(
    lines,
    ['{"a":1}', '{"b":2}', '{"c":"€"}', '{"d":4}'],
    'blank lines skipped, last line kept',
  );
  t.same(await collect(textLines(chunks())), []);
  t.same(await collect(textLines(chunks('\n\n', ' \n'))), []);
});

t.test('a watch body becomes its events, whatever the chunking', async (t) => {
  const events = [
    { type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'a', resourceVersion: '5' } } },
    { type: 'MODIFIED', object: { kind: 'Pod', metadata: { name: 'a', resourceVersion: '6' } } },
    { type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '7' } } },
  ];
  const text = events.map((event) => JSON.stringify(event) + '\n').join('');
  for (const size of [1, 7, 64, text.length]) {
    const parts: string[] = [];
    for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size));
    const transport = fakeTransport(parts);
    const got = await collect(
      watchStream(transport, '/api/v1/pods', { watch: 1 }, undefined, new AbortController().signal),
    );
    t.same(got, events, `chunks of ${size} bytes`);
  }
});

t.test('a malformed event line fails the watch with an ApiError naming the line', async (t) => {
  const signal = new AbortController().signal;
  await t.rejects(collect(watchStream(fakeTransport(['nope\n']), '/p', {}, undefined, signal)), {
    name: 'ApiError',
    message: /malformed watch event: not JSON: nope/,
  });
  await t.rejects(
    collect(
      watchStream(fakeTransport(['{"type":"WHAT","object":{}}\n']), '/p', {}, undefined, signal),
    ),
    /no known type/,
  );
  await t.rejects(
    collect(watchStream(fakeTransport(['{"type":"ADDED"}\n']), '/p', {}, undefined, signal)),
    /no object/,
  );
});

t.test('a 410 answer to the watch request is one ERROR event; other failures throw', async (t) => {
  const signal = new AbortController().signal;
  const gone = errorFromResponse(
    410,
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: 'too old resource version: 1 (50)',
    }),
  );
  const events = await collect(watchStream(fakeTransport([], gone), '/p', {}, undefined, signal));
  t.equal(events.length, 1);
  t.equal(events[0]?.type, 'ERROR');
  t.match(events[0]?.object, { code: 410, reason: 'Expired' });
  const forbidden = errorFromResponse(403, 'nope');
  await t.rejects(
    collect(watchStream(fakeTransport([], forbidden), '/p', {}, undefined, signal)),
    forbidden,
  );
  const aborted = new AbortController();
  aborted.abort();
  t.same(
    await collect(
      watchStream(fakeTransport([], new Error('x')), '/p', {}, undefined, aborted.signal),
    ),
    [],
    'a failure after the caller aborted ends the watch quietly',
  );
});

t.test('failed answers become ApiErrors as client-go words them', async (t) => {
  const status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods "x" not found',
    reason: 'NotFound',
    details: { name: 'x', kind: 'pods' },
    code: 404,
  };
  const notFound = errorFromResponse(404, JSON.stringify(status));
  t.ok(notFound instanceof ApiError);
  t.equal(notFound.code, 404);
  t.equal(notFound.reason, 'NotFound');
  t.equal(notFound.message, 'pods "x" not found');

  const codeless = errorFromResponse(
    409,
    JSON.stringify({ ...status, code: 0, reason: 'Conflict' }),
  );
  t.equal(codeless.code, 409, 'the HTTP code fills a Status without one');

  const html = errorFromResponse(502, '<html><body>Bad Gateway</body></html>');
  t.equal(html.code, 502);
  t.equal(html.reason, 'InternalError');
  t.match(html.message, /status code 502/);

  const text = errorFromResponse(500, 'database is locked\n');
  t.equal(
    text.message,
    'an error on the server ("database is locked") has prevented the request from succeeding',
  );
  const unauthorized = errorFromResponse(401, '');
  t.equal(unauthorized.reason, 'Unauthorized');
  t.equal(unauthorized.message, 'the server has asked for the client to provide credentials');
  t.equal(errorFromResponse(400, 'bad selector').message, 'bad selector');
});
