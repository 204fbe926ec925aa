// kubeconfig files, found, read and merged the way kubectl does: `--kubeconfig
// FILE`, else every file of $KUBECONFIG merged (the first to define a name or
// current-context wins; missing files are skipped), else Skiff's own default,
// <SKIFF_HOME>/config (~/.skiff/config: not ~/.kube/config, which points at
// real clusters; <SKIFF_HOME>/config.json next to it is the registry
// credentials file, as Docker's). Resolving a file to a server is kubeconfig.ts.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

type Yaml = typeof YamlModule;
let yaml: Yaml | undefined;

/**
 * yaml's parser, loaded on first use: a process given its server and token
 * (a node agent) never reads a kubeconfig, and the parser is a few MiB of
 * its idle memory. Loaded synchronously, so parseKubeconfig stays sync.
 */
function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yaml.parse(text);
}

/** A kubeconfig that cannot be read or does not lead to a server. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

/** A `clusters[].cluster` entry. */
export interface KubeCluster {
  /** The file the entry was read from, for messages. */
  readonly source: string;
  readonly server?: string;
  /** PEM, decoded from `certificate-authority-data`. */
  readonly certificateAuthorityData?: string;
  /** `certificate-authority`, resolved against the kubeconfig's directory. */
  readonly certificateAuthorityFile?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly tlsServerName?: string;
}

/** A `users[].user` entry. */
export interface KubeUser {
  readonly source: string;
  readonly token?: string;
  /** `tokenFile`, resolved against the kubeconfig's directory. */
  readonly tokenFile?: string;
  /** PEM, decoded from `client-certificate-data` / `client-key-data`. */
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  /** `client-certificate` / `client-key`, resolved against the kubeconfig's directory. */
  readonly clientCertificateFile?: string;
  readonly clientKeyFile?: string;
}

/** A `contexts[].context` entry. */
export interface KubeContext {
  readonly cluster?: string;
  readonly user?: string;
  readonly namespace?: string;
}

/** The parts of a kubeconfig Skiff uses, entries by name. */
export interface Kubeconfig {
  readonly clusters: ReadonlyMap<string, KubeCluster>;
  readonly users: ReadonlyMap<string, KubeUser>;
  readonly contexts: ReadonlyMap<string, KubeContext>;
  readonly currentContext?: string;
}

/** Environment variables the lookup reads (process.env by default). */
export type Env = Readonly<Record<string, string | undefined>>;

/** `<SKIFF_HOME>/config`, `~/.skiff/config` without SKIFF_HOME. */
export function defaultKubeconfigPath(env: Env = process.env): string {
  return path.join(env.SKIFF_HOME || path.join(os.homedir(), '.skiff'), 'config');
}

/** The kubeconfig files in effect, in kubectl's order (see the top of this file). */
export function kubeconfigFiles(explicit: string | undefined, env: Env = process.env): string[] {
  if (explicit) return [explicit];
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).filter((file) => file !== '');
  // kubectl skips $KUBECONFIG files that do not exist; an explicit --kubeconfig must exist.
  if (fromEnv.length > 0) return [...new Set(fromEnv)].filter((file) => existsSync(file));
  const fallback = defaultKubeconfigPath(env);
  return existsSync(fallback) ? [fallback] : [];
}

/** Parses kubeconfig YAML; relative file paths in it are resolved against `file`'s directory. */
export function parseKubeconfig(text: string, file: string): Kubeconfig {
  const problem = (message: string) =>
    new KubeconfigError(`error loading config file "${file}": ${message}`);
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw problem((error as Error).message);
  }
  if (document === null || document === undefined) document = {};
  if (typeof document !== 'object' || Array.isArray(document))
    throw problem('not a kubeconfig (a mapping is expected)');
  const doc = document as Record<string, unknown>;
  const dir = path.dirname(file);
  const resolveFile = (value: unknown) =>
    typeof value === 'string' && value ? path.resolve(dir, value) : undefined;
  const decode = (value: unknown, field: string, name: string) => {
    if (typeof value !== 'string' || value === '') return undefined;
    // Buffer.from ignores what is not base64; a strict check catches a PEM pasted undecoded.
    if (!/^[A-Za-z0-9+/=\s]+$/.test(value))
      throw problem(`${field} of "${name}" is not base64 (paste the base64 of the PEM file)`);
    return Buffer.from(value, 'base64').toString('utf8');
  };
  const clusters = named(doc.clusters, 'cluster', problem, (c, name) => ({
    source: file,
    server: str(c.server),
    certificateAuthorityData: decode(
      c['certificate-authority-data'],
      'certificate-authority-data',
      name,
    ),
    certificateAuthorityFile: resolveFile(c['certificate-authority']),
    insecureSkipTlsVerify: c['insecure-skip-tls-verify'] === true,
    tlsServerName: str(c['tls-server-name']),
  }));
  const users = named(doc.users, 'user', problem, (u, name) => ({
    source: file,
    token: str(u.token),
    tokenFile: resolveFile(u.tokenFile),
    clientCertificateData: decode(u['client-certificate-data'], 'client-certificate-data', name),
    clientKeyData: decode(u['client-key-data'], 'client-key-data', name),
    clientCertificateFile: resolveFile(u['client-certificate']),
    clientKeyFile: resolveFile(u['client-key']),
  }));
  const contexts = named(doc.contexts, 'context', problem, (c) => ({
    cluster: str(c.cluster),
    user: str(c.user),
    namespace: str(c.namespace),
  }));
  return { clusters, users, contexts, currentContext: str(doc['current-context']) };
}

/** Reads and parses one kubeconfig file. */
export async function loadKubeconfig(file: string): Promise<Kubeconfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new KubeconfigError(`error loading config file "${file}": ${(error as Error).message}`);
  }
  return parseKubeconfig(text, file);
}

/** kubectl's merge: the first file to define a name (or current-context) wins. */
export function mergeKubeconfigs(configs: readonly Kubeconfig[]): Kubeconfig {
  const merge = <V>(pick: (c: Kubeconfig) => ReadonlyMap<string, V>) => {
    const merged = new Map<string, V>();
    for (const config of configs)
      for (const [name, value] of pick(config)) if (!merged.has(name)) merged.set(name, value);
    return merged;
  };
  return {
    clusters: merge((c) => c.clusters),
    users: merge((c) => c.users),
    contexts: merge((c) => c.contexts),
    currentContext: configs.find((c) => c.currentContext)?.currentContext,
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `[{name, <field>: {...}}]` as a map from name to the converted field (the first of a name wins). */
function named<V>(
  list: unknown,
  field: string,
  problem: (message: string) => KubeconfigError,
  convert: (entry: Record<string, unknown>, name: string) => V,
): Map<string, V> {
  const entries = new Map<string, V>();
  if (list === undefined || list === null) return entries;
  if (!Array.isArray(list)) throw problem(`${field}s must be a list`);
  for (const item of list as unknown[]) {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<
      string,
      unknown
    >;
    const name = str(entry.name);
    if (!name) throw problem(`a ${field} has no name`);
    const body = entry[field];
    if (!entries.has(name))
      entries.set(
        name,
        convert(
          typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {},
          name,
        ),
      );
  }
  return entries;
}
