// `skiff pull`: bring an image from a registry into the node's store, fetching
// only the blobs the store does not have, each verified against its digest.
// Concurrent pulls of one blob in this process download it once.

import type { RegistryClient } from '../distribution/index.js';
import { INDEX_TYPES } from '../oci/media-types.js';
import type { ImageReference } from '../oci/reference.js';
import { formatReference } from '../oci/reference.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../oci/types.js';
import type { BlobStore } from '../store/blob-store.js';
import type { ImageStore, IngestSession, LocalImage } from '../store/image-store-types.js';
import type { TransferListener } from '../transfer-events.js';
import { choosePlatform } from './platform.js';

/** An image reference that names nothing pullable. */
export class PullError extends Error {
  override readonly name = 'PullError';
}

/** Downloads in flight per blob store, so two pulls never fetch a blob twice. */
const inFlight = new WeakMap<BlobStore, Map<string, Promise<void>>>();

export interface PullOptions {
  readonly store: ImageStore;
  readonly client: RegistryClient;
  readonly reference: ImageReference;
  readonly onEvent?: TransferListener;
  readonly signal?: AbortSignal;
}

/** Pulls `reference`; returns the stored image. Nothing is stored when it fails. */
export async function pullImage(options: PullOptions): Promise<LocalImage> {
  const { store, client, reference, onEvent, signal } = options;
  const name = formatReference(reference);
  const repository = reference.repository;
  let pulled = await client.getManifest(repository, reference.digest ?? reference.tag ?? 'latest', {
    signal,
  });
  let indexDigest: string | undefined;
  const session = await store.beginIngest();
  try {
    if (INDEX_TYPES.includes(pulled.mediaType)) {
      const index = pulled.parsed as ImageIndex;
      const choice = choosePlatform(index.manifests, name);
      if (!choice) throw new PullError(`${name}: the index lists no wasi/wasm and no linux image`);
      if (choice.note) onEvent?.({ type: 'note', message: choice.note });
      indexDigest = pulled.digest;
      await storeBytes(session, store, pulled.bytes, pulled.digest, `index of ${name}`);
      pulled = await client.getManifest(repository, choice.descriptor.digest, { signal });
      if (INDEX_TYPES.includes(pulled.mediaType))
        throw new PullError(`${name}: nested indexes are not supported`);
    }
    const manifest = pulled.parsed as ImageManifest;
    await storeBytes(session, store, pulled.bytes, pulled.digest, `manifest of ${name}`);
    // Unpack layers as they land instead of after the last one.
    session.prepare(pulled.digest);
    const blobs: [Descriptor, 'config' | 'layer'][] = [
      [manifest.config, 'config'],
      ...manifest.layers.map((layer) => [layer, 'layer'] as [Descriptor, 'layer']),
    ];
    // Two downloads at a time, in layer order: layers then land one after the
    // other, and each is unpacked while the next ones download (all at once
    // would have them all land together at the end).
    await inOrder(blobs, DOWNLOADS_AT_ONCE, ([descriptor, role], i) =>
      fetchBlob(
        options,
        session,
        descriptor,
        role,
        role === 'config' ? `config of ${name}` : `layer ${i} of ${name}`,
      ),
    );
    return await session.commit(
      reference,
      pulled.digest,
      indexDigest === undefined ? {} : { indexDigest },
    );
  } catch (error) {
    await session.abort();
    throw error;
  }
}

const DOWNLOADS_AT_ONCE = 2;

/** Runs `job` over `items` in order, at most `limit` at a time; fails with the first failure. */
async function inOrder<T>(
  items: readonly T[],
  limit: number,
  job: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await job(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function storeBytes(
  session: IngestSession,
  store: ImageStore,
  bytes: Buffer,
  digest: string,
  what: string,
): Promise<void> {
  if (await session.useBlob(digest)) return;
  await session.commitBlob(await store.blobs.stage([bytes], { digest, size: bytes.length, what }));
}

async function fetchBlob(
  options: PullOptions,
  session: IngestSession,
  descriptor: Descriptor,
  role: 'config' | 'layer',
  what: string,
): Promise<void> {
  const { store, client, reference, onEvent, signal } = options;
  const blobs = store.blobs;
  let downloads = inFlight.get(blobs);
  if (!downloads) inFlight.set(blobs, (downloads = new Map()));
  const present = await session.useBlob(descriptor.digest);
  onEvent?.({ type: 'blob', digest: descriptor.digest, size: descriptor.size, present, role });
  if (present) return;
  const running = downloads.get(descriptor.digest);
  if (running) {
    await running;
    if (await session.useBlob(descriptor.digest))
      return onEvent?.({ type: 'done', digest: descriptor.digest });
  }
  const download = (async () => {
    let transferred = 0;
    const body = await client.getBlob(reference.repository, descriptor, { signal });
    const staged = await blobs.stage(
      body,
      { digest: descriptor.digest, size: descriptor.size, what },
      (bytes) => {
        transferred += bytes;
        onEvent?.({ type: 'bytes', digest: descriptor.digest, transferred });
      },
    );
    await session.commitBlob(staged);
  })();
  downloads.set(descriptor.digest, download);
  try {
    await download;
    onEvent?.({ type: 'done', digest: descriptor.digest });
  } finally {
    downloads.delete(descriptor.digest);
  }
}
