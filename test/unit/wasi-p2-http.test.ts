// wasi:http resources driven the way a guest drives them: incoming requests,
// responses flowing into a ResponseSink, and the error cases.

import t from 'tap';
import type {
  IncomingRequestData,
  ResponseSink,
} from '../../runtime/wasm/guest/wasi-p2/provider-types.js';
import { createWasiP2Host } from '../../runtime/wasm/guest/wasi-p2/index.js';
import { IoError } from '../../runtime/wasm/guest/wasi-p2/io/error.js';
import type { OutputStream } from '../../runtime/wasm/guest/wasi-p2/io/output-stream.js';
import { Fields } from '../../runtime/wasm/guest/wasi-p2/http/fields.js';
import {
  FutureIncomingResponse,
  IncomingResponse,
} from '../../runtime/wasm/guest/wasi-p2/http/incoming-response.js';
import { IncomingBody } from '../../runtime/wasm/guest/wasi-p2/http/incoming-body.js';
import { OutgoingBody } from '../../runtime/wasm/guest/wasi-p2/http/outgoing-body.js';
import {
  OutgoingRequest,
  RequestOptions,
} from '../../runtime/wasm/guest/wasi-p2/http/outgoing-request.js';
import { OutgoingResponse } from '../../runtime/wasm/guest/wasi-p2/http/outgoing-response.js';
import { ResponseOutparam } from '../../runtime/wasm/guest/wasi-p2/http/response-outparam.js';
import { GuestTrap, symbolDispose } from '../../runtime/wasm/guest/wasi-p2/wit.js';
import { bytesSource, fakeGuest, thrownBy } from './wasi-p2-support/fake-guest.js';
import { noFilesystem } from './wasi-p2-support/no-filesystem.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

type SinkEvent =
  ['head', number, [string, string][]] | ['body', string] | ['end'] | ['error', string];

function recordingSink(): ResponseSink & { events: SinkEvent[] } {
  const events: SinkEvent[] = [];
  return {
    events,
    head: (status, headers) => events.push(['head', status, headers.map(([n, v]) => [n, text(v)])]),
    body: (chunk) => events.push(['body', text(chunk)]),
    end: () => events.push(['end']),
    error: (code) => events.push(['error', code]),
  };
}

function setup() {
  const guest = fakeGuest();
  const host = createWasiP2Host(guest.ctx, { createFilesystem: noFilesystem });
  const sink = recordingSink();
  const outparam = host.http.responseOutparam(sink);
  return { host, sink, outparam };
}

function request(overrides: Partial<IncomingRequestData> = {}): IncomingRequestData {
  return {
    method: 'GET',
    scheme: 'http',
    authority: 'kubia.default:8080',
    pathWithQuery: '/a?b=c',
    headers: [
      ['accept', bytes('*/*')],
      ['host', bytes('kubia.default:8080')],
      ['connection', bytes('keep-alive')],
      ['X-Trace', bytes('1')],
    ],
    body: bytesSource(bytes('request body')),
    ...overrides,
  };
}

t.test('an incoming request as the guest sees it', async (t) => {
  const { host } = setup();
  const req = host.http.incomingRequest(request());
  t.same(req.method(), { tag: 'get' });
  t.equal(req.pathWithQuery(), '/a?b=c');
  t.same(req.scheme(), { tag: 'HTTP' });
  t.equal(req.authority(), 'kubia.default:8080');
  const headers = req.headers();
  t.same(
    headers.entries().map(([n, v]) => [n, text(v)]),
    [
      ['accept', '*/*'],
      ['x-trace', '1'],
    ],
    'connection-level headers are not shown',
  );
  t.same(
    thrownBy(() => headers.append('x', bytes('y'))),
    { tag: 'immutable' },
  );
  const body = req.consume();
  t.equal(
    thrownBy(() => req.consume()),
    undefined,
    'consume fails (unit) the second time',
  );
  const stream = body.stream();
  t.equal(
    thrownBy(() => body.stream()),
    undefined,
    'stream fails (unit) the second time',
  );
  t.equal(text(stream.blockingRead(7n)), 'request');
  const trailers = IncomingBody.finish(body);
  t.ok(trailers.subscribe().ready());
  t.same(trailers.get(), { tag: 'ok', val: { tag: 'ok', val: undefined } });
  t.same(trailers.get(), { tag: 'err', val: undefined }, 'trailers can be taken once');
  t.same(
    thrownBy(() => stream.read(10n)),
    { tag: 'closed' },
    'finish ends the stream',
  );
});

