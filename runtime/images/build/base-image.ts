// FROM: the image a build starts from, read from the local store. Builds never
// pull (a build should not depend on the network); a missing base says how to
// get it.

import { familiarName, formatReference } from '../oci/reference.js';
import type { Descriptor, ImageConfigFile, Platform } from '../oci/types.js';
import type { ImageStore } from '../store/image-store-types.js';
import { errorAt } from './errors.js';
import type { SourceLocation } from './errors.js';
import type { FromInstruction } from './instructions.js';

/** What a build inherits: the base's layers (reused as they are) and config. */
export interface BaseImage {
  readonly layers: readonly Descriptor[];
  /** Undefined for FROM scratch. */
  readonly config: ImageConfigFile | undefined;
}

/** The platform of images `skiff build` makes unless told otherwise. */
export const WASM_PLATFORM: Platform = { os: 'wasi', architecture: 'wasm' };

/**
 * Loads the image FROM names. Throws DockerfileError at the FROM line when it
 * is not in the store (suggesting `skiff pull`), is a Wasm artifact (no
 * filesystem to add to), or is for another platform than `platform`.
 */
export async function loadBaseImage(
  store: ImageStore,
  from: FromInstruction,
  platform: Platform,
  file: string,
): Promise<BaseImage> {
  if (from.image === 'scratch') return { layers: [], config: undefined };
  const where: SourceLocation = { file, line: from.line };
  const name = formatReference(from.image);
  const image = await store.get(from.image);
  if (image === undefined) {
    const short = `${familiarName(from.image)}${from.image.tag ? `:${from.image.tag}` : ''}${from.image.digest ? `@${from.image.digest}` : ''}`;
    throw errorAt(
      where,
      `FROM ${name}: the image is not in the local store; run skiff pull ${short} first`,
    );
  }
  if (image.kind === 'wasm-artifact') {
    throw errorAt(
      where,
      `FROM ${name}: a Wasm artifact is a single module without a filesystem to add files to; build FROM scratch and COPY the .wasm in`,
    );
  }
  if (image.platform.os !== platform.os || image.platform.architecture !== platform.architecture) {
    throw errorAt(
      where,
      `FROM ${name}: the image is ${image.platform.os}/${image.platform.architecture}, the build makes ${platform.os}/${platform.architecture}`,
    );
  }
  const content = await store.content(image);
  if ('layerDigests' in content.config) {
    throw errorAt(where, `FROM ${name}: the image has a Wasm artifact config, not a filesystem`);
  }
  return { layers: content.manifest.layers, config: content.config };
}
