// The registry server's pure parts: grammars, routes, header parsing,
// pagination and manifest parsing.

import t from 'tap';
import { RegistryError, errorBody } from '../../runtime/images/registry-server/errors.js';
import {
  paginate,
  parseByteRange,
  parseContentRange,
} from '../../runtime/images/registry-server/http/http-support.js';
import { matchRoute } from '../../runtime/images/registry-server/http/routes.js';
import { parseManifest } from '../../runtime/images/registry-server/manifest-parse.js';
import {
  checkDigest,
  isRepositoryName,
  parseManifestReference,
} from '../../runtime/images/registry-server/names.js';
import { compareTags } from '../../runtime/images/registry-server/registry-storage.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return error instanceof RegistryError ? `${error.code} ${error.status}` : String(error);
  }
  return undefined;
}

t.test('repository names follow the spec grammar', async (t) => {
  for (const name of ['a', 'team/app', 'a.b/c_d/e__f/g-h/i---j', '0/1', 'a'.repeat(255)]) {
    t.ok(isRepositoryName(name), name.slice(0, 30));
  }
  for (const name of [
    '',
    'A',
    'a/',
    '/a',
    'a//b',
    'a_',
    'a___b',
    'a..b',
    'a.-b',
    'a b',
    'a'.repeat(256),
  ]) {
    t.notOk(isRepositoryName(name), JSON.stringify(name.slice(0, 30)));
  }
});

t.test('references are tags or digests, nothing else', async (t) => {
  t.same(parseManifestReference('v1.0_rc-1'), { kind: 'tag', tag: 'v1.0_rc-1' });
  t.same(parseManifestReference(DIGEST), { kind: 'digest', digest: DIGEST });
  t.equal(parseManifestReference('-v1'), undefined, 'a tag cannot start with -');
  t.equal(parseManifestReference('x'.repeat(129)), undefined, 'at most 128 characters');
  t.equal(parseManifestReference('sha256:'), undefined);
  t.equal(
    codeOf(() => parseManifestReference(`sha512:${'c'.repeat(128)}`)),
    'DIGEST_INVALID 400',
    'another algorithm: this store keeps sha256 only',
  );
  t.equal(
    codeOf(() => checkDigest(`sha256:${'A'.repeat(64)}`)),
    'DIGEST_INVALID 400',
  );
  t.equal(
    codeOf(() => checkDigest(null)),
    'DIGEST_INVALID 400',
  );
  t.equal(checkDigest(DIGEST), DIGEST);
});

t.test('routes: names with slashes, uploads before blobs, decoded digests', async (t) => {
  t.same(matchRoute('/'), { kind: 'base' });
  t.same(matchRoute(''), { kind: 'base' });
  t.same(matchRoute('/_catalog'), { kind: 'catalog' });
  t.same(matchRoute('/a/b/c/tags/list'), { kind: 'tags', name: 'a/b/c' });
  t.same(matchRoute('/team/app/manifests/v1'), {
    kind: 'manifest',
    name: 'team/app',
    reference: 'v1',
  });
  t.same(matchRoute(`/team/app/blobs/${DIGEST.replace(':', '%3A')}`), {
    kind: 'blob',
    name: 'team/app',
    digest: DIGEST,
  });
  t.same(matchRoute('/team/app/blobs/uploads/'), { kind: 'uploads', name: 'team/app' });
  t.same(matchRoute('/team/app/blobs/uploads'), { kind: 'uploads', name: 'team/app' });
  t.same(matchRoute('/team/app/blobs/uploads/abc'), {
    kind: 'upload',
    name: 'team/app',
    id: 'abc',
  });
  t.same(matchRoute(`/team/app/referrers/${DIGEST}`), {
    kind: 'referrers',
    name: 'team/app',
    digest: DIGEST,
  });
  t.same(matchRoute('/team/manifests/manifests/v1'), {
    kind: 'manifest',
    name: 'team/manifests',
    reference: 'v1',
  });
  t.equal(matchRoute('/team/app'), undefined);
  t.equal(matchRoute('/team/app/manifests/'), undefined);
});

t.test('chunk Content-Range: <start>-<end>, inclusive; malformed is 416', async (t) => {
  t.equal(parseContentRange(undefined), undefined);
  t.same(parseContentRange('0-999'), { start: 0, end: 999 });
  t.same(parseContentRange('bytes 10-19/*'), { start: 10, end: 19 }, 'a prefix some clients send');
  for (const bad of ['10', '-5', '5-', 'a-b', '9-3', '1-2-3']) {
    t.equal(
      codeOf(() => parseContentRange(bad)),
      'BLOB_UPLOAD_INVALID 416',
      bad,
    );
  }
});

t.test('blob read Range: one range, clamped; past the end is unsatisfiable', async (t) => {
  t.equal(parseByteRange(undefined, 100), undefined);
  t.same(parseByteRange('bytes=0-9', 100), { start: 0, end: 9 });
  t.same(parseByteRange('bytes=90-200', 100), { start: 90, end: 99 }, 'clamped');
  t.same(parseByteRange('bytes=95-', 100), { start: 95, end: 99 });
  t.same(parseByteRange('bytes=-10', 100), { start: 90, end: 99 });
  t.same(parseByteRange('bytes=-500', 100), { start: 0, end: 99 });
  t.equal(parseByteRange('bytes=100-', 100), 'unsatisfiable');
  t.equal(parseByteRange('bytes=-0', 100), 'unsatisfiable');
  t.equal(parseByteRange('bytes=0-0', 0), 'unsatisfiable');
  t.equal(parseByteRange('bytes=0-1,5-6', 100), undefined, 'multi-range: the whole blob');
  t.equal(parseByteRange('bytes=9-3', 100), undefined, 'malformed: ignored');
  t.equal(parseByteRange('items=0-1', 100), undefined);
});