t.test('methods and schemes map onto WIT variants', async (t) => {
  const { host } = setup();
  const method = (m: string) => host.http.incomingRequest(request({ method: m })).method();
  t.same(method('POST'), { tag: 'post' });
  t.same(method('PATCH'), { tag: 'patch' });
  t.same(method('PURGE'), { tag: 'other', val: 'PURGE' });
  t.same(method('get'), { tag: 'other', val: 'get' }, 'methods are case-sensitive');
  const scheme = (s: string) => host.http.incomingRequest(request({ scheme: s })).scheme();
  t.same(scheme('https'), { tag: 'HTTPS' });
  t.same(scheme('ws'), { tag: 'other', val: 'ws' });
});

t.test('response set, then body written and finished (kubia order)', async (t) => {
  const { sink, outparam } = setup();
  const response = new OutgoingResponse(Fields.fromList([['Content-Type', bytes('text/plain')]]));
  const body = response.body();
  ResponseOutparam.set(outparam, { tag: 'ok', val: response });
  t.same(sink.events, [['head', 200, [['content-type', 'text/plain']]]]);
  const stream = body.write();
  stream.blockingWriteAndFlush(bytes('hello '));
  stream.write(bytes('world'));
  OutgoingBody.finish(body, undefined);
  t.same(sink.events.slice(1), [['body', 'hello '], ['body', 'world'], ['end']]);
  t.same(
    thrownBy(() => stream.write(bytes('late'))),
    { tag: 'closed' },
  );
});

t.test('body written before the response is set is flushed after the head', async (t) => {
  const { sink, outparam } = setup();
  const response = new OutgoingResponse(new Fields());
  response.setStatusCode(201);
  const body = response.body();
  body.write().blockingWriteAndFlush(bytes('early'));
  t.same(sink.events, [], 'nothing before the head');
  ResponseOutparam.set(outparam, { tag: 'ok', val: response });
  t.same(sink.events, [
    ['head', 201, []],
    ['body', 'early'],
  ]);
  OutgoingBody.finish(body, undefined);
  t.same(sink.events.at(-1), ['end']);
});

t.test('a body finished before the response is set ends right after the head', async (t) => {
  const { sink, outparam } = setup();
  const response = new OutgoingResponse(new Fields());
  const body = response.body();
  body.write().blockingWriteAndFlush(bytes('all'));
  OutgoingBody.finish(body, undefined);
  ResponseOutparam.set(outparam, { tag: 'ok', val: response });
  t.same(sink.events, [['head', 200, []], ['body', 'all'], ['end']]);
});

t.test('a response whose body was never asked for is empty', async (t) => {
  const { sink, outparam } = setup();
  const response = new OutgoingResponse(new Fields());
  response.setStatusCode(204);
  ResponseOutparam.set(outparam, { tag: 'ok', val: response });
  t.same(sink.events, [['head', 204, []], ['end']]);
});

t.test('an error response reaches the sink as its code', async (t) => {
  const { sink, outparam, host } = setup();
  ResponseOutparam.set(outparam, { tag: 'err', val: { tag: 'internal-error', val: 'boom' } });
  host.http.settle(outparam);
  t.same(sink.events, [['error', 'internal-error']]);
});

t.test('setting a response twice traps', async (t) => {
  const { outparam } = setup();
  ResponseOutparam.set(outparam, { tag: 'ok', val: new OutgoingResponse(new Fields()) });
  const second = thrownBy(() =>
    ResponseOutparam.set(outparam, { tag: 'ok', val: new OutgoingResponse(new Fields()) }),
  );
  t.ok(second instanceof GuestTrap);
});

