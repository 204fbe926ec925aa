// `skiff push`: upload an image from the node's store to a registry. Blobs the
// registry has are not sent; one it has in another repository is mounted.

import { Transform } from 'node:stream';
import type { RegistryClient } from '../distribution/index.js';
import type { ImageReference } from '../oci/reference.js';
import { formatReference, parseReference } from '../oci/reference.js';
import type { ImageStore, LocalImage } from '../store/image-store-types.js';
import type { TransferListener } from '../transfer-events.js';

export interface PushOptions {
  readonly store: ImageStore;
  readonly client: RegistryClient;
  readonly image: LocalImage;
  /** Where to push (the image's own reference for `skiff push NAME`). */
  readonly target: ImageReference;
  readonly onEvent?: TransferListener;
  readonly signal?: AbortSignal;
}

/** Pushes the image's manifest, config and layers; returns the manifest digest. */
export async function pushImage(options: PushOptions): Promise<{ digest: string; size: number }> {
  const { store, client, image, target, onEvent, signal } = options;
  const content = await store.content(image);
  const source = parseReference(image.reference);
  // A blob of the same registry's source repository can be mounted, not copied.
  const mountFrom =
    source.registry === target.registry && source.repository !== target.repository
      ? source.repository
      : undefined;
  const descriptors = [content.manifest.config, ...content.manifest.layers];
  for (const descriptor of descriptors) {
    const role = descriptor === content.manifest.config ? 'config' : 'layer';
    const present = await client.hasBlob(target.repository, descriptor.digest, { signal });
    onEvent?.({ type: 'blob', digest: descriptor.digest, size: descriptor.size, present, role });
    if (present) continue;
    let transferred = 0;
    await client.pushBlob(
      target.repository,
      descriptor,
      () =>
        store.blobs.stream(descriptor.digest).pipe(
          new Transform({
            transform(chunk: Buffer, _encoding, done) {
              transferred += chunk.length;
              onEvent?.({ type: 'bytes', digest: descriptor.digest, transferred });
              done(null, chunk);
            },
          }),
        ),
      { signal, ...(mountFrom ? { mountFrom } : {}) },
    );
    onEvent?.({ type: 'done', digest: descriptor.digest });
  }
  const tag = target.digest ?? target.tag ?? 'latest';
  const { digest } = await client.putManifest(
    target.repository,
    tag,
    content.mediaType,
    content.manifestBytes,
    {
      signal,
    },
  );
  onEvent?.({
    type: 'note',
    message: `${formatReference(target)}: digest: ${digest} size: ${content.manifestBytes.length}`,
  });
  return { digest, size: content.manifestBytes.length };
}
