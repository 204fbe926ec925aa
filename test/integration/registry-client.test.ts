// The registry client against a real registry (CNCF distribution 2.8 on
// 127.0.0.1): blobs pushed monolithically, in chunks and by mount; manifests
// and indexes pushed and pulled back byte for byte; tags paged; HEAD; delete;
// and skopeo reading what was pushed.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import {
  digestOf,
  RegistryError,
  registryClient,
} from '../../runtime/images/distribution/index.js';
import type { RegistryClient } from '../../runtime/images/distribution/index.js';
import { MediaTypes } from '../../runtime/images/oci/media-types.js';
import type { ImageIndex, ImageManifest } from '../../runtime/images/oci/types.js';
import { BlobStore } from '../../runtime/images/store/blob-store.js';
import { registryUnavailable, testRegistry } from '../helpers/registry.js';
import { relay, startProxy, type Intercept, type TestServer } from './registry-client-servers.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const unavailable = registryUnavailable();

/** A blob: its bytes and descriptor. */
function blob(bytes: Buffer, mediaType: string) {
  return { bytes, descriptor: { mediaType, digest: digestOf(bytes), size: bytes.length } };
}

/** Serves `/tags/list?n=&last=` in pages with a `Link` to the next one. */
const pageTags: Intercept = async (request, response, forward) => {
  const upstream = await forward();
  const url = new URL(request.url ?? '/', 'http://proxy');
  const n = Number(url.searchParams.get('n'));
  if (!url.pathname.endsWith('/tags/list') || upstream.status !== 200 || !n) {
    relay(response, upstream);
    return;
  }
  const { name, tags } = JSON.parse(upstream.body.toString()) as { name: string; tags: string[] };
  const last = url.searchParams.get('last');
  const rest = [...tags].sort().filter((tag) => last === null || tag > last);
  const page = rest.slice(0, n);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (rest.length > n) {
    headers.link = `</v2/${name}/tags/list?n=${n}&last=${page.at(-1) ?? ''}>; rel="next"`;
  }
  response.writeHead(200, headers);
  response.end(JSON.stringify({ name, tags: page }));
};

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