t.test('pagination: n, last, and the next page', async (t) => {
  const tags = ['a', 'B', 'c', 'D', 'e'];
  const q = (text: string) => new URLSearchParams(text);
  t.same(paginate(tags, q(''), compareTags), { items: tags });
  t.same(paginate(tags, q('n=2'), compareTags), { items: ['a', 'B'], next: 'n=2&last=B' });
  t.same(paginate(tags, q('n=2&last=B'), compareTags), { items: ['c', 'D'], next: 'n=2&last=D' });
  t.same(paginate(tags, q('n=2&last=D'), compareTags), { items: ['e'] });
  t.same(paginate(tags, q('n=5'), compareTags), { items: tags });
  t.same(paginate(tags, q('n=0'), compareTags), { items: [] });
  t.same(paginate(tags, q('last=c'), compareTags), { items: ['D', 'e'] });
  t.same(paginate(tags, q('last=zzz'), compareTags), { items: [] });
  t.equal(
    codeOf(() => paginate(tags, q('n=-1'), compareTags)),
    'UNSUPPORTED 400',
  );
  t.same(['b', 'B', 'a', 'A', '10', '9'].sort(compareTags), ['10', '9', 'A', 'a', 'B', 'b']);
});

t.test('manifests: media type from Content-Type, the body, or the shape', async (t) => {
  const config = { mediaType: 'application/vnd.wasm.config.v0+json', digest: DIGEST, size: 10 };
  const layer = { mediaType: 'application/wasm', digest: OTHER, size: 20 };
  const image = { schemaVersion: 2, config, layers: [layer] };
  const bytes = (value: object) => Buffer.from(JSON.stringify(value));
  const oci = 'application/vnd.oci.image.manifest.v1+json';

  const parsed = parseManifest(bytes(image), `${oci}; charset=utf-8`);
  t.equal(parsed.mediaType, oci);
  t.equal(parsed.kind, 'image');
  t.same(
    parsed.blobs.map((d) => d.digest),
    [DIGEST, OTHER],
  );
  t.equal(parsed.artifactType, config.mediaType, 'artifactType: the config media type');

  t.equal(parseManifest(bytes(image), undefined).mediaType, oci, 'shape: config → image');
  const docker = 'application/vnd.docker.distribution.manifest.v2+json';
  t.equal(
    parseManifest(bytes({ ...image, mediaType: docker }), 'application/json').mediaType,
    docker,
  );
  const index = { schemaVersion: 2, manifests: [{ ...layer, mediaType: oci }] };
  const parsedIndex = parseManifest(bytes(index), undefined);
  t.equal(parsedIndex.kind, 'index');
  t.same(
    parsedIndex.manifests.map((d) => d.digest),
    [OTHER],
  );

  const foreign = {
    ...image,
    layers: [{ ...layer, urls: ['https://example.com/layer'], digest: `sha256:${'c'.repeat(64)}` }],
  };
  t.same(
    parseManifest(bytes(foreign), oci).blobs.map((d) => d.digest),
    [DIGEST],
    'foreign layers: not ours to hold',
  );

  const subject = parseManifest(bytes({ ...image, subject: layer, artifactType: 'x/y' }), oci);
  t.equal(subject.subject?.digest, OTHER);
  t.equal(subject.artifactType, 'x/y');

  const invalid: [string, Buffer, string | undefined][] = [
    ['not JSON', Buffer.from('{'), oci],
    ['schemaVersion 1', bytes({ ...image, schemaVersion: 1 }), oci],
    [
      'a schema 1 media type',
      bytes(image),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    ],
    ['types disagree', bytes({ ...image, mediaType: docker }), oci],
    ['no config', bytes({ schemaVersion: 2, layers: [] }), oci],
    ['layers not an array', bytes({ ...image, layers: {} }), oci],
    ['a bad digest', bytes({ ...image, config: { ...config, digest: 'sha256:1' } }), oci],
    ['a negative size', bytes({ ...image, config: { ...config, size: -1 } }), oci],
    ['bad annotations', bytes({ ...image, annotations: { a: 1 } }), oci],
    ['no clue', bytes({ schemaVersion: 2 }), undefined],
  ];
  for (const [what, body, type] of invalid) {
    t.equal(
      codeOf(() => parseManifest(body, type)),
      'MANIFEST_INVALID 400',
      what,
    );
  }
});

t.test('errors serialise in the spec shape', async (t) => {
  const error = new RegistryError('BLOB_UNKNOWN', 'no such blob', { detail: { digest: DIGEST } });
  t.equal(error.status, 404);
  t.same(errorBody([error]), {
    errors: [{ code: 'BLOB_UNKNOWN', message: 'no such blob', detail: { digest: DIGEST } }],
  });
  t.same(errorBody([new RegistryError('UNSUPPORTED', 'no')]), {
    errors: [{ code: 'UNSUPPORTED', message: 'no' }],
  });
  t.equal(new RegistryError('SIZE_INVALID', 'big', { status: 413 }).status, 413);
});
