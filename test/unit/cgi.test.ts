import t from 'tap';
import { cgiEnvironment, parseCgiResponse } from '../../runtime/wasm/http/cgi.js';
import type { HttpRequestMessage } from '../../runtime/wasm/sandbox/protocol.js';

const enc = new TextEncoder();
const request: HttpRequestMessage = {
  method: 'POST',
  scheme: 'http',
  authority: 'kubia:8080',
  pathWithQuery: '/a%20b/c?x=1&y=2',
  headers: [
    ['content-type', enc.encode('text/plain')],
    ['x-trace', enc.encode('one')],
    ['x-trace', enc.encode('two')],
    ['authorization', enc.encode('Bearer secret')],
  ],
  body: enc.encode('hello'),
  remoteAddress: '10.0.0.7',
  serverPort: 8080,
};

t.test('CGI variables follow RFC 3875', async (t) => {
  const env = Object.fromEntries(
    cgiEnvironment(request, { serverName: 'kubia', serverPort: 8080 }),
  );
  t.match(env, {
    GATEWAY_INTERFACE: 'CGI/1.1',
    REQUEST_METHOD: 'POST',
    PATH_INFO: '/a b/c',
    X_RAW_PATH_INFO: '/a%20b/c',
    QUERY_STRING: 'x=1&y=2',
    CONTENT_LENGTH: '5',
    CONTENT_TYPE: 'text/plain',
    HTTP_X_TRACE: 'one, two',
    REMOTE_ADDR: '10.0.0.7',
    SERVER_NAME: 'kubia',
    SERVER_PORT: '8080',
    X_FULL_URL: 'http://kubia:8080/a%20b/c?x=1&y=2',
  });
  t.notOk('HTTP_AUTHORIZATION' in env, 'credentials are not passed to scripts');
});

t.test('a CGI response: headers, blank line, body', async (t) => {
  const parsed = parseCgiResponse(enc.encode('Content-Type: text/plain\r\nX-A: b\r\n\r\nbody\n'));
  t.match(parsed, {
    ok: true,
    status: 200,
    headers: [
      ['content-type', 'text/plain'],
      ['x-a', 'b'],
    ],
  });
  if (parsed.ok) t.equal(new TextDecoder().decode(parsed.body), 'body\n');
  t.match(parseCgiResponse(enc.encode('Status: 404 Not Found\n\n')), { ok: true, status: 404 });
  t.match(parseCgiResponse(enc.encode('Location: /elsewhere\n\n')), { ok: true, status: 302 });
});

t.test('malformed CGI responses say what is wrong', async (t) => {
  t.match(parseCgiResponse(enc.encode('just text')), { ok: false, error: /no header block/ });
  t.match(parseCgiResponse(enc.encode('X-Only: yes\n\n')), {
    ok: false,
    error: /none of Content-Type/,
  });
  t.match(parseCgiResponse(enc.encode('Status: abc\n\n')), { ok: false, error: /invalid Status/ });
  t.match(parseCgiResponse(enc.encode('no colon here\n\n')), {
    ok: false,
    error: /malformed header/,
  });
});
