// `skiff registry` against a real client: skopeo copies OCI layouts built here
// (a CNCF Wasm artifact, a wasi/wasm image of two tar+gzip layers, an index of
// two platforms) into the registry and back out, and the bytes must match.
// The router is mounted in an app of the test's own, as the control plane
// will mount it, with a request log in front.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import express from 'express';
import t from 'tap';
import tar from 'tar-stream';
import {
  createRegistryRouter,
  createRegistryStorage,
} from '../../runtime/images/registry-server/index.js';
import { busyboxWasm } from '../helpers/paths.js';

const run = promisify(execFile);
const SKOPEO = '/usr/bin/skopeo';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** An OCI image layout being written: blobs by digest, refs for index.json. */
class Layout {
  readonly refs: (Descriptor & { annotations: Record<string, string> })[] = [];
  constructor(readonly dir: string) {}

  async blob(mediaType: string, bytes: Buffer): Promise<Descriptor> {
    const digest = sha256(bytes);
    await mkdir(path.join(this.dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(path.join(this.dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  async json(mediaType: string, value: object): Promise<Descriptor> {
    return this.blob(mediaType, Buffer.from(JSON.stringify(value)));
  }

  tag(name: string, descriptor: Descriptor): void {
    this.refs.push({ ...descriptor, annotations: { 'org.opencontainers.image.ref.name': name } });
  }

  async finish(): Promise<void> {
    await writeFile(path.join(this.dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(
      path.join(this.dir, 'index.json'),
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: this.refs }),
    );
  }
}

async function tarOf(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) {
    pack.entry({ name, mode: 0o755, mtime: new Date(0) }, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** An image whose layers are gzipped tars of `layers`; returns its manifest descriptor. */
async function tarImage(
  layout: Layout,
  platform: { architecture: string; os: string },
  layers: Record<string, Buffer>[],
  entrypoint: string,
): Promise<Descriptor> {
  const tars = await Promise.all(layers.map(tarOf));
  const layerDescriptors = await Promise.all(
    tars.map((bytes) => layout.blob(TAR_GZIP, gzipSync(bytes))),
  );
  const config = await layout.json(OCI_CONFIG, {
    ...platform,
    config: { Entrypoint: [entrypoint] },
    rootfs: { type: 'layers', diff_ids: tars.map(sha256) },
  });
  const manifest = await layout.json(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers: layerDescriptors,
  });
  return { ...manifest, platform };
}

async function buildLayout(dir: string): Promise<Layout> {
  const layout = new Layout(dir);
  const wasm = await readFile(busyboxWasm);

  // The CNCF Wasm OCI artifact: one application/wasm layer, a wasm config.
  const module = await layout.blob('application/wasm', wasm);
  const wasmConfig = await layout.json('application/vnd.wasm.config.v0+json', {
    created: '2024-01-01T00:00:00Z',
    architecture: 'wasm',
    os: 'wasip1',
    layerDigests: [module.digest],
  });
  layout.tag(
    'artifact',
    await layout.json(OCI_MANIFEST, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: wasmConfig,
      layers: [module],
    }),
  );

  // A wasi/wasm image: the module in one layer, a file in another.
  const image = await tarImage(
    layout,
    { architecture: 'wasm', os: 'wasi' },
    [{ 'busybox.wasm': wasm }, { 'etc/motd': Buffer.from('hello from a second layer\n') }],
    '/busybox.wasm',
  );
  layout.tag('image', image);

  // An index of that image and a linux/amd64 one.
  const linux = await tarImage(
    layout,
    { architecture: 'amd64', os: 'linux' },
    [{ 'bin/true': Buffer.from('#!/bin/sh\n') }],
    '/bin/true',
  );
  layout.tag(
    'multi',
    await layout.json(OCI_INDEX, {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [image, linux],
    }),
  );
  await layout.finish();
  return layout;
}

async function skopeo(...args: string[]): Promise<void> {
  try {
    await run(SKOPEO, ['--insecure-policy', ...args], { timeout: 120_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`skopeo ${args.join(' ')} failed: ${stderr ?? String(error)}`);
  }
}

/** Every blob of an OCI layout: digest → bytes. */
async function blobsOf(dir: string): Promise<Map<string, Buffer>> {
  const blobsDir = path.join(dir, 'blobs', 'sha256');
  const blobs = new Map<string, Buffer>();
  for (const name of await readdir(blobsDir)) {
    blobs.set(`sha256:${name}`, await readFile(path.join(blobsDir, name)));
  }
  return blobs;
}

/** The digests an image or index `digest` reaches in `blobs`, itself included. */
function reachable(
  blobs: Map<string, Buffer>,
  digest: string,
  seen = new Set<string>(),
): Set<string> {
  seen.add(digest);
  const value = JSON.parse(blobs.get(digest)?.toString() ?? '{}') as {
    config?: Descriptor;
    layers?: Descriptor[];
    manifests?: Descriptor[];
  };
  for (const layer of [value.config, ...(value.layers ?? [])]) if (layer) seen.add(layer.digest);
  for (const child of value.manifests ?? []) reachable(blobs, child.digest, seen);
  return seen;
}

t.test(
  'skopeo copies images into skiff registry and back out, byte for byte',
  { skip: existsSync(SKOPEO) ? false : `${SKOPEO} is missing` },
  async (t) => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'skiff-registry-skopeo-'));
    const storage = await createRegistryStorage(path.join(work, 'data'));
    const requests: string[] = [];
    const app = express();
    app.use((req, res, next) => {
      res.on('finish', () => requests.push(`${req.method} ${req.originalUrl} ${res.statusCode}`));
      next();
    });
    app.use('/v2', createRegistryRouter(storage));
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    t.teardown(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await storage.close();
      await rm(work, { recursive: true, force: true });
    });
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;

    const layout = await buildLayout(path.join(work, 'source'));
    const source = await blobsOf(layout.dir);
    const refDigest = (name: string) =>
      layout.refs.find((ref) => ref.annotations['org.opencontainers.image.ref.name'] === name)
        ?.digest ?? '';

    for (const [ref, repository, all] of [
      ['artifact', 'team/artifact', false],
      ['image', 'team/image', false],
      ['multi', 'team/multi', true],
    ] as const) {
      await t.test(`${ref} → ${repository}:v1 → a new layout`, async (t) => {
        const remote = `docker://${address}/${repository}:v1`;
        const allFlag = all ? ['--all'] : [];
        await skopeo(
          'copy',
          ...allFlag,
          '--dest-tls-verify=false',
          `oci:${layout.dir}:${ref}`,
          remote,
        );

        const manifest = await fetch(`http://${address}/v2/${repository}/manifests/v1`);
        t.equal(manifest.headers.get('docker-content-digest'), refDigest(ref), 'pushed unchanged');
        t.same(
          Buffer.from(await manifest.arrayBuffer()),
          source.get(refDigest(ref)),
          'manifest bytes',
        );

        const out = path.join(work, `out-${ref}`);
        await skopeo('copy', ...allFlag, '--src-tls-verify=false', remote, `oci:${out}:v1`);
        const index = JSON.parse(await readFile(path.join(out, 'index.json'), 'utf8')) as {
          manifests: Descriptor[];
        };
        t.equal(index.manifests[0]?.digest, refDigest(ref), 'pulled back under the same digest');
        const pulled = await blobsOf(out);
        const expected = reachable(source, refDigest(ref));
        t.same([...pulled.keys()].sort(), [...expected].sort(), 'the same blobs');
        for (const [digest, bytes] of pulled) {
          t.ok(bytes.equals(source.get(digest) ?? Buffer.alloc(0)), `${digest} byte for byte`);
        }
      });
    }

    await t.test('a copy between repositories of the registry mounts the blobs', async (t) => {
      requests.length = 0;
      await skopeo(
        'copy',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${address}/team/image:v1`,
        `docker://${address}/other/image:v1`,
      );
      // Which repository skopeo mounts from depends on its blob-info cache: any of ours.
      const mounts = requests.filter((line) =>
        /^POST \/v2\/other\/image\/blobs\/uploads\/\?\S*mount=\S* 201$/.test(line),
      );
      t.ok(
        mounts.length > 0,
        `skopeo mounted blobs instead of uploading them:\n${requests.join('\n')}`,
      );
      const copied = await fetch(`http://${address}/v2/other/image/manifests/v1`);
      t.equal(copied.headers.get('docker-content-digest'), refDigest('image'));
    });

    const tags = await fetch(`http://${address}/v2/team/multi/tags/list`);
    t.same(await tags.json(), { name: 'team/multi', tags: ['v1'] });
  },
);
