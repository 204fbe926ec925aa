// buildArtifact: `skiff build --artifact`. Packs one .wasm file as a CNCF Wasm
// OCI artifact (tag-runtime.cncf.io, "Wasm OCI Artifact layout"): an OCI
// manifest whose config has media type application/vnd.wasm.config.v0+json and
// whose one layer is the module or component itself (application/wasm). The
// spec's manifest has no artifactType, so none is written.

import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ImageReference } from '../oci/reference.js';
import { MediaTypes } from '../oci/media-types.js';
import type { WasmArtifactConfig } from '../oci/types.js';
import type { ImageStore } from '../store/image-store-types.js';
import type { ComponentExtern, WasmBinaryInfo } from '../../wasm/binary/index.js';
import { inspectWasm, WasmFormatError } from '../../wasm/binary/index.js';
import type { BuildResult } from './commit-image.js';
import { commitImage } from './commit-image.js';
import { BuildError } from './errors.js';
import { buildTimes } from './timestamps.js';

/** What to pack. */
export interface BuildArtifactOptions {
  readonly store: ImageStore;
  /** A WebAssembly core module (→ os wasip1) or component (→ wasip2). */
  readonly wasmFile: string;
  readonly tag: ImageReference;
  /** The config's `created`; default SOURCE_DATE_EPOCH, else now. */
  readonly created?: Date;
}

// The sorts a component's world lists: interfaces (instances) and functions,
// plus nested components and values; types and core items are not part of it.
const WORLD_SORTS: ReadonlySet<string> = new Set(['instance', 'func', 'component', 'value']);

/**
 * Stores `wasmFile` as a Wasm artifact tagged `tag`. A component's config
 * lists its imports and exports (required for wasip2). Throws BuildError when
 * the file cannot be read or is not WebAssembly.
 */
export async function buildArtifact(options: BuildArtifactOptions): Promise<BuildResult> {
  if (options.tag.digest !== undefined)
    throw new BuildError('a build is tagged NAME[:TAG], not with a digest');
  let info: WasmBinaryInfo;
  try {
    info = inspectWasm(await readFile(options.wasmFile));
  } catch (error) {
    if (error instanceof WasmFormatError) {
      throw new BuildError(
        `${options.wasmFile}: not a WebAssembly module or component (${error.message})`,
      );
    }
    throw new BuildError(`cannot read ${options.wasmFile}: ${(error as Error).message}`);
  }
  const times = buildTimes(options.created);
  const session = await options.store.beginIngest();
  let layer: { digest: string; size: number };
  try {
    const staged = await options.store.blobs.stage(createReadStream(options.wasmFile), {
      what: options.wasmFile,
    });
    await session.commitBlob(staged);
    layer = { digest: staged.digest, size: staged.size };
  } catch (error) {
    await session.abort();
    throw error;
  }
  return commitImage(options.store, session, {
    tag: options.tag,
    config: artifactConfig(info, layer.digest, times.created),
    configMediaType: MediaTypes.wasmConfig,
    layers: [{ mediaType: MediaTypes.wasmLayer, digest: layer.digest, size: layer.size }],
  });
}

/** The artifact config for a binary described by `info` whose layer is `layerDigest`. */
export function artifactConfig(
  info: WasmBinaryInfo,
  layerDigest: string,
  created: string,
): WasmArtifactConfig {
  const base = { created, architecture: 'wasm' as const, layerDigests: [layerDigest] };
  if (info.kind === 'core') return { ...base, os: 'wasip1' };
  const names = (externs: readonly ComponentExtern[]): string[] =>
    externs.filter((extern) => WORLD_SORTS.has(extern.sort)).map((extern) => extern.name);
  return {
    ...base,
    os: 'wasip2',
    component: { exports: names(info.exports), imports: names(info.imports) },
  };
}