t.test('a body dropped unfinished is reported as incomplete', async (t) => {
  const { sink, outparam } = setup();
  const response = new OutgoingResponse(new Fields());
  const body = response.body();
  ResponseOutparam.set(outparam, { tag: 'ok', val: response });
  body.write().blockingWriteAndFlush(bytes('part'));
  body[symbolDispose]();
  t.same(sink.events, [
    ['head', 200, []],
    ['body', 'part'],
    ['error', 'HTTP-response-incomplete'],
  ]);
});

t.test('a body dropped before the response is set breaks it right after the head', async (t) => {
  const { sink, outparam } = setup();
  const response = new OutgoingResponse(new Fields());
  response.body()[symbolDispose]();
  ResponseOutparam.set(outparam, { tag: 'ok', val: response });
  t.same(sink.events, [
    ['head', 200, []],
    ['error', 'HTTP-response-incomplete'],
  ]);
});

t.test('settle reports a response never set, or a body never finished', async (t) => {
  const unset = setup();
  unset.host.http.settle(unset.outparam);
  unset.host.http.settle(unset.outparam);
  t.same(unset.sink.events, [['error', 'internal-error']], 'reported once');

  const unfinished = setup();
  const response = new OutgoingResponse(new Fields());
  response.body();
  ResponseOutparam.set(unfinished.outparam, { tag: 'ok', val: response });
  unfinished.host.http.settle(unfinished.outparam);
  t.same(unfinished.sink.events, [
    ['head', 200, []],
    ['error', 'HTTP-response-incomplete'],
  ]);

  const complete = setup();
  ResponseOutparam.set(complete.outparam, { tag: 'ok', val: new OutgoingResponse(new Fields()) });
  complete.host.http.settle(complete.outparam);
  t.same(complete.sink.events, [['head', 200, []], ['end']], 'nothing added to a complete one');

  t.throws(() => complete.host.http.settle({}), TypeError);
});

t.test('an outparam dropped without being set reports no response', async (t) => {
  const { sink, outparam } = setup();
  outparam[symbolDispose]();
  t.same(sink.events, [['error', 'internal-error']]);
});

t.test('content-length is enforced on the body', async (t) => {
  const long = setup();
  const response = new OutgoingResponse(Fields.fromList([['content-length', bytes('5')]]));
  const body = response.body();
  ResponseOutparam.set(long.outparam, { tag: 'ok', val: response });
  const stream = body.write();
  stream.write(bytes('abc'));
  const failure = thrownBy(() => stream.write(bytes('def'))) as { tag: string; val: IoError };
  t.equal(failure.tag, 'last-operation-failed');
  const { httpErrorCode } = long.host.imports['wasi:http/types'] as {
    httpErrorCode(e: IoError): unknown;
  };
  t.same(httpErrorCode(failure.val), { tag: 'HTTP-response-body-size', val: 6n });
  t.same(
    thrownBy(() => OutgoingBody.finish(body, undefined)),
    {
      tag: 'HTTP-response-body-size',
      val: 3n,
    },
  );
  t.same(long.sink.events.at(-1), ['error', 'HTTP-response-body-size']);
  t.equal(httpErrorCode(new IoError('plain')), undefined);

  const exact = setup();
  const ok = new OutgoingResponse(Fields.fromList([['content-length', bytes('2')]]));
  const okBody = ok.body();
  okBody.write().blockingWriteAndFlush(bytes('hi'));
  OutgoingBody.finish(okBody, undefined);
  ResponseOutparam.set(exact.outparam, { tag: 'ok', val: ok });
  t.same(exact.sink.events.at(-1), ['end']);
});

