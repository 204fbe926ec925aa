// OCI image layouts written by tests (what skopeo pushes from), and skopeo.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MediaTypes } from '../../runtime/images/oci/media-types.js';
import type { ImageBlobs } from '../fixtures/images/image-builder.js';
import { sha256 } from '../fixtures/images/image-builder.js';

const run = promisify(execFile);

/** Why skopeo tests cannot run here, or undefined. */
export function skopeoUnavailable(): string | undefined {
  return existsSync('/usr/bin/skopeo')
    ? undefined
    : '/usr/bin/skopeo is missing (apt-get install skopeo)';
}

/** Runs skopeo; plain HTTP towards 127.0.0.1 registries. */
export async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await run('skopeo', args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export type LayoutEntry =
  | { readonly tag: string; readonly image: ImageBlobs }
  | { readonly tag: string; readonly index: Buffer; readonly images: readonly ImageBlobs[] };

/** Writes an OCI image layout holding `entries` (each tagged by ref.name). */
export async function writeLayout(dir: string, entries: readonly LayoutEntry[]): Promise<void> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const put = (bytes: Buffer) =>
    writeFile(path.join(dir, 'blobs', 'sha256', sha256(bytes).slice(7)), bytes);
  const manifests = [];
  for (const entry of entries) {
    const images = 'image' in entry ? [entry.image] : entry.images;
    for (const image of images) for (const blob of image.all) await put(blob);
    const top = 'image' in entry ? entry.image.manifest : entry.index;
    await put(top);
    manifests.push({
      mediaType: 'image' in entry ? MediaTypes.ociManifest : MediaTypes.ociIndex,
      digest: sha256(top),
      size: top.length,
      annotations: { 'org.opencontainers.image.ref.name': entry.tag },
    });
  }
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

/** Every blob of a layout, by digest. */
export async function layoutBlobs(dir: string): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  const root = path.join(dir, 'blobs', 'sha256');
  for (const name of await readdir(root))
    blobs.set(`sha256:${name}`, await readFile(path.join(root, name)));
  return blobs;
}
