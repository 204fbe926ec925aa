// What `IngestSession.commit` checks before an image is recorded: the manifest
// is a single-image manifest (OCI or Docker schema 2) of the right shape, its
// config is present and parses, every layer is present with its announced
// size, and the image is one of the three kinds the store knows (see
// LocalImageKind). Unpacking tar layers is not done here (layers/).

import { open } from 'node:fs/promises';
import { INDEX_TYPES, MediaTypes, TAR_LAYER_TYPES } from '../oci/media-types.js';
import type {
  Descriptor,
  ImageConfigFile,
  ImageManifest,
  Platform,
  WasmArtifactConfig,
} from '../oci/types.js';
import type { BlobStore } from './blob-store.js';
import { isWasmArtifactConfig, parseImageConfig } from './config-parsing.js';
import type { LocalImageKind } from './image-store-types.js';
import { InvalidImageError } from './image-store-types.js';
import {
  optionalAnnotations,
  optionalString,
  parseDescriptor,
  parseJsonObject,
} from './json-shapes.js';

/** Operating systems of `wasi/wasm` rootfs images (Docker writes `wasi`; some tools `wasip1`/`wasip2`). */
const WASI_OSES: readonly string[] = ['wasi', 'wasip1', 'wasip2'];
const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);

/** A manifest that passed every check, with everything the store records about it. */
export interface ValidatedImage {
  readonly manifest: ImageManifest;
  readonly manifestBytes: Buffer;
  /** The manifest's media type (OCI when the manifest does not say). */
  readonly mediaType: string;
  readonly config: ImageConfigFile | WasmArtifactConfig;
  readonly kind: LocalImageKind;
  readonly platform: Platform;
  /** Bytes of manifest, config and layers. */
  readonly size: number;
  readonly created?: string;
}

/**
 * Parses an image manifest. Throws InvalidImageError when it is an index or
 * manifest list (a platform must be chosen first), or not a manifest at all.
 */
export function parseImageManifest(
  bytes: Buffer,
  what: string,
): { manifest: ImageManifest; mediaType: string } {
  const json = parseJsonObject(bytes, what);
  const mediaType = optionalString(json.mediaType, `${what}: mediaType`) ?? MediaTypes.ociManifest;
  if (INDEX_TYPES.includes(mediaType) || (json.mediaType === undefined && 'manifests' in json)) {
    throw new InvalidImageError(
      `${what}: is an image index, not an image manifest (choose a platform's manifest)`,
    );
  }
  if (mediaType !== MediaTypes.ociManifest && mediaType !== MediaTypes.dockerManifest) {
    throw new InvalidImageError(`${what}: unsupported manifest media type "${mediaType}"`);
  }
  if (json.schemaVersion !== 2) throw new InvalidImageError(`${what}: schemaVersion is not 2`);
  if (!Array.isArray(json.layers)) throw new InvalidImageError(`${what}: layers is not an array`);
  const config = parseDescriptor(json.config, `${what}: config`);
  const layers = json.layers.map((layer, i) => parseDescriptor(layer, `${what}: layers[${i}]`));
  if (mediaType === MediaTypes.dockerManifest && config.mediaType !== MediaTypes.dockerConfig) {
    throw new InvalidImageError(
      `${what}: a Docker manifest's config must be ${MediaTypes.dockerConfig}, not ${config.mediaType}`,
    );
  }
  const artifactType = optionalString(json.artifactType, `${what}: artifactType`);
  const annotations = optionalAnnotations(json.annotations, `${what}: annotations`);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config,
    layers,
    ...(artifactType ? { artifactType } : {}),
    ...(annotations ? { annotations } : {}),
  };
  return { manifest, mediaType };
}

/**
 * Decides the image's kind and platform and checks what that kind requires.
 * Pure: blob presence is checked by validateImage.
 */
