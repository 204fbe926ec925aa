// `skiff load`: images from an OCI image layout (a directory or a tar) into
// the store, one IngestSession per image. Every blob is re-hashed on the way
// in (the blob store's staging checks it against the digest it is named by).

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { INDEX_TYPES } from '../oci/media-types.js';
import type { ImageReference } from '../oci/reference.js';
import { formatReference } from '../oci/reference.js';
import type { Descriptor } from '../oci/types.js';
import type { ImageStore, LocalImage } from '../store/image-store-types.js';
import { InvalidImageError } from '../store/image-store-types.js';
import { parseImageManifest } from '../store/image-validation.js';
import { choosePlatform } from '../transfer/platform.js';
import type { LayoutLocation } from './layout-format.js';
import {
  INDEX_FILE,
  OCI_LAYOUT_FILE,
  blobPath,
  checkLayoutFile,
  entryReference,
  parseLayoutIndex,
} from './layout-format.js';

export interface LoadOptions {
  /** Repository for entries whose ref.name is a bare tag (`v1`), e.g. `example.com/app`. */
  readonly repository?: string;
}

/** One image of the layout: its name and the blobs to ingest. */
interface PlannedImage {
  readonly reference: ImageReference;
  readonly manifest: Descriptor;
  readonly index?: Descriptor;
  readonly blobs: readonly Descriptor[];
}

const readLayoutFile = (dir: string, name: string, where: string): Promise<Buffer> =>
  readFile(path.join(dir, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new InvalidImageError(`${where}: no ${name}: not an OCI image layout`);
    throw error;
  });

/** Decides, for one index.json entry, the reference and every blob to load. */
async function planImage(
  dir: string,
  entry: Descriptor,
  options: LoadOptions,
  where: string,
): Promise<PlannedImage> {
  const reference = entryReference(entry, options.repository, where);
  const name = formatReference(reference);
  let manifest = entry;
  let index: Descriptor | undefined;
  if (INDEX_TYPES.includes(entry.mediaType)) {
    index = entry;
    const manifests = parseLayoutIndex(
      await readLayoutFile(dir, blobPath(entry.digest), where),
      where,
    );
    const choice = choosePlatform(manifests, name);
    if (choice === undefined) {
      throw new InvalidImageError(
        `${where}: ${name}: the index lists no wasi/wasm and no linux image`,
      );
    }
    manifest = choice.descriptor;
  }
  const bytes = await readLayoutFile(dir, blobPath(manifest.digest), where);
  const parsed = parseImageManifest(bytes, `${where}: ${name}: manifest`).manifest;
  return {
    reference,
    manifest,
    ...(index ? { index } : {}),
    blobs: [...(index ? [index] : []), manifest, parsed.config, ...parsed.layers],
  };
}

/** Ingests one planned image in a session of its own; nothing stays if it fails. */
async function ingestImage(
  store: ImageStore,
  dir: string,
  image: PlannedImage,
  where: string,
): Promise<LocalImage> {
  const session = await store.beginIngest();
  try {
    for (const blob of image.blobs) {
      const staged = await store.blobs.stage(
        createReadStream(path.join(dir, blobPath(blob.digest))),
        {
          digest: blob.digest,
          size: blob.size,
          what: `${where}: ${blobPath(blob.digest)}`,
        },
      );
      await session.commitBlob(staged);
    }
  } catch (error) {
    await session.abort();
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new InvalidImageError(
        `${where}: ${formatReference(image.reference)}: a blob is missing`,
      );
    }
    throw error;
  }
  return session.commit(
    image.reference,
    image.manifest.digest,
    image.index ? { indexDigest: image.index.digest } : {},
  );
}

async function loadDirectory(
  store: ImageStore,
  dir: string,
  options: LoadOptions,
  where: string,
): Promise<LocalImage[]> {
  checkLayoutFile(await readLayoutFile(dir, OCI_LAYOUT_FILE, where), where);
  const entries = parseLayoutIndex(await readLayoutFile(dir, INDEX_FILE, where), where);
  // Plan everything first: a misnamed entry fails the load before anything is stored.
  const plans = [];
  for (const entry of entries) plans.push(await planImage(dir, entry, options, where));
  const loaded: LocalImage[] = [];
  for (const plan of plans) loaded.push(await ingestImage(store, dir, plan, where));
  return loaded;
}

/**
 * Extracts the layout parts of a tar (`oci-layout`, `index.json`,
 * `blobs/sha256/<hex>`) into `dir`. Other entries are ignored; the names
 * written are built here, never taken from the archive.
 */
async function extractLayoutTar(tarFile: string, dir: string): Promise<void> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const extract = tar.extract();
  const feeding = pipeline(createReadStream(tarFile), extract);
  let failure: unknown;
  try {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^(\.\/)+/, '');
      const isPart =
        name === OCI_LAYOUT_FILE ||
        name === INDEX_FILE ||
        /^blobs\/sha256\/[a-f0-9]{64}$/.test(name);
      if (isPart && entry.header.type !== 'file') {
        throw new InvalidImageError(`${tarFile}: ${name} is not a regular file`);
      }
      if (isPart) await pipeline(entry, createWriteStream(path.join(dir, ...name.split('/'))));
      else entry.resume();
    }
  } catch (error) {
    failure = error;
  }
  await feeding.catch((error: unknown) => (failure ??= error));
  if (failure instanceof InvalidImageError) throw failure;
  if (failure !== undefined) {
    throw new InvalidImageError(`${tarFile}: not a readable tar (${(failure as Error).message})`);
  }
}

/**
 * Adds the images of the OCI layout at `source` to `store` and returns them
 * in index.json order. Each entry is named by its `io.containerd.image.name`
 * annotation, else its `org.opencontainers.image.ref.name` (a bare tag needs
 * `options.repository`); an entry that is an index loads its wasi/wasm image
 * (or its Linux image). Throws InvalidImageError (naming the layout and the
 * image), DigestMismatchError for a corrupt blob, or the store's errors;
 * images loaded before a failure stay.
 */
export async function loadImages(
  store: ImageStore,
  source: LayoutLocation,
  options: LoadOptions = {},
): Promise<LocalImage[]> {
  if ('dir' in source) return loadDirectory(store, source.dir, options, source.dir);
  const scratch = path.join(store.blobs.root, 'tmp', `layout-${randomBytes(8).toString('hex')}`);
  try {
    await extractLayoutTar(source.tarFile, scratch);
    return await loadDirectory(store, scratch, options, source.tarFile);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
