// Content that is not what its digest says, from a fake registry on 127.0.0.1:
// a manifest that does not hash to the requested digest or to the registry's
// own Docker-Content-Digest, and a blob with the wrong bytes. Each is an
// error, and nothing reaches the blob store.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import {
  digestOf,
  RegistryError,
  registryClient,
} from '../../runtime/images/distribution/index.js';
import { MediaTypes } from '../../runtime/images/oci/media-types.js';
import { BlobStore, DigestMismatchError } from '../../runtime/images/store/blob-store.js';
import { startServer } from '../integration/registry-client-servers.js';

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: digestOf(Buffer.from('{}')), size: 2 },
    layers: [],
  }),
);
const tampered = Buffer.from(manifest.toString().replace('"layers":[]', '"layers":[] '));
const goodBlob = Buffer.from('the layer the manifest names');
const goodDigest = digestOf(goodBlob);
const requestedDigest = digestOf(manifest);

t.test('digest mismatches', async (t) => {
  const fake = await startServer((request, response) => {
    const url = request.url ?? '';
    const headers = { 'content-type': MediaTypes.ociManifest };
    if (url === `/v2/team/app/manifests/${requestedDigest}`) {
      response.writeHead(200, headers);
      response.end(tampered); // not the bytes that were asked for
    } else if (url === '/v2/team/app/manifests/lying') {
      response.writeHead(200, { ...headers, 'docker-content-digest': requestedDigest });
      response.end(tampered);
    } else if (url === '/v2/team/app/manifests/honest') {
      response.writeHead(200, { ...headers, 'docker-content-digest': requestedDigest });
      response.end(manifest);
    } else if (url === '/v2/team/app/manifests/not-a-manifest') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"schemaVersion":2,"hello":"world"}');
    } else if (url === `/v2/team/app/blobs/${goodDigest}`) {
      response.writeHead(200, { 'content-length': String(goodBlob.length) });
      response.end(Buffer.from('THE layer the manifest names')); // same size, other bytes
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  t.teardown(() => fake.close());
  const client = registryClient(fake.address);
  const where = `${fake.address}/team/app`;

  t.test('a manifest pulled by digest must hash to it', async (t) => {
    const error = await client.getManifest('team/app', requestedDigest).catch((e: unknown) => e);
    t.type(error, DigestMismatchError);
    t.equal(
      (error as Error).message,
      `${where}: pull manifest ${requestedDigest}: digest mismatch: expected ${requestedDigest}, got ${digestOf(tampered)}`,
    );
  });

  t.test("a manifest pulled by tag must match the registry's Docker-Content-Digest", async (t) => {
    await t.rejects(client.getManifest('team/app', 'lying'), {
      name: 'DigestMismatchError',
      expected: requestedDigest,
      actual: digestOf(tampered),
      message: /pull manifest lying \(Docker-Content-Digest\): digest mismatch/,
    });
    const honest = await client.getManifest('team/app', 'honest');
    t.equal(honest.digest, requestedDigest);
    t.equal(honest.mediaType, MediaTypes.ociManifest);
    t.same(honest.bytes, manifest);
  });

  t.test('JSON that is no manifest is a protocol error', async (t) => {
    const error = await client.getManifest('team/app', 'not-a-manifest').catch((e: unknown) => e);
    t.type(error, RegistryError);
    t.match(error, {
      failure: 'protocol',
      message: /not-a-manifest: the manifest has no valid "config"/,
    });
  });

  t.test('a blob with the wrong bytes is refused by the store, which keeps nothing', async (t) => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-blobs-'));
    t.teardown(() => rm(root, { recursive: true, force: true }));
    const store = await BlobStore.open(root);
    const body = await client.getBlob('team/app', { digest: goodDigest, size: goodBlob.length });
    await t.rejects(
      store.stage(body, { digest: goodDigest, size: goodBlob.length, what: `${where} layer 1` }),
      {
        name: 'DigestMismatchError',
        expected: goodDigest,
      },
    );
    t.same(await store.list(), []);
    t.same(await readdir(path.join(root, 'tmp')), []);
  });

  t.test('getBlob with verify fails the stream itself', async (t) => {
    const body = await client.getBlob('team/app', { digest: goodDigest }, { verify: true });
    const reading = (async () => {
      for await (const chunk of body) void chunk;
    })();
    await t.rejects(reading, {
      name: 'DigestMismatchError',
      message: new RegExp(`^${where}: pull blob ${goodDigest}: digest mismatch`),
    });
  });

  t.test('a Content-Length other than the descriptor size fails before reading', async (t) => {
    await t.rejects(client.getBlob('team/app', { digest: goodDigest, size: 3 }), {
      name: 'DigestMismatchError',
      expected: '3 bytes',
      actual: `${goodBlob.length} bytes`,
    });
  });

  t.test('pushing a manifest under a digest it does not have is refused locally', async (t) => {
    const before = fake.requests.length;
    await t.rejects(
      client.putManifest('team/app', requestedDigest, MediaTypes.ociManifest, tampered),
      DigestMismatchError,
    );
    t.equal(fake.requests.length, before, 'nothing sent');
  });
});