export function classifyImage(
  manifest: ImageManifest,
  config: ImageConfigFile | WasmArtifactConfig,
  what: string,
): { kind: LocalImageKind; platform: Platform } {
  if (manifest.config.mediaType === MediaTypes.wasmConfig && isWasmArtifactConfig(config)) {
    const [layer, ...others] = manifest.layers;
    if (layer === undefined || others.length > 0) {
      throw new InvalidImageError(
        `${what}: a Wasm artifact has exactly one layer, not ${manifest.layers.length}`,
      );
    }
    if (layer.mediaType !== MediaTypes.wasmLayer) {
      throw new InvalidImageError(
        `${what}: a Wasm artifact's layer must be ${MediaTypes.wasmLayer}, not ${layer.mediaType}`,
      );
    }
    if (config.layerDigests.join(',') !== layer.digest) {
      throw new InvalidImageError(
        `${what}: config layerDigests do not match the manifest's layers`,
      );
    }
    return { kind: 'wasm-artifact', platform: { architecture: 'wasm', os: config.os } };
  }
  if (isWasmArtifactConfig(config)) {
    throw new InvalidImageError(
      `${what}: a Wasm artifact config under ${manifest.config.mediaType}`,
    );
  }
  const platform: Platform = {
    architecture: config.architecture,
    os: config.os,
    ...(config.variant ? { variant: config.variant } : {}),
  };
  if (config.architecture !== 'wasm' || !WASI_OSES.includes(config.os)) {
    return { kind: 'oci', platform };
  }
  checkWasmRootfs(manifest, config, what);
  return { kind: 'wasm-rootfs', platform };
}

function checkWasmRootfs(manifest: ImageManifest, config: ImageConfigFile, what: string): void {
  manifest.layers.forEach((layer: Descriptor, i) => {
    if (!TAR_LAYER_TYPES.includes(layer.mediaType)) {
      throw new InvalidImageError(
        `${what}: layer ${i} (${layer.digest}) has media type ${layer.mediaType}, not a tar layer`,
      );
    }
  });
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length > 0 && diffIds.length !== manifest.layers.length) {
    throw new InvalidImageError(
      `${what}: config lists ${diffIds.length} diff_ids for ${manifest.layers.length} layers`,
    );
  }
  const entrypoint = config.config?.Entrypoint?.[0];
  if (entrypoint === undefined || !entrypoint.endsWith('.wasm')) {
    throw new InvalidImageError(
      `${what}: a wasi/wasm image needs an Entrypoint naming its .wasm file (got ${JSON.stringify(config.config?.Entrypoint ?? null)})`,
    );
  }
}

/** Checks that the blob is present with exactly `descriptor.size` bytes. */
async function checkBlob(blobs: BlobStore, descriptor: Descriptor, what: string): Promise<void> {
  const size = await blobs.size(descriptor.digest);
  if (size === undefined)
    throw new InvalidImageError(`${what}: blob ${descriptor.digest} is missing`);
  if (size !== descriptor.size) {
    throw new InvalidImageError(
      `${what}: blob ${descriptor.digest} has ${size} bytes, the manifest says ${descriptor.size}`,
    );
  }
}

/** True when the file starts with WebAssembly's `\0asm` magic. */
async function startsWithWasmMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(WASM_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(WASM_MAGIC);
  } finally {
    await handle.close();
  }
}

/**
 * Reads and checks the manifest `manifestDigest` and everything it names in
 * `blobs`. `claim` is called synchronously for the config and each layer as
 * soon as the manifest is parsed, before they are read. Throws
 * InvalidImageError naming `what` and the problem.
 */
export async function validateImage(
  blobs: BlobStore,
  manifestDigest: string,
  what: string,
  claim: (digest: string) => void = () => undefined,
): Promise<ValidatedImage> {
  if (!(await blobs.has(manifestDigest))) {
    throw new InvalidImageError(`${what}: manifest ${manifestDigest} is missing`);
  }
  const manifestBytes = await blobs.read(manifestDigest);
  const { manifest, mediaType } = parseImageManifest(manifestBytes, `${what}: manifest`);
  claim(manifest.config.digest);
  for (const layer of manifest.layers) claim(layer.digest);
  await checkBlob(blobs, manifest.config, `${what}: config`);
  const config = parseImageConfig(
    await blobs.read(manifest.config.digest),
    manifest.config.mediaType,
    `${what}: config ${manifest.config.digest}`,
  );
  for (const [i, layer] of manifest.layers.entries()) {
    await checkBlob(blobs, layer, `${what}: layer ${i}`);
  }
  const { kind, platform } = classifyImage(manifest, config, what);
  const [firstLayer] = manifest.layers;
  if (kind === 'wasm-artifact' && firstLayer !== undefined) {
    if (!(await startsWithWasmMagic(blobs.path(firstLayer.digest)))) {
      throw new InvalidImageError(`${what}: layer ${firstLayer.digest} is not WebAssembly`);
    }
  }
  const size =
    manifestBytes.length +
    manifest.config.size +
    manifest.layers.reduce((total, layer) => total + layer.size, 0);
  return {
    manifest,
    manifestBytes,
    mediaType,
    config,
    kind,
    platform,
    size,
    ...(config.created ? { created: config.created } : {}),
  };
}