t.test('outgoing-response rules', async (t) => {
  const response = new OutgoingResponse(Fields.fromList([['a', bytes('1')]]));
  t.equal(response.statusCode(), 200);
  t.equal(
    thrownBy(() => response.setStatusCode(99)),
    undefined,
  );
  t.equal(
    thrownBy(() => response.setStatusCode(1000)),
    undefined,
  );
  response.setStatusCode(404);
  t.equal(response.statusCode(), 404);
  t.same(
    thrownBy(() => response.headers().append('b', bytes('2'))),
    { tag: 'immutable' },
  );
  const body = response.body();
  t.equal(
    thrownBy(() => response.body()),
    undefined,
    'the body can be taken once',
  );
  body.write();
  t.equal(
    thrownBy(() => body.write()),
    undefined,
    'the stream can be taken once',
  );
  OutgoingBody.finish(body, undefined);
  t.ok(thrownBy(() => OutgoingBody.finish(body, undefined)) instanceof GuestTrap);
});

t.test('the fields given to a response are copied', async (t) => {
  const headers = Fields.fromList([['a', bytes('1')]]);
  const response = new OutgoingResponse(headers);
  headers.append('b', bytes('2'));
  t.equal(response.headers().entries().length, 1);
});

t.test('outgoing requests are built but denied', async (t) => {
  const { host } = setup();
  const requestObject = new OutgoingRequest(Fields.fromList([['accept', bytes('*/*')]]));
  t.same(requestObject.method(), { tag: 'get' });
  requestObject.setMethod({ tag: 'other', val: 'PURGE' });
  t.equal(
    thrownBy(() => requestObject.setMethod({ tag: 'other', val: 'BAD METHOD' })),
    undefined,
  );
  requestObject.setScheme({ tag: 'HTTPS' });
  t.equal(
    thrownBy(() => requestObject.setScheme({ tag: 'other', val: '1nvalid' })),
    undefined,
  );
  requestObject.setAuthority('example.com:443');
  t.equal(
    thrownBy(() => requestObject.setAuthority('exa mple')),
    undefined,
  );
  requestObject.setPathWithQuery('/x?y');
  t.equal(
    thrownBy(() => requestObject.setPathWithQuery('/a b')),
    undefined,
  );
  t.same(requestObject.method(), { tag: 'other', val: 'PURGE' });
  t.same(requestObject.scheme(), { tag: 'HTTPS' });
  t.equal(requestObject.authority(), 'example.com:443');
  t.equal(requestObject.pathWithQuery(), '/x?y');
  t.same(
    thrownBy(() => requestObject.headers().delete('accept')),
    { tag: 'immutable' },
  );
  requestObject.body();
  t.equal(
    thrownBy(() => requestObject.body()),
    undefined,
  );
  const options = new RequestOptions();
  options.setConnectTimeout(5n);
  t.equal(options.connectTimeout(), 5n);
  t.equal(options.firstByteTimeout(), undefined);
  const { handle } = host.imports['wasi:http/outgoing-handler'] as {
    handle(r: object, o?: object): unknown;
  };
  t.same(
    thrownBy(() => handle(requestObject, options)),
    { tag: 'HTTP-request-denied' },
  );
});

t.test('response futures and incoming responses (for egress later)', async (t) => {
  const { host } = setup();
  const response = new IncomingResponse(
    502,
    [['x', bytes('1')]],
    bytesSource(bytes('gateway')),
    host.streams,
  );
  const future = new FutureIncomingResponse(host.streams);
  t.notOk(future.subscribe().ready());
  t.equal(future.get(), undefined);
  future.resolve({ tag: 'ok', val: response });
  t.ok(future.subscribe().ready());
  const got = future.get() as { tag: 'ok'; val: { tag: 'ok'; val: IncomingResponse } };
  t.equal(got.val.val, response);
  t.same(future.get(), { tag: 'err', val: undefined });
  t.equal(response.status(), 502);
  t.same(text(response.headers().get('x')[0] ?? new Uint8Array()), '1');
  const stream = response.consume().stream();
  t.equal(text(stream.read(100n)), 'gateway');
  t.equal(
    thrownBy(() => response.consume()),
    undefined,
  );
});

t.test('a body stream obtained from write is a wasi:io output-stream', async (t) => {
  const { host } = setup();
  const { OutputStream: StreamClass } = host.imports['wasi:io/streams'] as {
    OutputStream: abstract new () => OutputStream;
  };
  t.ok(new OutgoingResponse(new Fields()).body().write() instanceof StreamClass);
});
