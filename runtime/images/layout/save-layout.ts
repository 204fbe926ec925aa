// `skiff save`: images from the store as an OCI image layout.

import type { Descriptor } from '../oci/types.js';
import type { ImageStore, LocalImage } from '../store/image-store-types.js';
import type { LayoutLocation } from './layout-format.js';
import { IMAGE_NAME_ANNOTATION, REF_NAME_ANNOTATION } from './layout-format.js';
import type { LayoutSink } from './layout-sinks.js';
import { directorySink, tarSink } from './layout-sinks.js';

/** The index.json entry of `image`, named by its tag and its full reference. */
function entryFor(image: LocalImage, manifestSize: number, mediaType: string): Descriptor {
  return {
    mediaType,
    digest: image.manifestDigest,
    size: manifestSize,
    annotations: {
      ...(image.tag !== undefined ? { [REF_NAME_ANNOTATION]: image.tag } : {}),
      [IMAGE_NAME_ANNOTATION]: image.reference,
    },
    platform: image.platform,
  };
}

/**
 * Writes `images` (manifest, config and layers of each; not the index they
 * may have been chosen from, whose other platforms the store lacks) as an OCI
 * image layout at `target`. A directory that already holds a layout keeps its
 * other entries; an entry with the same tag is replaced, as skopeo does. A tar
 * file appears only once complete.
 */
export async function saveImages(
  store: ImageStore,
  images: readonly LocalImage[],
  target: LayoutLocation,
): Promise<void> {
  const sink: LayoutSink =
    'dir' in target ? await directorySink(target.dir) : await tarSink(target.tarFile);
  try {
    const entries: Descriptor[] = [];
    for (const image of images) {
      const { manifest, manifestBytes, mediaType } = await store.content(image);
      for (const blob of [manifest.config, ...manifest.layers]) {
        await sink.addBlob(blob.digest, blob.size, () => store.blobs.stream(blob.digest));
      }
      await sink.addBlob(image.manifestDigest, manifestBytes.length, () =>
        store.blobs.stream(image.manifestDigest),
      );
      entries.push(entryFor(image, manifestBytes.length, mediaType));
    }
    const replaced = new Set(entries.map((e) => e.annotations?.[REF_NAME_ANNOTATION]));
    const kept = (await sink.existingEntries()).filter((entry) => {
      const name = entry.annotations?.[REF_NAME_ANNOTATION];
      return name === undefined || !replaced.has(name);
    });
    await sink.finish([...kept, ...entries]);
  } catch (error) {
    await sink.abort();
    throw error;
  }
}
