// `ImageStore.resolve`: how the Wasm runtime runs an image from the store.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ImageConfig, ResolvedImage } from '../../runtime.js';
import type { ImageConfigFile } from '../oci/types.js';
import type { LocalImage } from './image-store-types.js';
import { InvalidImageError } from './image-store-types.js';
import { isWasmArtifactConfig, parseImageConfig } from './config-parsing.js';
import { parseImageManifest } from './image-validation.js';
import { ImageNotFoundError } from './store-errors.js';
import type { StoreParts } from './record-image.js';
import { ensureRootfs } from './record-image.js';
import { locateEntrypoint } from './rootfs-entrypoint.js';

/** The image config's defaults in the runtime's terms (Docker's field meanings). */
function runtimeConfig(config: ImageConfigFile): ImageConfig {
  const c = config.config;
  const exposedPorts = c?.ExposedPorts ? Object.keys(c.ExposedPorts) : undefined;
  return {
    ...(c?.Entrypoint ? { entrypoint: c.Entrypoint } : {}),
    ...(c?.Cmd ? { cmd: c.Cmd } : {}),
    ...(c?.Env ? { env: c.Env } : {}),
    ...(c?.WorkingDir ? { workingDir: c.WorkingDir } : {}),
    ...(exposedPorts && exposedPorts.length > 0 ? { exposedPorts } : {}),
  };
}

/**
 * A ResolvedImage for `image`: a Wasm artifact runs its layer blob in place; a
 * wasm-rootfs image runs its entrypoint from the unpacked rootfs (unpacked
 * again if it went missing). Throws InvalidImageError for `oci` images and
 * ImageNotFoundError for an image no longer in the store.
 */
export async function resolveImage(parts: StoreParts, image: LocalImage): Promise<ResolvedImage> {
  const record = parts.index.manifest(image.manifestDigest);
  if (record === undefined) throw new ImageNotFoundError(`${image.reference}: not in the store`);
  if (record.kind === 'oci') {
    throw new InvalidImageError(
      `${image.reference} is a ${record.platform.os}/${record.platform.architecture} image: it needs the Docker runtime`,
    );
  }
  const what = image.reference;
  if (record.kind === 'wasm-artifact') {
    const [layer] = record.layerDigests;
    if (layer === undefined || !(await parts.blobs.has(layer))) {
      throw new InvalidImageError(`${what}: its Wasm layer is missing from the store`);
    }
    const name = image.repository.split('/').at(-1) ?? 'module';
    return {
      ref: image.reference,
      digest: layer,
      kind: 'wasm',
      wasmPath: parts.blobs.path(layer),
      config: { entrypoint: [`${name}.wasm`] },
    };
  }
  const { manifest } = parseImageManifest(await parts.blobs.read(record.digest), what);
  const config = parseImageConfig(
    await parts.blobs.read(record.configDigest),
    manifest.config.mediaType,
    `${what}: config`,
  );
  if (isWasmArtifactConfig(config)) throw new InvalidImageError(`${what}: not a rootfs image`);
  let digest = record.entrypointDigest;
  let root = path.join(parts.rootfsDir, record.digest.slice('sha256:'.length));
  if (digest === undefined || !(await isDirectory(root))) {
    ({ root, entrypointDigest: digest } = await ensureRootfs(
      parts,
      record.digest,
      manifest,
      config,
      what,
    ));
    parts.index.cacheEntrypointDigest(record.digest, digest);
  }
  return {
    ref: image.reference,
    digest,
    kind: 'wasm',
    wasmPath: await locateEntrypoint(root, config, what),
    rootfs: root,
    config: runtimeConfig(config),
  };
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
