// Reading and changing kubeconfig files as `kubectl config` does: the files
// in effect are merged for reading (the first to name an entry wins), and a
// change goes to the file that holds what it changes — the file defining the
// context, the first file setting current-context — else to the first file.
// Files are edited as YAML documents, so their comments and layout stay.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { defaultKubeconfigPath, kubeconfigFiles } from '../../client/index.js';
import { CliError } from '../cli-error.js';

/** One kubeconfig file, parsed. */
export interface KubeconfigFile {
  readonly file: string;
  readonly document: Document;
}

/** The files `--kubeconfig` or $KUBECONFIG name (or the default), read; none missing but the first. */
export async function readKubeconfigFiles(explicit?: string): Promise<KubeconfigFile[]> {
  const files = kubeconfigFiles(explicit);
  const chosen = files.length > 0 ? files : [explicit ?? firstFromEnv() ?? defaultKubeconfigPath()];
  return Promise.all(
    chosen.map(async (file) => {
      const text = existsSync(file) ? await readFile(file, 'utf8') : '';
      const document = parseDocument(text);
      if (document.errors[0])
        throw new CliError(`error loading config file "${file}": ${document.errors[0].message}`);
      return { file, document };
    }),
  );
}

function firstFromEnv(): string | undefined {
  return (process.env['KUBECONFIG'] ?? '').split(path.delimiter).find((file) => file !== '');
}

/** An entry of a named list (`clusters`, `users`, `contexts`) as plain data. */
export interface NamedEntry {
  readonly name: string;
  readonly body: Record<string, unknown>;
}

/** The entries of `list` merged over the files: the first file to name one wins. */
export function mergedEntries(files: readonly KubeconfigFile[], list: string): NamedEntry[] {
  const seen = new Map<string, NamedEntry>();
  for (const { document } of files) {
    const items = document.toJS()?.[list] as unknown;
    if (!Array.isArray(items)) continue;
    for (const item of items as Record<string, unknown>[]) {
      const name = typeof item?.['name'] === 'string' ? item['name'] : undefined;
      if (name === undefined || seen.has(name)) continue;
      const field = list.slice(0, -1);
      const body = item[field];
      seen.set(name, {
        name,
        body: typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {},
      });
    }
  }
  return [...seen.values()];
}

/** current-context of the first file that sets it. */
export function currentContext(files: readonly KubeconfigFile[]): string | undefined {
  for (const { document } of files) {
    const value = document.get('current-context');
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** Sets current-context where kubectl would: the first file that sets it, else the first file. */
export async function setCurrentContext(
  files: readonly KubeconfigFile[],
  name: string,
): Promise<void> {
  const target = files.find(({ document }) => document.get('current-context')) ?? files[0];
  if (!target) throw new CliError('no kubeconfig file to write');
  target.document.set('current-context', name);
  await save(target);
}

/**
 * Sets `fields` of context `name` (undefined values are left as they are)
 * in the file that defines it, else adds it to the first file; whether it
 * was created.
 */
export async function upsertContext(
  files: readonly KubeconfigFile[],
  name: string,
  fields: Readonly<Record<string, string | undefined>>,
): Promise<boolean> {
  let target = files.find(({ document }) => indexOfNamed(document, 'contexts', name) >= 0);
  const created = target === undefined;
  target ??= files[0];
  if (!target) throw new CliError('no kubeconfig file to write');
  const { document } = target;
  let index = indexOfNamed(document, 'contexts', name);
  if (index < 0) {
    if (!isSeq(document.get('contexts'))) document.set('contexts', document.createNode([]));
    const contexts = document.get('contexts');
    if (isSeq(contexts)) contexts.add(document.createNode({ name, context: {} }));
    index = indexOfNamed(document, 'contexts', name);
  }
  for (const [field, value] of Object.entries(fields))
    if (value !== undefined) document.setIn(['contexts', index, 'context', field], value);
  await save(target);
  return created;
}

function indexOfNamed(document: Document, list: string, name: string): number {
  const items = document.get(list);
  if (!isSeq(items)) return -1;
  return items.items.findIndex((item) => isMap(item) && item.get('name') === name);
}

/** Writes the file back (0600: it may hold credentials), replacing it atomically. */
async function save({ file, document }: KubeconfigFile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  if (!document.has('apiVersion')) document.set('apiVersion', 'v1');
  if (!document.has('kind')) document.set('kind', 'Config');
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, document.toString(), { mode: 0o600 });
  await rename(temporary, file);
}
