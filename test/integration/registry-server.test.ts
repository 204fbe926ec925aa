// `skiff registry` spoken to with plain fetch: the protocol details of the OCI
// Distribution spec (uploads, ranges, mounts, manifests, tags, errors) and
// persistence across a restart on the same data directory.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import t from 'tap';
import type { RunningRegistry } from '../../runtime/images/registry-server/index.js';
import {
  createRegistryRouter,
  createRegistryStorage,
  serveRegistry,
} from '../../runtime/images/registry-server/index.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-registry-server-'));
let registry: RunningRegistry = await serveRegistry({ dataDir, host: '127.0.0.1', port: 0 });
t.teardown(async () => {
  await registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

const v2 = (rest: string) => `http://${registry.address}/v2/${rest}`;
const absolute = (location: string | null) => `http://${registry.address}${location ?? ''}`;

function digestOf(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function bytesOf(text: string): Buffer {
  return Buffer.from(text);
}

async function errorCode(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as { errors?: { code: string }[] };
  return body.errors?.[0]?.code;
}

/** Pushes `bytes` to `repo` in one POST; returns the digest. */
async function pushBlob(repo: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  const response = await fetch(v2(`${repo}/blobs/uploads/?digest=${digest}`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: bytes,
  });
  if (response.status !== 201) throw new Error(`push blob: ${response.status}`);
  return digest;
}

function descriptor(mediaType: string, bytes: Buffer) {
  return { mediaType, digest: digestOf(bytes), size: bytes.length };
}

/** An image manifest over a fresh config and `layers`, its blobs pushed to `repo`. */
async function imageManifest(repo: string, layers: Buffer[], extra: object = {}) {
  const config = bytesOf(JSON.stringify({ architecture: 'wasm', os: 'wasip1', n: Math.random() }));
  await pushBlob(repo, config);
  for (const layer of layers) await pushBlob(repo, layer);
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor('application/vnd.oci.image.config.v1+json', config),
    layers: layers.map((layer) => descriptor('application/vnd.oci.image.layer.v1.tar', layer)),
    ...extra,
  };
}

function putManifest(repo: string, reference: string, body: Buffer | object, type = OCI_MANIFEST) {
  return fetch(v2(`${repo}/manifests/${reference}`), {
    method: 'PUT',
    headers: { 'Content-Type': type },
    body: Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

function startUpload(repo: string): Promise<Response> {
  return fetch(v2(`${repo}/blobs/uploads/`), {
    method: 'POST',
    headers: { 'Content-Length': '0' },
  });
}

function patch(location: string | null, chunk: Buffer, range?: string): Promise<Response> {
  return fetch(absolute(location), {
    method: 'PATCH',
    headers: {
      'Content-Type': 'application/octet-stream',
      ...(range === undefined ? {} : { 'Content-Range': range }),
    },
    body: chunk,
  });
}

t.test('GET /v2/ answers 200 {} with the API version header', async (t) => {
  const response = await fetch(v2(''));
  t.equal(response.status, 200);
  t.equal(response.headers.get('docker-distribution-api-version'), 'registry/2.0');
  t.same(await response.json(), {});
});

t.test('a chunked upload in several PATCHes, closed by a PUT with the last chunk', async (t) => {
  const blob = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
  const started = await startUpload('team/app');
  t.equal(started.status, 202);
  const uuid = started.headers.get('docker-upload-uuid');
  t.ok(uuid, 'Docker-Upload-UUID');
  t.equal(started.headers.get('range'), '0-0');
  t.match(started.headers.get('location'), /^\/v2\/team\/app\/blobs\/uploads\//);

  let location = started.headers.get('location');
  for (const [start, end] of [
    [0, 999],
    [1000, 1999],
  ] as const) {
    const response = await patch(location, blob.subarray(start, end + 1), `${start}-${end}`);
    t.equal(response.status, 202, `chunk ${start}-${end}`);
    t.equal(response.headers.get('range'), `0-${end}`);
    location = response.headers.get('location');
  }
  const status = await fetch(absolute(location));
  t.equal(status.status, 204, 'upload status');
  t.equal(status.headers.get('range'), '0-1999');

  const digest = digestOf(blob);
  const put = await fetch(`${absolute(location)}?digest=${digest}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': '2000-2999' },
    body: blob.subarray(2000),
  });
  t.equal(put.status, 201);
  t.equal(put.headers.get('docker-content-digest'), digest);
  t.equal(put.headers.get('location'), `/v2/team/app/blobs/${digest}`);

  const head = await fetch(v2(`team/app/blobs/${digest}`), { method: 'HEAD' });
  t.equal(head.status, 200);
  t.equal(head.headers.get('content-length'), '3000');
  t.equal(head.headers.get('docker-content-digest'), digest);
  const get = await fetch(v2(`team/app/blobs/${digest}`));
  t.same(Buffer.from(await get.arrayBuffer()), blob, 'the bytes come back');
  t.equal((await fetch(absolute(location))).status, 404, 'the session is gone');
});

t.test(
  'a streamed PATCH without Content-Range, then an empty PUT (what skopeo does)',
  async (t) => {
    const blob = bytesOf('streamed '.repeat(1000));
    const started = await startUpload('team/app');
    const patched = await patch(started.headers.get('location'), blob);
    t.equal(patched.status, 202);
    t.equal(patched.headers.get('range'), `0-${blob.length - 1}`);
    const digest = digestOf(blob);
    const put = await fetch(`${absolute(patched.headers.get('location'))}?digest=${digest}`, {
      method: 'PUT',
    });
    t.equal(put.status, 201);
    t.equal((await fetch(v2(`team/app/blobs/${digest}`), { method: 'HEAD' })).status, 200);
  },
);

t.test('an out-of-order chunk is 416 and the upload stays where it was', async (t) => {
  const started = await startUpload('team/app');
  const location = started.headers.get('location');
  t.equal((await patch(location, bytesOf('0123456789'), '0-9')).status, 202);

  const gap = await patch(location, bytesOf('abcdefghij'), '20-29');
  t.equal(gap.status, 416, 'a gap');
  t.equal(await errorCode(gap), 'BLOB_UPLOAD_INVALID');
  t.equal(gap.headers.get('range'), '0-9', 'says where to resume');
  const overlap = await patch(location, bytesOf('abcdefghij'), '5-14');
  t.equal(overlap.status, 416, 'an overlap');
  const malformed = await patch(location, bytesOf('abcdefghij'), 'ten-twenty');
  t.equal(malformed.status, 416, 'a malformed range');
  const short = await patch(location, bytesOf('abc'), '10-19');
  t.equal(short.status, 400, 'fewer bytes than the range says');
  t.equal(await errorCode(short), 'SIZE_INVALID');

  t.equal((await patch(location, bytesOf('abcdefghij'), '10-19')).status, 202, 'in order');
  const digest = digestOf('0123456789abcdefghij');
  const put = await fetch(`${absolute(location)}?digest=${digest}`, { method: 'PUT' });
  t.equal(put.status, 201, 'the rejected chunks left nothing behind');
});

t.test('a PUT with the wrong digest is 400 DIGEST_INVALID and stores nothing', async (t) => {
  const blob = bytesOf('the real content');
  const claimed = digestOf('something else');
  const started = await startUpload('team/app');
  const patched = await patch(started.headers.get('location'), blob);
  const put = await fetch(`${absolute(patched.headers.get('location'))}?digest=${claimed}`, {
    method: 'PUT',
  });
  t.equal(put.status, 400);
  t.equal(await errorCode(put), 'DIGEST_INVALID');
  for (const digest of [claimed, digestOf(blob)]) {
    t.equal((await fetch(v2(`team/app/blobs/${digest}`), { method: 'HEAD' })).status, 404);
    t.notOk(existsSync(path.join(dataDir, 'blobs', 'sha256', digest.slice(7))), 'no file');
  }
  t.same(await readdir(path.join(dataDir, 'tmp')), [], 'no temp file left');

  const mono = await fetch(v2(`team/app/blobs/uploads/?digest=${claimed}`), {
    method: 'POST',
    body: blob,
  });
  t.equal(mono.status, 400, 'monolithic POST too');
  t.equal(await errorCode(mono), 'DIGEST_INVALID');
  const bad = await fetch(v2('team/app/blobs/uploads/?digest=sha256:nothex'), {
    method: 'POST',
    body: blob,
  });
  t.equal(bad.status, 400, 'a malformed digest');
});

t.test('a monolithic POST ?digest= is 201', async (t) => {
  const blob = bytesOf('monolithic');
  const digest = digestOf(blob);
  const response = await fetch(v2(`team/app/blobs/uploads/?digest=${digest}`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: blob,
  });
  t.equal(response.status, 201);
  t.equal(response.headers.get('location'), `/v2/team/app/blobs/${digest}`);
  t.equal(response.headers.get('docker-content-digest'), digest);
});

t.test('cross-repository mount: 201 from a repository holding the blob, else 202', async (t) => {
  const blob = bytesOf('shared layer');
  const digest = await pushBlob('team/app', blob);
  t.equal(
    (await fetch(v2(`other/app/blobs/${digest}`), { method: 'HEAD' })).status,
    404,
    'a blob is served only from repositories it was pushed or mounted to',
  );

  const mounted = await fetch(v2(`other/app/blobs/uploads/?mount=${digest}&from=team/app`), {
    method: 'POST',
  });
  t.equal(mounted.status, 201);
  t.equal(mounted.headers.get('location'), `/v2/other/app/blobs/${digest}`);
  t.equal(mounted.headers.get('docker-content-digest'), digest);
  const got = await fetch(v2(`other/app/blobs/${digest}`));
  t.same(Buffer.from(await got.arrayBuffer()), blob, 'served from the new repository');

  const missing = digestOf('not pushed anywhere');
  const fallback = await fetch(v2(`third/app/blobs/uploads/?mount=${missing}&from=team/app`), {
    method: 'POST',
  });
  t.equal(fallback.status, 202, 'the blob is not in `from`: an upload session instead');
  t.ok(fallback.headers.get('docker-upload-uuid'));
  const wrongFrom = await fetch(v2(`third/app/blobs/uploads/?mount=${digest}&from=nowhere`), {
    method: 'POST',
  });
  t.equal(wrongFrom.status, 202, '`from` does not hold it');
  const noFrom = await fetch(v2(`third/app/blobs/uploads/?mount=${digest}`), { method: 'POST' });
  t.equal(noFrom.status, 202, 'no `from`');
});

t.test('range GETs answer 206 with Content-Range', async (t) => {
  const blob = bytesOf('0123456789abcdefghijklmnopqrstuvwxyz');
  const digest = await pushBlob('team/app', blob);
  const get = (range: string) =>
    fetch(v2(`team/app/blobs/${digest}`), { headers: { Range: range } });

  const middle = await get('bytes=10-19');
  t.equal(middle.status, 206);
  t.equal(middle.headers.get('content-range'), `bytes 10-19/${blob.length}`);
  t.equal(await middle.text(), 'abcdefghij');
  const open = await get('bytes=30-');
  t.equal(open.status, 206);
  t.equal(await open.text(), 'uvwxyz');
  const suffix = await get('bytes=-3');
  t.equal(await suffix.text(), 'xyz');
  const past = await get('bytes=100-200');
  t.equal(past.status, 416);
  t.equal(past.headers.get('content-range'), `bytes */${blob.length}`);
  const whole = await fetch(v2(`team/app/blobs/${digest}`));
  t.equal(whole.status, 200);
  t.equal(whole.headers.get('accept-ranges'), 'bytes');
});

t.test('tags list: lexical order, n and last, a Link to the next page', async (t) => {
  const manifest = await imageManifest('team/tags', [bytesOf('layer')]);
  for (const tag of ['v3', 'B', 'a', 'v10', 'v1']) {
    t.equal((await putManifest('team/tags', tag, manifest)).status, 201, `tag ${tag}`);
  }
  const all = await fetch(v2('team/tags/tags/list'));
  t.same(await all.json(), { name: 'team/tags', tags: ['a', 'B', 'v1', 'v10', 'v3'] });
  t.equal(all.headers.get('link'), null, 'no Link without n');

  const pages: string[][] = [];
  let next: string | null = v2('team/tags/tags/list?n=2');
  while (next !== null) {
    const response: Response = await fetch(next);
    pages.push(((await response.json()) as { tags: string[] }).tags);
    const link = response.headers.get('link');
    next = link === null ? null : absolute(/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? null);
  }
  t.same(pages, [['a', 'B'], ['v1', 'v10'], ['v3']], 'followed the Link headers');

  const after = await fetch(v2('team/tags/tags/list?last=v1'));
  t.same(((await after.json()) as { tags: string[] }).tags, ['v10', 'v3'], 'last alone');
  const zero = await fetch(v2('team/tags/tags/list?n=0'));
  t.same(((await zero.json()) as { tags: string[] }).tags, []);
  t.equal(zero.headers.get('link'), null, 'n=0: no Link');
  const exact = await fetch(v2('team/tags/tags/list?n=5'));
  t.equal(exact.headers.get('link'), null, 'no Link when nothing is left');

  const unknown = await fetch(v2('nobody/here/tags/list'));
  t.equal(unknown.status, 404);
  t.equal(await errorCode(unknown), 'NAME_UNKNOWN');
});

t.test('manifests: stored byte for byte, by tag and by digest', async (t) => {
  const manifest = await imageManifest('team/app', [bytesOf('layer one'), bytesOf('layer two')]);
  // Odd whitespace: the digest is of these exact bytes, never of a re-encoding.
  const bytes = bytesOf(`${JSON.stringify(manifest, null, 3)}\n\n`);
  const digest = digestOf(bytes);
  const put = await putManifest('team/app', 'v1', bytes);
  t.equal(put.status, 201);
  t.equal(put.headers.get('docker-content-digest'), digest);
  t.equal(put.headers.get('location'), `/v2/team/app/manifests/${digest}`);

  for (const reference of ['v1', digest]) {
    const get = await fetch(v2(`team/app/manifests/${reference}`), {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    t.equal(get.status, 200, reference);
    t.equal(get.headers.get('content-type'), OCI_MANIFEST, 'the type it was pushed with');
    t.equal(get.headers.get('docker-content-digest'), digest);
    t.same(Buffer.from(await get.arrayBuffer()), bytes, 'the exact bytes');
    const head = await fetch(v2(`team/app/manifests/${reference}`), { method: 'HEAD' });
    t.equal(head.headers.get('content-length'), String(bytes.length));
  }

  t.equal((await putManifest('team/app', digest, bytes)).status, 201, 'PUT by its digest');
  const wrong = await putManifest('team/app', digestOf('other'), bytes);
  t.equal(wrong.status, 400, 'PUT by another digest');
  t.equal(await errorCode(wrong), 'DIGEST_INVALID');
  const mismatch = await putManifest('team/app', 'v2', bytes, OCI_INDEX);
  t.equal(mismatch.status, 400, 'Content-Type disagrees with mediaType');
  t.equal(await errorCode(mismatch), 'MANIFEST_INVALID');
  const junk = await putManifest('team/app', 'v2', bytesOf('{"schemaVersion":'));
  t.equal(await errorCode(junk), 'MANIFEST_INVALID', 'not JSON');
  const missing = await fetch(v2('team/app/manifests/nope'));
  t.equal(missing.status, 404);
  t.equal(await errorCode(missing), 'MANIFEST_UNKNOWN');
});

t.test('a manifest referencing a blob the repository lacks is 400', async (t) => {
  const manifest = await imageManifest('team/app', [bytesOf('present')]);
  const absent = {
    ...manifest,
    layers: [
      ...manifest.layers,
      descriptor('application/vnd.oci.image.layer.v1.tar', bytesOf('x')),
    ],
  };
  const response = await putManifest('team/app', 'broken', absent);
  t.equal(response.status, 400);
  const body = (await response.json()) as { errors: { code: string; detail: unknown }[] };
  t.equal(body.errors[0]?.code, 'MANIFEST_BLOB_UNKNOWN');
  t.same(body.errors[0]?.detail, { digest: digestOf('x') });

  // In the store, but pushed to another repository only.
  const elsewhere = await pushBlob('other/repo', bytesOf('elsewhere'));
  const foreign = {
    ...manifest,
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: elsewhere, size: 9 }],
  };
  t.equal(
    await errorCode(await putManifest('team/app', 'broken', foreign)),
    'MANIFEST_BLOB_UNKNOWN',
  );

  const wrongSize = { ...manifest, layers: [{ ...manifest.layers[0], size: 1 }] };
  t.equal(await errorCode(await putManifest('team/app', 'broken', wrongSize)), 'MANIFEST_INVALID');

  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ mediaType: OCI_MANIFEST, digest: digestOf('no such manifest'), size: 16 }],
  };
  t.equal(
    await errorCode(await putManifest('team/app', 'idx', index, OCI_INDEX)),
    'MANIFEST_BLOB_UNKNOWN',
    'an index whose child is not there',
  );
  t.equal((await fetch(v2('team/app/manifests/broken'))).status, 404, 'nothing was tagged');
});

t.test('an index of manifests in the repository is accepted', async (t) => {
  const children = [];
  for (const arch of ['wasm', 'amd64']) {
    const manifest = bytesOf(JSON.stringify(await imageManifest('team/multi', [bytesOf(arch)])));
    t.equal((await putManifest('team/multi', digestOf(manifest), manifest)).status, 201);
    children.push({
      ...descriptor(OCI_MANIFEST, manifest),
      platform: { architecture: arch, os: 'x' },
    });
  }
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: children };
  t.equal((await putManifest('team/multi', 'v1', index, OCI_INDEX)).status, 201);
  const get = await fetch(v2('team/multi/manifests/v1'));
  t.equal(get.headers.get('content-type'), OCI_INDEX);
});

t.test('deleting: a manifest by digest (its tags go too), a tag alone, a blob', async (t) => {
  const manifest = await imageManifest('team/del', [bytesOf('to delete')]);
  const bytes = bytesOf(JSON.stringify(manifest));
  const digest = digestOf(bytes);
  await putManifest('team/del', 'v1', bytes);
  await putManifest('team/del', 'v2', bytes);

  const untag = await fetch(v2('team/del/manifests/v2'), { method: 'DELETE' });
  t.equal(untag.status, 202);
  t.equal((await fetch(v2('team/del/manifests/v1'))).status, 200, 'the other tag stays');
  t.equal((await fetch(v2(`team/del/manifests/${digest}`))).status, 200, 'the manifest stays');

  const deleted = await fetch(v2(`team/del/manifests/${digest}`), { method: 'DELETE' });
  t.equal(deleted.status, 202);
  for (const reference of [digest, 'v1']) {
    const get = await fetch(v2(`team/del/manifests/${reference}`));
    t.equal(get.status, 404, reference);
    t.equal(await errorCode(get), 'MANIFEST_UNKNOWN');
  }
  t.same(await (await fetch(v2('team/del/tags/list'))).json(), { name: 'team/del', tags: [] });
  const again = await fetch(v2(`team/del/manifests/${digest}`), { method: 'DELETE' });
  t.equal(again.status, 404);

  const layer = manifest.layers[0]?.digest ?? '';
  t.equal(
    (await fetch(v2(`team/del/blobs/${layer}`), { method: 'HEAD' })).status,
    200,
    'deleting a manifest keeps its blobs',
  );
  t.equal((await fetch(v2(`team/del/blobs/${layer}`), { method: 'DELETE' })).status, 202);
  const gone = await fetch(v2(`team/del/blobs/${layer}`));
  t.equal(gone.status, 404);
  t.equal(await errorCode(gone), 'BLOB_UNKNOWN');
});

t.test('repository names follow the spec grammar', async (t) => {
  for (const name of [
    'Team/App',
    'team//app',
    '-team/app',
    'team/app-',
    'team/a..b',
    'a'.repeat(256),
  ]) {
    const response = await fetch(v2(`${name}/tags/list`));
    t.equal(response.status, 400, name.slice(0, 40));
    t.equal(await errorCode(response), 'NAME_INVALID');
  }
  const upload = await fetch(v2('UPPER/blobs/uploads/'), { method: 'POST' });
  t.equal(await errorCode(upload), 'NAME_INVALID', 'on uploads too');
  for (const name of ['a', 'a/b/c/d', 'a.b_c__d---e/f0']) {
    const response = await fetch(v2(`${name}/tags/list`));
    t.equal(response.status, 404, `${name} is valid (and unknown)`);
  }
});

t.test('a 5 MiB manifest is 413', async (t) => {
  const big = bytesOf(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [],
      pad: 'x'.repeat(5 << 20),
    }),
  );
  const response = await putManifest('team/app', 'big', big, OCI_INDEX);
  t.equal(response.status, 413);
  t.equal(await errorCode(response), 'SIZE_INVALID');
  t.equal(await fetch(v2('')).then((r) => r.status), 200, 'the registry still answers');
});

t.test('referrers: a manifest with a subject', async (t) => {
  const subject = await imageManifest('team/ref', [bytesOf('subject layer')]);
  const subjectBytes = bytesOf(JSON.stringify(subject));
  await putManifest('team/ref', 'v1', subjectBytes);
  const signature = await imageManifest('team/ref', [bytesOf('signature')], {
    artifactType: 'application/vnd.example.signature',
    subject: descriptor(OCI_MANIFEST, subjectBytes),
    annotations: { 'org.example': 'yes' },
  });
  const put = await putManifest('team/ref', digestOf(JSON.stringify(signature)), signature);
  t.equal(put.status, 201);
  t.equal(put.headers.get('oci-subject'), digestOf(subjectBytes));

  const listed = await fetch(v2(`team/ref/referrers/${digestOf(subjectBytes)}`));
  t.equal(listed.status, 200);
  t.equal(listed.headers.get('content-type'), OCI_INDEX);
  t.same(await listed.json(), {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      {
        mediaType: OCI_MANIFEST,
        digest: digestOf(JSON.stringify(signature)),
        size: JSON.stringify(signature).length,
        artifactType: 'application/vnd.example.signature',
        annotations: { 'org.example': 'yes' },
      },
    ],
  });
  const filtered = await fetch(
    v2(`team/ref/referrers/${digestOf(subjectBytes)}?artifactType=application/other`),
  );
  t.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
  t.same(((await filtered.json()) as { manifests: unknown[] }).manifests, []);
  const none = await fetch(v2(`unknown/repo/referrers/${digestOf('x')}`));
  t.equal(none.status, 200, 'never 404');
});

t.test("unknown uploads, other repositories' uploads, wrong methods", async (t) => {
  const unknown = await fetch(v2('team/app/blobs/uploads/00000000-0000-4000-8000-000000000000'));
  t.equal(unknown.status, 404);
  t.equal(await errorCode(unknown), 'BLOB_UPLOAD_UNKNOWN');
  const started = await startUpload('team/app');
  const id = started.headers.get('docker-upload-uuid') ?? '';
  const stolen = await fetch(v2(`other/app/blobs/uploads/${id}`));
  t.equal(await errorCode(stolen), 'BLOB_UPLOAD_UNKNOWN', 'sessions belong to their repository');
  const cancelled = await fetch(absolute(started.headers.get('location')), { method: 'DELETE' });
  t.equal(cancelled.status, 204);
  t.equal((await fetch(absolute(started.headers.get('location')))).status, 404);

  const wrong = await fetch(v2('team/app/tags/list'), { method: 'POST' });
  t.equal(wrong.status, 405);
  t.equal(await errorCode(wrong), 'UNSUPPORTED');
  t.equal((await fetch(v2('team/app/elsewhere'))).status, 404);
});

t.test('a restart on the same data directory keeps everything', async (t) => {
  const manifest = await imageManifest('team/persist', [bytesOf('persisted layer')]);
  const bytes = bytesOf(JSON.stringify(manifest));
  await putManifest('team/persist', 'v1', bytes);
  const started = await startUpload('team/persist');
  const location = started.headers.get('location');
  t.equal((await patch(location, bytesOf('first half, '), '0-11')).status, 202);

  await registry.close();
  registry = await serveRegistry({ dataDir, port: 0 });

  const get = await fetch(v2('team/persist/manifests/v1'));
  t.same(Buffer.from(await get.arrayBuffer()), bytes, 'manifest and tag');
  t.same(await (await fetch(v2('team/persist/tags/list'))).json(), {
    name: 'team/persist',
    tags: ['v1'],
  });
  const layer = manifest.layers[0]?.digest ?? '';
  t.equal(await (await fetch(v2(`team/persist/blobs/${layer}`))).text(), 'persisted layer');

  const status = await fetch(absolute(location));
  t.equal(status.headers.get('range'), '0-11', 'the upload session survived');
  const rest = bytesOf('second half');
  t.equal((await patch(location, rest, `12-${12 + rest.length - 1}`)).status, 202);
  const digest = digestOf('first half, second half');
  const put = await fetch(`${absolute(location)}?digest=${digest}`, { method: 'PUT' });
  t.equal(put.status, 201, 'and completes after the restart');
});

t.test('gc deletes blobs no manifest references, keeps shared ones and `keep`s', async (t) => {
  const shared = bytesOf('shared by two images');
  const onlyOld = bytesOf('only in the old image');
  const kept = bytesOf('kept by the caller');
  const old = await imageManifest('team/gc', [shared, onlyOld]);
  const current = await imageManifest('team/gc', [shared]);
  const oldBytes = bytesOf(JSON.stringify(old));
  await putManifest('team/gc', 'old', oldBytes);
  await putManifest('team/gc', 'current', current);
  const keptDigest = await pushBlob('team/gc', kept);
  t.equal(
    (await fetch(v2(`team/gc/manifests/${digestOf(oldBytes)}`), { method: 'DELETE' })).status,
    202,
  );

  await registry.close();
  const storage = await createRegistryStorage(dataDir);
  const dry = await storage.gc({ dryRun: true, keep: (d) => d === keptDigest });
  t.ok(dry.deletedBlobs.includes(digestOf(onlyOld)), 'dry run reports');
  t.ok(await storage.blobs.has(digestOf(onlyOld)), 'dry run deletes nothing');
  const result = await storage.gc({ keep: (d) => d === keptDigest });
  await storage.close();
  registry = await serveRegistry({ dataDir, port: 0 });

  t.ok(result.deletedBlobs.includes(digestOf(onlyOld)), "the old image's own layer");
  t.ok(result.deletedBlobs.includes(digestOf(oldBytes)), 'the deleted manifest');
  t.ok(result.deletedBlobs.includes(old.config.digest), 'its config');
  t.notOk(result.deletedBlobs.includes(digestOf(shared)), 'not the shared layer');
  t.notOk(result.deletedBlobs.includes(keptDigest), 'not what `keep` protects');
  t.ok(result.reclaimedBytes > 0);
  const head = (digest: string) =>
    fetch(v2(`team/gc/blobs/${digest}`), { method: 'HEAD' }).then((r) => r.status);
  t.equal(await head(digestOf(onlyOld)), 404, 'its link went with it');
  t.equal(await head(digestOf(shared)), 200);
  t.equal((await fetch(v2('team/gc/manifests/current'))).status, 200, 'the live image is whole');
});

t.test(
  'the router mounted elsewhere: Locations follow the mount, deletes can be off',
  async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-registry-router-'));
    const storage = await createRegistryStorage(dir);
    const app = express();
    app.use('/cluster/v2', createRegistryRouter(storage, { allowDelete: false }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    t.teardown(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cluster/v2`;

    const started = await fetch(`${base}/team/app/blobs/uploads/`, { method: 'POST' });
    t.match(started.headers.get('location'), /^\/cluster\/v2\/team\/app\/blobs\/uploads\//);
    const blob = bytesOf('mounted elsewhere');
    const digest = digestOf(blob);
    const pushed = await fetch(`${base}/team/app/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      body: blob,
    });
    t.equal(pushed.headers.get('location'), `/cluster/v2/team/app/blobs/${digest}`);

    const refused = await fetch(`${base}/team/app/blobs/${digest}`, { method: 'DELETE' });
    t.equal(refused.status, 405);
    t.equal(await errorCode(refused), 'UNSUPPORTED');
    t.equal((await fetch(`${base}/team/app/blobs/${digest}`, { method: 'HEAD' })).status, 200);

    const head = await fetch(`${base}/team/app/blobs/${digestOf('absent')}`, { method: 'HEAD' });
    t.equal(head.status, 404, 'HEAD errors carry no body');
    t.equal(await head.text(), '');

    await fetch(`${base}/other/app/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      body: blob,
    });
    const catalog = await fetch(`${base}/_catalog?n=1`);
    t.same(await catalog.json(), { repositories: ['other/app'] });
    t.equal(catalog.headers.get('link'), '</cluster/v2/_catalog?n=1&last=other%2Fapp>; rel="next"');
  },
);
