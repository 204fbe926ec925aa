// .dockerignore: which files of the build context COPY and ADD cannot see.
// Docker's rules: one pattern per line, `#` comments, surrounding whitespace
// and a leading `/` dropped, paths cleaned; `!pattern` re-includes; a pattern
// matching a directory matches everything under it; the last matching line wins.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compilePathPattern } from './path-pattern.js';

interface IgnoreRule {
  readonly regexp: RegExp;
  /** False for `!` lines, which re-include what earlier lines excluded. */
  readonly excludes: boolean;
}

/** The patterns of one .dockerignore file. */
export class DockerIgnore {
  readonly #rules: readonly IgnoreRule[];

  private constructor(rules: readonly IgnoreRule[]) {
    this.#rules = rules;
  }

  /** Nothing ignored. */
  static readonly none = new DockerIgnore([]);

  /**
   * Parses the text of a .dockerignore file. Throws Error naming the line of
   * a malformed pattern (an unterminated `[`).
   */
  static parse(text: string): DockerIgnore {
    const rules: IgnoreRule[] = [];
    text.split(/\r?\n/).forEach((line, index) => {
      let pattern = line.trim();
      if (pattern === '' || pattern.startsWith('#')) return;
      const excludes = !pattern.startsWith('!');
      if (!excludes) pattern = pattern.slice(1).trim();
      pattern = path.posix.normalize(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
      if (pattern.endsWith('/') && pattern.length > 1) pattern = pattern.slice(0, -1);
      try {
        rules.push({ regexp: compilePathPattern(pattern), excludes });
      } catch (error) {
        throw new Error(`.dockerignore:${index + 1}: ${(error as Error).message}`);
      }
    });
    return new DockerIgnore(rules);
  }

  /** Reads `<contextDir>/.dockerignore`; a missing file ignores nothing. */
  static async load(contextDir: string): Promise<DockerIgnore> {
    let text: string;
    try {
      text = await readFile(path.join(contextDir, '.dockerignore'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DockerIgnore.none;
      throw error;
    }
    return DockerIgnore.parse(text);
  }

  /** True when any line re-includes (`!`): then ignored directories must still be walked. */
  get hasExceptions(): boolean {
    return this.#rules.some((rule) => !rule.excludes);
  }

  /** True when `relativePath` (slash-separated, relative to the context) is excluded. */
  ignores(relativePath: string): boolean {
    if (relativePath === '' || relativePath === '.') return false;
    const parents = relativePath.split('/');
    let ignored = false;
    for (const rule of this.#rules) {
      if (matchesOrParentMatches(rule.regexp, relativePath, parents)) ignored = rule.excludes;
    }
    return ignored;
  }
}

function matchesOrParentMatches(regexp: RegExp, file: string, parts: readonly string[]): boolean {
  if (regexp.test(file)) return true;
  for (let i = 1; i < parts.length; i++) {
    if (regexp.test(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}
