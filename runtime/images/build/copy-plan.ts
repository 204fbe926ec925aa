// COPY and ADD, Docker's way: what each source becomes in the image.
// - a directory: its contents (not the directory itself) go into <dest>;
// - a file: into <dest>/ when <dest> is a directory (ends with `/`, is `.`, or
//   is a directory an earlier instruction made), else it becomes <dest>;
// - with ADD, a local tar or tar.gz is unpacked into <dest>;
// - several sources (wildcards included) need a directory <dest>.
// A relative <dest> is relative to WORKDIR. URLs are refused: builds have no network.

import path from 'node:path';
import { ArchiveEntryError, archiveEntries, archiveKind } from './archive-entries.js';
import type { BuildContext, ContextSource } from './build-context.js';
import { resolveSources, walkDirectory } from './build-context.js';
import type { SourceLocation } from './errors.js';
import { errorAt } from './errors.js';
import { noDownloads, URL_LIKE } from './instruction-parsers.js';
import type { LayerEntry } from './layer-entries.js';

/** One COPY or ADD with its arguments expanded. */
export interface CopyPlanInput {
  readonly context: BuildContext;
  readonly where: SourceLocation;
  readonly kind: 'COPY' | 'ADD';
  readonly sources: readonly string[];
  readonly destination: string;
  /** The current WORKDIR (absolute). */
  readonly workingDir: string;
  /** Image paths (no leading slash) known to be directories: earlier layers' and WORKDIRs. */
  readonly knownDirectories: ReadonlySet<string>;
  readonly chmod?: number;
}

/**
 * The layer entries of one COPY/ADD (not yet normalised). Throws
 * DockerfileError at `input.where` for URLs, sources outside the context or
 * missing, several sources into a non-directory, and unusable archives.
 */
export async function planCopy(input: CopyPlanInput): Promise<LayerEntry[]> {
  const where = { ...input.where, keyword: input.kind };
  const destination = path.posix.resolve(input.workingDir || '/', input.destination).slice(1);
  const destinationIsDirectory =
    destination === '' ||
    /(^|\/)\.{0,2}$/.test(input.destination) ||
    input.knownDirectories.has(destination);
  const sources: ContextSource[] = [];
  for (const argument of input.sources) {
    if (URL_LIKE.test(argument)) {
      throw errorAt(where, noDownloads(input.kind, argument));
    }
    sources.push(...(await resolveSources(input.context, argument, where)));
  }
  if (sources.length > 1 && !destinationIsDirectory) {
    throw errorAt(
      where,
      `${input.kind}: with several sources the destination must be a directory ending in /, e.g. ${input.destination}/`,
    );
  }
  const entries: LayerEntry[] = [];
  for (const source of sources) {
    if (source.stats.isDirectory()) {
      entries.push(...(await directoryEntries(input, source, destination)));
    } else if (source.stats.isFile()) {
      entries.push(...(await fileEntries(input, source, destination, destinationIsDirectory)));
    } else {
      throw errorAt(
        where,
        `${input.kind} ${source.relative}: a socket, FIFO or device cannot be put in an image`,
      );
    }
  }
  return entries;
}

async function directoryEntries(
  input: CopyPlanInput,
  source: ContextSource,
  destination: string,
): Promise<LayerEntry[]> {
  const where = { ...input.where, keyword: input.kind };
  const under = (relative: string): string =>
    destination === '' ? relative : `${destination}/${relative}`;
  const entries: LayerEntry[] = [];
  if (destination !== '') {
    entries.push({
      type: 'directory',
      path: destination,
      mode: input.chmod ?? source.stats.mode & 0o7777,
    });
  }
  for (const found of await walkDirectory(input.context, source, where)) {
    switch (found.type) {
      case 'directory':
        entries.push({
          type: 'directory',
          path: under(found.relative),
          mode: input.chmod ?? found.mode,
        });
        break;
      case 'file':
        entries.push({
          type: 'file',
          path: under(found.relative),
          mode: input.chmod ?? found.mode,
          size: found.size,
          source: { file: found.hostPath },
        });
        break;
      case 'symlink':
        entries.push({ type: 'symlink', path: under(found.relative), target: found.target });
        break;
    }
  }
  return entries;
}

async function fileEntries(
  input: CopyPlanInput,
  source: ContextSource,
  destination: string,
  destinationIsDirectory: boolean,
): Promise<LayerEntry[]> {
  if (input.kind === 'ADD') {
    const kind = await archiveKind(source.hostPath);
    if (kind === 'unsupported-compression') {
      throw errorAt(
        input.where,
        `ADD ${source.relative}: only tar and tar.gz archives can be unpacked (bzip2, xz and zstd cannot); use COPY to add the file as it is`,
      );
    }
    if (kind === 'tar' || kind === 'gzip-tar') {
      try {
        return await archiveEntries(source.hostPath, kind, destination, input.chmod);
      } catch (error) {
        if (error instanceof ArchiveEntryError)
          throw errorAt(input.where, `ADD ${source.relative}: ${error.message}`);
        throw error;
      }
    }
  }
  const name = path.posix.basename(source.relative);
  const target = destinationIsDirectory
    ? destination === ''
      ? name
      : `${destination}/${name}`
    : destination;
  return [
    {
      type: 'file',
      path: target,
      mode: input.chmod ?? source.stats.mode & 0o7777,
      size: source.stats.size,
      source: { file: source.hostPath },
    },
  ];
}
