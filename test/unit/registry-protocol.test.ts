import t from 'tap';
import { chunksOf } from '../../runtime/images/distribution/blob-upload.js';
import {
  RegistryError,
  classifyNetworkError,
  describeHttpFailure,
  describeNetworkFailure,
  parseErrorBody,
} from '../../runtime/images/distribution/errors.js';
import { parseManifest } from '../../runtime/images/distribution/manifest-content.js';
import { nextPage, readTagPage } from '../../runtime/images/distribution/tag-list.js';
import { MediaTypes } from '../../runtime/images/oci/media-types.js';

t.test('error bodies: OCI, Docker Hub token server, OAuth2, junk', async (t) => {
  t.same(
    parseErrorBody(
      '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository"}]}]}',
    ),
    [
      {
        code: 'UNAUTHORIZED',
        message: 'authentication required',
        detail: [{ Type: 'repository' }],
      },
    ],
  );
  t.same(parseErrorBody('{"details":"incorrect username or password"}'), [
    { code: 'UNAUTHORIZED', message: 'incorrect username or password' },
  ]);
  t.same(parseErrorBody('{"error":"invalid_grant","error_description":"bad password"}'), [
    { code: 'INVALID_GRANT', message: 'bad password' },
  ]);
  t.same(parseErrorBody('<html>502</html>'), []);
});

t.test('HTTP failures read as status, code and message', async (t) => {
  t.equal(
    describeHttpFailure(401, [{ code: 'UNAUTHORIZED', message: 'authentication required' }]),
    '401 unauthorized: authentication required',
  );
  t.equal(
    describeHttpFailure(404, [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }]),
    '404 manifest unknown',
  );
  t.equal(describeHttpFailure(502, []), '502 bad gateway');
});

t.test('RegistryError message: where, operation, detail, hint', async (t) => {
  const error = new RegistryError({
    registry: '127.0.0.1:5001',
    repository: 'team/kubia',
    operation: 'pull manifest v1',
    failure: 'http',
    status: 401,
    errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
    detail: '401 unauthorized: authentication required',
    hint: 'check your credentials: skiff login 127.0.0.1:5001',
  });
  t.equal(
    error.message,
    '127.0.0.1:5001/team/kubia: pull manifest v1: 401 unauthorized: authentication required (check your credentials: skiff login 127.0.0.1:5001)',
  );
  t.same(error.codes, ['UNAUTHORIZED']);
  t.equal(error.name, 'RegistryError');
});

t.test('network failures are classified from the cause chain', async (t) => {
  const wrap = (cause: object): Error => new TypeError('fetch failed', { cause });
  const errno = (code: string, message = code): Error =>
    Object.assign(new Error(message), { code });
  t.equal(classifyNetworkError(wrap(errno('ECONNREFUSED'))).kind, 'connection-refused');
  t.equal(
    classifyNetworkError(wrap(errno('ENOTFOUND', 'getaddrinfo ENOTFOUND reg.example'))).kind,
    'dns',
  );
  t.equal(classifyNetworkError(wrap(errno('ECONNRESET'))).kind, 'connection-reset');
  t.equal(classifyNetworkError(wrap(errno('UND_ERR_CONNECT_TIMEOUT'))).kind, 'timeout');
  t.equal(classifyNetworkError(wrap(errno('ERR_SSL_WRONG_VERSION_NUMBER'))).kind, 'tls');
  t.equal(classifyNetworkError(wrap(errno('DEPTH_ZERO_SELF_SIGNED_CERT'))).kind, 'tls');
  t.equal(
    classifyNetworkError(wrap(new AggregateError([errno('ECONNREFUSED')], 'connect'))).kind,
    'connection-refused',
    'happy eyeballs: one error per address',
  );
  t.equal(classifyNetworkError(new Error('weird')).kind, 'other');
  const dns = describeNetworkFailure(
    classifyNetworkError(wrap(errno('ENOTFOUND'))),
    'reg.example:5000',
  );
  t.equal(dns.detail, 'cannot resolve reg.example (ENOTFOUND)');
  t.match(dns.hint, /registry name/);
  const tls = describeNetworkFailure(
    classifyNetworkError(wrap(errno('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'))),
    'reg.example:5000',
  );
  t.match(tls.hint, /insecure/);
});

t.test('Link headers: the next page, relative or absolute, among other links', async (t) => {
  const base = new URL('http://127.0.0.1:5000/v2/a/tags/list?n=2');
  t.equal(
    nextPage('</v2/a/tags/list?last=b&n=2>; rel="next"', base)?.href,
    'http://127.0.0.1:5000/v2/a/tags/list?last=b&n=2',
  );
  t.equal(
    nextPage('<http://x/prev>; rel="prev", <http://x/next?a=1,2>; rel=next', base)?.href,
    'http://x/next?a=1,2',
  );
  t.equal(nextPage('</v2/a/tags/list?last=b>; rel="prev"', base), undefined);
  t.equal(nextPage(null, base), undefined);
  t.same(readTagPage('{"name":"a","tags":["v1","v2"]}'), ['v1', 'v2']);
  t.same(readTagPage('{"name":"a","tags":null}'), []);
  t.type(readTagPage('{"tags":[1]}'), 'string');
});

t.test('manifests: kinds from header, body or shape; malformed ones refused', async (t) => {
  const descriptor = { mediaType: 'x', digest: `sha256:${'a'.repeat(64)}`, size: 1 };
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, config: descriptor, layers: [descriptor] }),
  );
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [descriptor] }));
  const fromHeader = parseManifest(manifest, `${MediaTypes.dockerManifest}; charset=utf-8`);
  t.equal(typeof fromHeader === 'object' && fromHeader.mediaType, MediaTypes.dockerManifest);
  const byShape = parseManifest(index, 'application/octet-stream');
  t.equal(typeof byShape === 'object' && byShape.kind, 'index');
  t.match(parseManifest(manifest, MediaTypes.ociIndex), /manifests/);
  t.match(parseManifest(Buffer.from('{"schemaVersion":1}'), null), /schemaVersion 1/);
  t.match(parseManifest(Buffer.from('nope'), null), /not valid JSON/);
  t.match(
    parseManifest(manifest, 'application/vnd.docker.distribution.manifest.v1+prettyjws'),
    /schema 1/,
  );
  const badLayer = { schemaVersion: 2, config: descriptor, layers: [{ ...descriptor, size: -1 }] };
  t.match(parseManifest(Buffer.from(JSON.stringify(badLayer)), MediaTypes.ociManifest), /layers/);
});

t.test('chunksOf regroups a stream into fixed-size buffers', async (t) => {
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for (const size of [3, 1, 7, 0, 2, 10]) yield Buffer.alloc(size, size);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of chunksOf(pieces(), 4)) chunks.push(chunk);
  t.same(
    chunks.map((c) => c.length),
    [4, 4, 4, 4, 4, 3],
  );
  t.equal(Buffer.concat(chunks).length, 23);
  const empty: Buffer[] = [];
  async function* nothing(): AsyncGenerator<Uint8Array> {}
  for await (const chunk of chunksOf(nothing(), 4)) empty.push(chunk);
  t.same(empty, []);
});
