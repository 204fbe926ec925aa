// buildImage: `skiff build`. Reads the Dockerfile, starts from the base
// image's layers (reused byte for byte) and config, makes one layer per
// COPY/ADD, and records the tag through one ingest session of the store.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageReference } from '../oci/reference.js';
import { MediaTypes } from '../oci/media-types.js';
import type { Descriptor, Platform } from '../oci/types.js';
import type { ImageStore } from '../store/image-store-types.js';
import { loadBaseImage, WASM_PLATFORM } from './base-image.js';
import { openBuildContext } from './build-context.js';
import type { BuildResult } from './commit-image.js';
import { commitImage } from './commit-image.js';
import { ConfigState } from './config-state.js';
import { planCopy } from './copy-plan.js';
import { BuildError, DockerfileError } from './errors.js';
import type { CopyInstruction, FromInstruction, Instruction } from './instructions.js';
import { normalizeLayer } from './layer-entries.js';
import { writeLayer } from './layer-writer.js';
import { parseDockerfile } from './parser.js';
import { buildTimes } from './timestamps.js';
import { expandWord } from './words.js';

/** What to build. */
export interface BuildImageOptions {
  readonly store: ImageStore;
  /** The directory COPY and ADD read from. */
  readonly contextDir: string;
  /** The Dockerfile's path; default `<contextDir>/Dockerfile`. */
  readonly dockerfile?: string;
  readonly tag: ImageReference;
  /** The platform of the result (and of the base image); default wasi/wasm, or FROM's --platform. */
  readonly platform?: Platform;
  /** The config's `created`; default SOURCE_DATE_EPOCH, else now. */
  readonly created?: Date;
}

/** Progress of a build, for `skiff build`'s output. */
export type BuildProgress =
  | { readonly kind: 'step'; readonly step: number; readonly steps: number; readonly text: string }
  | {
      readonly kind: 'layer';
      readonly step: number;
      readonly digest: string;
      readonly size: number;
      readonly entries: number;
      /** True when the store already had this exact layer (nothing new stored). */
      readonly existed: boolean;
    };

/**
 * Builds the image the Dockerfile describes and tags it `tag`. Resolves with
 * the stored image (or the identical one the tag already named). Throws
 * DockerfileError naming the line for anything wrong with the Dockerfile,
 * the base image or a COPY/ADD; BuildError for an unusable context or
 * Dockerfile path; the store's errors (e.g. UnsafeLayerError) as they are.
 */
export async function buildImage(
  options: BuildImageOptions,
  onProgress?: (event: BuildProgress) => void,
): Promise<BuildResult> {
  if (options.tag.digest !== undefined)
    throw new BuildError('a build is tagged NAME[:TAG], not with a digest');
  const dockerfilePath = options.dockerfile ?? path.join(options.contextDir, 'Dockerfile');
  const fileName = path.basename(dockerfilePath);
  let text: string;
  try {
    text = await readFile(dockerfilePath, 'utf8');
  } catch (error) {
    throw new BuildError(
      `cannot read the Dockerfile ${dockerfilePath}: ${(error as Error).message}`,
    );
  }
  const instructions = parseDockerfile(text, fileName);
  const from = instructions[0] as FromInstruction;
  const platform = targetPlatform(options.platform, from, fileName);
  const context = await openBuildContext(options.contextDir);
  const times = buildTimes(options.created);
  const base = await loadBaseImage(options.store, from, platform, fileName);
  const state = new ConfigState(base.config, platform);
  const layers: Descriptor[] = [...base.layers];
  const knownDirectories = new Set<string>();
  const session = await options.store.beginIngest();
  try {
    onProgress?.({ kind: 'step', step: 1, steps: instructions.length, text: from.text });
    for (const [index, instruction] of instructions.entries()) {
      if (instruction.kind === 'FROM') continue;
      const step = index + 1;
      onProgress?.({ kind: 'step', step, steps: instructions.length, text: instruction.text });
      const where = { file: fileName, line: instruction.line };
      if (!isCopy(instruction)) {
        state.apply(instruction, where);
        if (instruction.kind === 'WORKDIR')
          addDirectory(knownDirectories, state.workingDir.slice(1));
        state.addConfigHistory(instruction.text, times.created);
        continue;
      }
      const entries = normalizeLayer(
        await planCopy({
          context,
          where,
          kind: instruction.kind,
          ...expandCopy(instruction, state.env),
          workingDir: state.workingDir,
          knownDirectories,
          ...(instruction.chmod === undefined ? {} : { chmod: instruction.chmod }),
        }),
      );
      const layer = await writeLayer(options.store.blobs, entries, {
        mtime: times.mtime,
        what: `${fileName}:${instruction.line} layer`,
      });
      const existed = await options.store.blobs.has(layer.staged.digest);
      await session.commitBlob(layer.staged);
      layers.push({
        mediaType: MediaTypes.ociLayerTarGzip,
        digest: layer.staged.digest,
        size: layer.staged.size,
      });
      state.addLayer(layer.diffId, instruction.text, times.created);
      for (const entry of entries) if (entry.type === 'directory') knownDirectories.add(entry.path);
      onProgress?.({
        kind: 'layer',
        step,
        digest: layer.staged.digest,
        size: layer.staged.size,
        entries: layer.entries,
        existed,
      });
    }
  } catch (error) {
    await session.abort();
    throw error;
  }
  return commitImage(options.store, session, {
    tag: options.tag,
    config: state.toConfigFile(times.created),
    configMediaType: MediaTypes.ociConfig,
    layers,
  });
}

function isCopy(instruction: Instruction): instruction is CopyInstruction {
  return instruction.kind === 'COPY' || instruction.kind === 'ADD';
}

function targetPlatform(
  requested: Platform | undefined,
  from: FromInstruction,
  file: string,
): Platform {
  if (
    requested !== undefined &&
    from.platform !== undefined &&
    !samePlatform(requested, from.platform)
  ) {
    throw new DockerfileError(
      file,
      from.line,
      `FROM --platform=${from.platform.os}/${from.platform.architecture} differs from the build's platform ${requested.os}/${requested.architecture}`,
    );
  }
  return requested ?? from.platform ?? WASM_PLATFORM;
}

function samePlatform(a: Platform, b: Platform): boolean {
  return (
    a.os === b.os && a.architecture === b.architecture && (a.variant ?? '') === (b.variant ?? '')
  );
}

function expandCopy(
  instruction: CopyInstruction,
  env: ReadonlyMap<string, string>,
): { sources: string[]; destination: string } {
  return {
    sources: instruction.sources.map((word) => expandWord(word, env)),
    destination: expandWord(instruction.destination, env),
  };
}

/** Adds an image directory and its parents. */
function addDirectory(known: Set<string>, dir: string): void {
  const parts = dir.split('/').filter((part) => part !== '');
  for (let i = 1; i <= parts.length; i++) known.add(parts.slice(0, i).join('/'));
}
