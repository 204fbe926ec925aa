// The build context: the directory COPY and ADD read from. Every path a
// Dockerfile names is checked to stay inside it: `..` that climbs out is
// refused, symlinks are followed only when they lead to something inside
// (a symlink met while walking a directory is copied as a symlink, and must
// also point inside), and files excluded by .dockerignore do not exist.

import type { Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { DockerIgnore } from './dockerignore.js';
import type { SourceLocation } from './errors.js';
import { BuildError, errorAt } from './errors.js';
import { compilePathPattern, hasWildcards, patternDepth, unescapePattern } from './path-pattern.js';

/** An opened build context. */
export interface BuildContext {
  /** The context directory, symlinks resolved. */
  readonly root: string;
  readonly ignore: DockerIgnore;
}

/** A source a COPY/ADD argument named, checked and resolved. */
export interface ContextSource {
  /** Slash-separated path relative to the context, as matched (before following a symlink). */
  readonly relative: string;
  /** Absolute host path of what it names, symlinks resolved (inside the context). */
  readonly hostPath: string;
  readonly stats: Stats;
}

/** What walking a directory source finds, in path order. */
export type WalkedEntry =
  | { readonly type: 'directory'; readonly relative: string; readonly mode: number }
  | {
      readonly type: 'file';
      readonly relative: string;
      readonly hostPath: string;
      readonly mode: number;
      readonly size: number;
    }
  | { readonly type: 'symlink'; readonly relative: string; readonly target: string };

/** Opens `contextDir` and reads its .dockerignore. Throws BuildError when it is not a directory. */
export async function openBuildContext(contextDir: string): Promise<BuildContext> {
  let root: string;
  try {
    root = await realpath(contextDir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new BuildError(`build context ${contextDir}: ${(error as Error).message}`);
  }
  try {
    return { root, ignore: await DockerIgnore.load(root) };
  } catch (error) {
    throw new BuildError(`build context ${contextDir}: ${(error as Error).message}`);
  }
}

/**
 * The sources one COPY/ADD argument names: one path, or every path a wildcard
 * pattern matches (sorted). Throws DockerfileError at `where` when the
 * argument climbs out of the context, names nothing, names only ignored
 * files, or leads outside through a symlink.
 */
export async function resolveSources(
  context: BuildContext,
  argument: string,
  where: SourceLocation & { readonly keyword: string },
): Promise<ContextSource[]> {
  const cleaned = path.posix.normalize(argument.replace(/^\/+/, '') || '.');
  if (cleaned === '..' || cleaned.startsWith('../')) {
    throw errorAt(where, `${where.keyword} ${argument}: the path is outside the build context`);
  }
  const relatives = hasWildcards(cleaned)
    ? await expandPattern(context, cleaned)
    : [stripDot(unescapePattern(cleaned))];
  if (relatives.length === 0) {
    throw errorAt(where, `${where.keyword} ${argument}: no file in the build context matches`);
  }
  const sources: ContextSource[] = [];
  for (const relative of relatives) {
    const hostPath = await insideRealPath(context, relative, argument, where);
    const stats = await stat(hostPath);
    // An ignored directory still counts when a `!` line re-includes something in it.
    if (
      context.ignore.ignores(relative) &&
      !(stats.isDirectory() && context.ignore.hasExceptions)
    ) {
      throw errorAt(where, `${where.keyword} ${argument}: excluded by .dockerignore`);
    }
    sources.push({ relative, hostPath, stats });
  }
  return sources;
}

/**
 * Every entry below the directory `source` (not the directory itself), parents
 * before children, names sorted, .dockerignore applied. Throws DockerfileError
 * for symlinks leading outside the context and for sockets, FIFOs and devices.
 */
export async function walkDirectory(
  context: BuildContext,
  source: ContextSource,
  where: SourceLocation & { readonly keyword: string },
): Promise<WalkedEntry[]> {
  const found: WalkedEntry[] = [];
  const contextRelative = path.relative(context.root, source.hostPath).split(path.sep).join('/');
  const visit = async (hostDir: string, relative: string): Promise<void> => {
    const names = (await readdir(hostDir)).sort((a, b) =>
      Buffer.compare(Buffer.from(a), Buffer.from(b)),
    );
    for (const name of names) {
      const host = path.join(hostDir, name);
      const inSource = relative === '' ? name : `${relative}/${name}`;
      const inContext = contextRelative === '' ? inSource : `${contextRelative}/${inSource}`;
      const ignored = context.ignore.ignores(inContext);
      const stats = await lstat(host);
      if (ignored && !(stats.isDirectory() && context.ignore.hasExceptions)) continue;
      if (stats.isDirectory()) {
        // An ignored directory is walked only for files an exception re-includes;
        // it then comes in as those files' parent (normalizeLayer adds it).
        if (!ignored)
          found.push({ type: 'directory', relative: inSource, mode: stats.mode & 0o7777 });
        await visit(host, inSource);
      } else if (stats.isFile()) {
        found.push({
          type: 'file',
          relative: inSource,
          hostPath: host,
          mode: stats.mode & 0o7777,
          size: stats.size,
        });
      } else if (stats.isSymbolicLink()) {
        const target = await readlink(host);
        await checkSymlink(context, host, target, `${where.keyword} ${inContext}`, where);
        found.push({ type: 'symlink', relative: inSource, target });
      } else {
        throw errorAt(
          where,
          `${where.keyword} ${inContext}: a socket, FIFO or device cannot be put in an image`,
        );
      }
    }
  };
  await visit(source.hostPath, '');
  return found;
}

/** Relative paths in the context matching `pattern`, sorted; ignored ones left out. */
async function expandPattern(context: BuildContext, pattern: string): Promise<string[]> {
  const regexp = compilePathPattern(pattern);
  const depth = patternDepth(pattern);
  // Walk from the longest directory prefix without wildcards.
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (hasWildcards(part)) break;
    fixed.push(unescapePattern(part));
  }
  const matches: string[] = [];
  const visit = async (relative: string, level: number): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(path.join(context.root, relative));
    } catch {
      return; // a missing prefix directory or an unreadable one simply matches nothing
    }
    for (const name of names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
      const child = relative === '' ? name : `${relative}/${name}`;
      if (context.ignore.ignores(child) && !context.ignore.hasExceptions) continue;
      if (regexp.test(child)) {
        if (!context.ignore.ignores(child)) matches.push(child);
        continue; // a matched directory brings its contents along
      }
      if (level < depth && (await lstat(path.join(context.root, child))).isDirectory())
        await visit(child, level + 1);
    }
  };
  await visit(fixed.join('/'), fixed.length + 1);
  return matches;
}

