// The last step of every build: the config and manifest blobs, then the tag.
// A build whose result equals what the tag already names, apart from
// timestamps, keeps the existing image (Docker's build cache gives the same
// effect): rebuilding unchanged inputs stores nothing and moves nothing.

import type { ImageReference } from '../oci/reference.js';
import { MediaTypes } from '../oci/media-types.js';
import type {
  Descriptor,
  ImageConfigFile,
  ImageManifest,
  WasmArtifactConfig,
} from '../oci/types.js';
import type { ImageStore, IngestSession, LocalImage } from '../store/image-store-types.js';

/** What a build produced. */
export interface BuildResult {
  readonly image: LocalImage;
  readonly manifestDigest: string;
  /** Layers of the image (the base image's included). */
  readonly layers: number;
  /** True when the tag already named an identical image (timestamps aside), which was kept. */
  readonly unchanged: boolean;
}

/** The image to record: its config, and its layers (already committed to the session). */
export interface ImageToCommit {
  readonly tag: ImageReference;
  readonly config: ImageConfigFile | WasmArtifactConfig;
  readonly configMediaType: string;
  readonly layers: readonly Descriptor[];
}

/**
 * Stores the config and an OCI manifest through `session` and records `tag`,
 * or, when the tag already names the same image, aborts the session and
 * returns that image. The session is ended either way (also on failure).
 */
export async function commitImage(
  store: ImageStore,
  session: IngestSession,
  image: ImageToCommit,
): Promise<BuildResult> {
  let stored: { digest: string; size: number };
  try {
    const existing = await sameExistingImage(store, image);
    if (existing !== undefined) {
      await session.abort();
      return {
        image: existing,
        manifestDigest: existing.manifestDigest,
        layers: image.layers.length,
        unchanged: true,
      };
    }
    const config = await putBlob(store, session, jsonBytes(image.config), 'image config');
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: image.configMediaType, digest: config.digest, size: config.size },
      layers: image.layers,
    };
    stored = await putBlob(store, session, jsonBytes(manifest), 'image manifest');
  } catch (error) {
    await session.abort();
    throw error;
  }
  // commit ends the session itself, also when it refuses the image.
  const committed = await session.commit(image.tag, stored.digest);
  return {
    image: committed,
    manifestDigest: stored.digest,
    layers: image.layers.length,
    unchanged: false,
  };
}

/** Stages `bytes` and commits them to the session. */
export async function putBlob(
  store: ImageStore,
  session: IngestSession,
  bytes: Uint8Array,
  what: string,
): Promise<{ digest: string; size: number }> {
  const staged = await store.blobs.stage([bytes], { what });
  await session.commitBlob(staged);
  return { digest: staged.digest, size: staged.size };
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** The image `image.tag` names, if it has the same layers and config apart from times. */
async function sameExistingImage(
  store: ImageStore,
  image: ImageToCommit,
): Promise<LocalImage | undefined> {
  const existing = await store.get(image.tag);
  if (existing === undefined) return undefined;
  try {
    const { manifest } = await store.content(existing);
    if (manifest.config.mediaType !== image.configMediaType) return undefined;
    if (!sameLayers(manifest.layers, image.layers)) return undefined;
    // The raw blob, not the store's parsed view, so no field can hide a difference.
    const stored: unknown = JSON.parse(
      (await store.blobs.read(manifest.config.digest)).toString('utf8'),
    );
    return canonical(withoutTimes(stored)) === canonical(withoutTimes(image.config))
      ? existing
      : undefined;
  } catch {
    return undefined; // anything unreadable is simply not the same image
  }
}

function sameLayers(a: readonly Descriptor[], b: readonly Descriptor[]): boolean {
  return (
    a.length === b.length &&
    a.every((layer, i) => layer.digest === b[i]?.digest && layer.mediaType === b[i]?.mediaType)
  );
}

/** The config without `created` (top level and in history entries). */
function withoutTimes(config: unknown): unknown {
  const withoutCreated = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    delete copy.created;
    return copy;
  };
  const top = withoutCreated(config);
  if (typeof top !== 'object' || top === null) return top;
  const { history } = top as { history?: unknown };
  return Array.isArray(history) ? { ...top, history: history.map(withoutCreated) } : top;
}

/** JSON with object keys sorted at every level. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : item,
  );
}