t.test('registry client against docker-registry', { skip: unavailable ?? false }, async (t) => {
  const registry = await testRegistry();
  t.teardown(() => registry.stop());
  // A recording proxy in front, to count the requests the client makes. It
  // also pages tag lists as the OCI spec describes (`n`, `last`, `Link`):
  // distribution 2.8 returns every tag at once.
  const proxy: TestServer = await startProxy(registry.address, pageTags);
  t.teardown(() => proxy.close());
  const chunkSize = 1 * MiB;
  const client: RegistryClient = registryClient(proxy.address, { chunkSize });
  const repo = `team/kubia-${randomBytes(3).toString('hex')}`;

  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'wasm',
        os: 'wasip1',
        config: { Entrypoint: ['/app.wasm'] },
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ),
    MediaTypes.ociConfig,
  );
  // Layers are gzip streams (of random bytes), as their media type says: skopeo
  // would recompress anything else.
  const small = blob(gzipSync(randomBytes(1000)), MediaTypes.ociLayerTarGzip);
  const large = blob(gzipSync(randomBytes(2.5 * MiB), { level: 0 }), MediaTypes.ociLayerTarGzip);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: config.descriptor,
    layers: [small.descriptor, large.descriptor],
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));

  t.test('a small blob goes up in one PUT, and only once', async (t) => {
    const before = proxy.requests.length;
    t.equal(
      await client.pushBlob(repo, small.descriptor, () => Readable.from([small.bytes])),
      'uploaded',
    );
    t.same(
      proxy.requests.slice(before).map((r) => r.method),
      ['HEAD', 'POST', 'PUT'],
    );
    t.equal(
      await client.pushBlob(repo, small.descriptor, () => Readable.from([small.bytes])),
      'exists',
    );
    t.equal(
      await client.pushBlob(repo, config.descriptor, () => Readable.from([config.bytes])),
      'uploaded',
    );
    t.ok(await client.hasBlob(repo, small.descriptor.digest));
  });

  t.test('a large blob goes up in PATCH chunks with Content-Range', async (t) => {
    const before = proxy.requests.length;
    // Odd-sized pieces, so chunks are regrouped from the stream.
    const pieces = () =>
      Readable.from(
        Array.from({ length: Math.ceil(large.bytes.length / 70_849) }, (_, i) =>
          large.bytes.subarray(i * 70_849, (i + 1) * 70_849),
        ),
      );
    t.equal(await client.pushBlob(repo, large.descriptor, pieces), 'uploaded');
    const sent = proxy.requests.slice(before);
    t.same(
      sent.map((r) => r.method),
      ['HEAD', 'POST', 'PATCH', 'PATCH', 'PATCH', 'PUT'],
    );
    t.same(
      sent.filter((r) => r.method === 'PATCH').map((r) => r.headers['content-range']),
      [`0-${MiB - 1}`, `${MiB}-${2 * MiB - 1}`, `${2 * MiB}-${large.bytes.length - 1}`],
    );
    t.match(sent.at(-1)?.url, `digest=${encodeURIComponent(large.descriptor.digest)}`);
  });

  t.test('blobs come back as streams, verified by the blob store', async (t) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-pull-'));
    t.teardown(() => rm(root, { recursive: true, force: true }));
    const store = await BlobStore.open(root);
    for (const { bytes, descriptor } of [small, large]) {
      const staged = await store.stage(await client.getBlob(repo, descriptor), descriptor);
      await store.commit(staged);
      t.same(await store.read(descriptor.digest), bytes);
    }
    t.same(
      await readAll(await client.getBlob(repo, large.descriptor, { verify: true })),
      large.bytes,
    );
  });

  t.test('cross-repository mount, and the fallback when the source lacks the blob', async (t) => {
    const other = `${repo}-copy`;
    const before = proxy.requests.length;
    const never = (): Readable => {
      throw new Error('a mount sends no bytes');
    };
    t.equal(await client.pushBlob(other, large.descriptor, never, { mountFrom: repo }), 'mounted');
    t.same(
      proxy.requests.slice(before).map((r) => `${r.method} ${r.url.replace(/\?.*/, '')}`),
      [
        'HEAD /v2/' + other + '/blobs/' + large.descriptor.digest,
        `POST /v2/${other}/blobs/uploads/`,
      ],
    );
    t.ok(await client.hasBlob(other, large.descriptor.digest));
    const fresh = blob(randomBytes(500), MediaTypes.ociLayerTarGzip);
    t.equal(
      await client.pushBlob(other, fresh.descriptor, () => Readable.from([fresh.bytes]), {
        mountFrom: 'team/empty',
      }),
      'uploaded',
    );
  });

  t.test('a blob body of the wrong size or content is refused', async (t) => {
    const wrong = blob(randomBytes(100), MediaTypes.ociLayerTarGzip);
    await t.rejects(
      client.pushBlob(repo, wrong.descriptor, () => Readable.from([wrong.bytes.subarray(0, 50)])),
      { name: 'DigestMismatchError', expected: '100 bytes', actual: '50 bytes' },
    );
    await t.rejects(
      client.pushBlob(repo, wrong.descriptor, () => Readable.from([randomBytes(100)])),
      {
        name: 'RegistryError',
        status: 400,
        codes: ['DIGEST_INVALID'],
        message: new RegExp(`push blob ${wrong.descriptor.digest}: 400 digest invalid`),
      },
    );
    t.notOk(await client.hasBlob(repo, wrong.descriptor.digest));
  });

  t.test('manifests: push, pull by tag and digest, HEAD', async (t) => {
    const { digest } = await client.putManifest(repo, 'v1', MediaTypes.ociManifest, manifestBytes);
    t.equal(digest, digestOf(manifestBytes));
    for (const reference of ['v1', digest]) {
      const pulled = await client.getManifest(repo, reference);
      t.same(pulled.bytes, manifestBytes, `bytes by ${reference}`);
      t.equal(pulled.digest, digest);
      t.equal(pulled.mediaType, MediaTypes.ociManifest);
      t.same(pulled.parsed, manifest);
    }
    t.same(await client.headManifest(repo, 'v1'), {
      mediaType: MediaTypes.ociManifest,
      digest,
      size: manifestBytes.length,
    });
    t.equal(await client.headManifest(repo, 'nope'), undefined);
    t.equal(await client.hasBlob(repo, digestOf(Buffer.from('absent'))), false);
  });

  t.test('Docker schema 2 manifests and OCI indexes', async (t) => {
    const docker = Buffer.from(
      JSON.stringify({ ...manifest, mediaType: MediaTypes.dockerManifest }),
    );
    const dockerDigest = (
      await client.putManifest(repo, 'docker', MediaTypes.dockerManifest, docker)
    ).digest;
    const pulledDocker = await client.getManifest(repo, 'docker');
    t.equal(pulledDocker.mediaType, MediaTypes.dockerManifest);
    t.same(pulledDocker.bytes, docker);

    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        {
          mediaType: MediaTypes.ociManifest,
          digest: digestOf(manifestBytes),
          size: manifestBytes.length,
          platform: { os: 'wasip1', architecture: 'wasm' },
        },
        {
          mediaType: MediaTypes.dockerManifest,
          digest: dockerDigest,
          size: docker.length,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    };
    const indexBytes = Buffer.from(JSON.stringify(index));
    const { digest } = await client.putManifest(repo, 'multi', MediaTypes.ociIndex, indexBytes);
    const pulled = await client.getManifest(repo, 'multi');
    t.equal(pulled.mediaType, MediaTypes.ociIndex);
    t.equal(pulled.digest, digest);
    t.same(pulled.bytes, indexBytes);
    t.same(pulled.parsed, index);
  });

  t.test('tags, two per page', async (t) => {
    for (const tag of ['a', 'b', 'c'])
      await client.putManifest(repo, tag, MediaTypes.ociManifest, manifestBytes);
    const before = proxy.requests.length;
    const tags = await client.listTags(repo, { pageSize: 2 });
    t.same(tags, ['a', 'b', 'c', 'docker', 'multi', 'v1']);
    const pages = proxy.requests.slice(before).filter((r) => r.url.includes('/tags/list'));
    t.equal(pages.length, 3, 'followed Link to the second and third page');
    t.match(pages[1]?.url, /n=2&last=b$/);
    t.match(pages[2]?.url, /n=2&last=docker$/);
    await t.rejects(client.listTags(`${repo}-copy`), {
      name: 'RegistryError',
      message: `${proxy.address}/${repo}-copy: list tags: 404 name unknown: repository name not known to registry`,
    });
  });

  t.test('skopeo reads what was pushed, byte for byte', async (t) => {
    const ref = `docker://${registry.address}/${repo}:v1`;
    const { stdout: raw } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ref]);
    t.equal(raw, manifestBytes.toString());
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', ref]);
    const inspected = JSON.parse(stdout) as { Digest: string; Layers: string[]; Os: string };
    t.equal(inspected.Digest, digestOf(manifestBytes));
    t.same(inspected.Layers, [small.descriptor.digest, large.descriptor.digest]);
    t.equal(inspected.Os, 'wasip1');
    const layout = await mkdtemp(path.join(os.tmpdir(), 'skiff-layout-'));
    t.teardown(() => rm(layout, { recursive: true, force: true }));
    await run('skopeo', [
      'copy',
      '--preserve-digests',
      '--src-tls-verify=false',
      ref,
      `oci:${layout}:v1`,
    ]);
    const copied = (digest: string) =>
      readFile(path.join(layout, 'blobs', 'sha256', digest.slice(7)));
    t.same(await copied(digestOf(manifestBytes)), manifestBytes);
    t.same(await copied(large.descriptor.digest), large.bytes);
    t.same(await copied(config.descriptor.digest), config.bytes);
  });

  t.test('delete, then the manifest is unknown', async (t) => {
    const digest = digestOf(manifestBytes);
    await client.deleteManifest(repo, digest);
    t.equal(await client.headManifest(repo, digest), undefined);
    const error = await client.getManifest(repo, 'v1').catch((e: unknown) => e);
    t.type(error, RegistryError);
    t.match(error, {
      status: 404,
      codes: ['MANIFEST_UNKNOWN'],
      message: `${proxy.address}/${repo}: pull manifest v1: 404 manifest unknown`,
    });
    await t.rejects(client.deleteManifest(repo, digest), { name: 'RegistryError', status: 404 });
  });
});