/** The real path of `relative`, which must exist and lie inside the context. */
async function insideRealPath(
  context: BuildContext,
  relative: string,
  argument: string,
  where: SourceLocation & { readonly keyword: string },
): Promise<string> {
  let real: string;
  try {
    real = await realpath(path.join(context.root, relative));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const linked = await lstat(path.join(context.root, relative)).catch(() => undefined);
      const why = linked?.isSymbolicLink()
        ? 'a symlink to nothing'
        : 'not found in the build context';
      throw errorAt(where, `${where.keyword} ${argument}: ${why}`);
    }
    throw errorAt(where, `${where.keyword} ${argument}: ${(error as Error).message}`);
  }
  if (!isInside(context.root, real)) {
    throw errorAt(
      where,
      `${where.keyword} ${argument}: a symlink leads outside the build context (to ${real})`,
    );
  }
  return real;
}

/** Refuses a symlink whose target is absolute or resolves outside the context. */
async function checkSymlink(
  context: BuildContext,
  linkPath: string,
  target: string,
  what: string,
  where: SourceLocation,
): Promise<void> {
  if (path.isAbsolute(target)) {
    throw errorAt(
      where,
      `${what}: a symlink to an absolute path (${target}) leads outside the build context`,
    );
  }
  const lexical = path.resolve(path.dirname(linkPath), target);
  const real = await realpath(linkPath).catch(() => lexical); // dangling: judge by its text
  if (!isInside(context.root, lexical) || !isInside(context.root, real)) {
    throw errorAt(where, `${what}: the symlink to ${target} leads outside the build context`);
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
}

function stripDot(relative: string): string {
  return relative === '.' ? '' : relative;
}
