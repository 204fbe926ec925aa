// Reading manifests as `kubectl apply -f` does: files, directories (their
// .yaml, .yml and .json files, sorted; subdirectories with -R) and `-` for
// standard input; each file a stream of YAML documents (JSON is YAML), and a
// `List` expanded into its items. Objects keep file order.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../controlplane/api/types.js';

/** One object to send, and the file it came from (as the user named it, or `STDIN`). */
export interface Manifest {
  readonly object: KubeObject;
  readonly source: string;
}

/** What the files held: the objects, and one message per file (or document) that could not be read. */
export interface ManifestRead {
  readonly manifests: readonly Manifest[];
  readonly errors: readonly string[];
}

/** How readManifests reads its paths. */
export interface ReadOptions {
  /** Descend into subdirectories of directories (kubectl's -R). */
  readonly recursive?: boolean;
  /** Standard input's text, read when a path is `-`. */
  readonly stdin?: () => Promise<string>;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * The objects of `paths`, in order. A path that does not exist, a document
 * that is not YAML, or an object without apiVersion or kind is reported in
 * `errors` (worded as kubectl words them); the documents of that file before
 * it are kept, the rest of the file is not read, the other files are.
 */
export async function readManifests(
  paths: readonly string[],
  options: ReadOptions = {},
): Promise<ManifestRead> {
  const manifests: Manifest[] = [];
  const errors: string[] = [];
  for (const given of paths) {
    if (given === '-') {
      const text = options.stdin ? await options.stdin() : '';
      collect(parseManifests(text, 'STDIN'), manifests, errors);
      continue;
    }
    let files: string[];
    try {
      files = await expand(given, options.recursive ?? false);
    } catch (error) {
      errors.push(`the path "${given}" does not exist`);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') errors.push((error as Error).message);
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        errors.push(`error reading ${file}: ${(error as Error).message}`);
        continue;
      }
      collect(parseManifests(text, file), manifests, errors);
    }
  }
  return { manifests, errors };
}

function collect(read: ManifestRead, manifests: Manifest[], errors: string[]): void {
  manifests.push(...read.manifests);
  errors.push(...read.errors);
}

/** A file as itself; a directory as its manifest files, sorted by name (recursively with -R). */
async function expand(given: string, recursive: boolean): Promise<string[]> {
  if (!(await stat(given)).isDirectory()) return [given];
  const files: string[] = [];
  const entries = (await readdir(given, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
  for (const entry of entries) {
    const full = path.join(given, entry.name);
    if (entry.isDirectory()) {
      if (recursive) files.push(...(await expand(full, true)));
    } else if (MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) files.push(full);
  }
  return files;
}

/**
 * The objects of one YAML (or JSON) stream; see readManifests for the
 * errors, which name the source and, when the stream holds several
 * documents, the document's index (from 1) and the List item's.
 */
export function parseManifests(text: string, source: string): ManifestRead {
  const manifests: Manifest[] = [];
  const documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const several = documents.length > 1;
  for (const [index, document] of documents.entries()) {
    const where = several ? ` (document ${index + 1})` : '';
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0].line;
      const what =
        error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.message;
      const at = line === undefined ? '' : `line ${line}: `;
      return {
        manifests,
        errors: [
          `error parsing ${source}${where}: error converting YAML to JSON: yaml: ${at}${what}`,
        ],
      };
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const list = isList(value);
    const objects = list ? value.items : [value];
    for (const [item, object] of objects.entries()) {
      const problems = missingFields(object);
      if (problems.length > 0) {
        const detail = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
        const position = list
          ? ` (${several ? `document ${index + 1}, ` : ''}item ${item + 1} of the List)`
          : where;
        return {
          manifests,
          errors: [`error validating "${source}"${position}: error validating data: ${detail}`],
        };
      }
      manifests.push({ object: object as KubeObject, source });
    }
  }
  return { manifests, errors: [] };
}

/** `kind: List` (or any `...List` with items), which kubectl flattens. */
function isList(value: unknown): value is { items: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items);
}

function missingFields(object: unknown): string[] {
  if (typeof object !== 'object' || object === null || Array.isArray(object))
    return ['the document is not an object'];
  const { apiVersion, kind } = object as { apiVersion?: unknown; kind?: unknown };
  const problems: string[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '') problems.push('apiVersion not set');
  if (typeof kind !== 'string' || kind === '') problems.push('kind not set');
  if (problems.length === 0) {
    const metadata = (object as { metadata?: unknown }).metadata;
    if (
      metadata !== undefined &&
      (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    )
      problems.push('metadata is not an object');
  }
  return problems;
}
