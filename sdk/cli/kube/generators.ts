// The objects `skiff create namespace|configmap|secret generic|deployment|
// service` make from flags, as kubectl's generators make them (the same
// fields, labels and names), so that `--dry-run=client -o yaml` prints what
// kubectl prints.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';

/** A Namespace. */
export function namespaceObject(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: {}, status: {} };
}

/** Where a config map's or secret's keys come from (kubectl's --from-* flags, in their order). */
export interface DataSources {
  readonly literals?: readonly string[];
  readonly files?: readonly string[];
  readonly envFiles?: readonly string[];
}

/** The keys and their bytes, in the order the sources give them; a CliError naming a bad source. */
export async function readDataSources(
  sources: DataSources,
  owner: string,
): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const add = (key: string, value: Buffer): void => {
    if (!/^[-._a-zA-Z0-9]+$/.test(key))
      throw new CliError(
        `"${key}" is not a valid key name for ${owner}: a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
      );
    if (entries.has(key))
      throw new CliError(
        `cannot add key "${key}", another key by that name already exists in ${owner}`,
      );
    entries.set(key, value);
  };
  for (const literal of sources.literals ?? []) {
    const equals = literal.indexOf('=');
    if (equals <= 0) throw new CliError(`invalid literal source ${literal}, expected key=value`);
    add(literal.slice(0, equals), Buffer.from(literal.slice(equals + 1)));
  }
  for (const source of sources.files ?? []) {
    const equals = source.indexOf('=');
    const [key, file] =
      equals > 0 ? [source.slice(0, equals), source.slice(equals + 1)] : [undefined, source];
    const info = await statOf(file);
    if (info.isDirectory()) {
      if (key !== undefined)
        throw new CliError(`cannot give a key name for a directory path: ${file}`);
      for (const entry of (await readdir(file, { withFileTypes: true })).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      ))
        if (entry.isFile()) add(entry.name, await readFile(path.join(file, entry.name)));
    } else add(key ?? path.basename(file), await readFile(file));
  }
  for (const file of sources.envFiles ?? []) {
    await statOf(file);
    for (const [index, raw] of (await readFile(file, 'utf8')).split(/\r?\n/).entries()) {
      const line = raw.trimStart();
      if (line === '' || line.startsWith('#')) continue;
      const equals = line.indexOf('=');
      if (equals <= 0)
        throw new CliError(`${file}: line ${index + 1}: "${raw}" is not a KEY=VALUE line`);
      add(line.slice(0, equals), Buffer.from(line.slice(equals + 1)));
    }
  }
  return entries;
}

async function statOf(file: string) {
  try {
    return await stat(file);
  } catch {
    throw new CliError(`error reading ${file}: no such file or directory`);
  }
}

/** A ConfigMap: UTF-8 values in `data`, others base64 in `binaryData`, as kubectl sorts them. */
export function configMapObject(name: string, entries: ReadonlyMap<string, Buffer>): KubeObject {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const [key, bytes] of entries) {
    const text = bytes.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(bytes)) data[key] = text;
    else binaryData[key] = bytes.toString('base64');
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };
}

/** A Secret of `type` (Opaque unless given), every value base64 in `data`. */
export function secretObject(
  name: string,
  entries: ReadonlyMap<string, Buffer>,
  type = 'Opaque',
): KubeObject {
  const data: Record<string, string> = {};
  for (const [key, bytes] of entries) data[key] = bytes.toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    ...(Object.keys(data).length > 0 ? { data } : {}),
    type,
  };
}

/** What `create deployment` takes. */
export interface DeploymentSpec {
  readonly images: readonly string[];
  readonly replicas: number;
  readonly port?: number;
  readonly command?: readonly string[];
}

/**
 * A Deployment labelled and selected by `app: NAME`, a container per image
 * named after it (`registry.local/team/web:v1` → `web`), as kubectl names them.
 */
export function deploymentObject(name: string, spec: DeploymentSpec): KubeObject {
  const labels = { app: name };
  const names = new Set<string>();
  const containers = spec.images.map((image) => {
    const containerName = uniqueName(containerNameOf(image), names);
    return {
      name: containerName,
      image,
      ...(spec.command && spec.command.length > 0 ? { command: [...spec.command] } : {}),
      ...(spec.port !== undefined ? { ports: [{ containerPort: spec.port }] } : {}),
      resources: {},
    };
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: labels },
      strategy: {},
      template: { metadata: { labels }, spec: { containers } },
    },
    status: {},
  };
}

/** kubectl's container name for an image: its last path part, without tag or digest, made DNS-safe. */
export function containerNameOf(image: string): string {
  const base = image.split('@')[0]?.split('/').pop() ?? image;
  const name = (base.split(':')[0] ?? base)
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '');
  return name || 'container';
}

function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = `${name}-${n}`;
  taken.add(unique);
  return unique;
}

/** The Service types `create service` makes. */
export type ServiceKind = 'clusterip' | 'nodeport';

/** A Service selecting `app: NAME`, a port per `--tcp=PORT[:TARGET]` named `PORT-TARGET`, as kubectl's. */
export function serviceObject(
  name: string,
  kind: ServiceKind,
  tcp: readonly string[],
  nodePort?: number,
): KubeObject {
  if (tcp.length === 0) throw new CliError('at least one tcp port specifier must be provided');
  const ports = tcp.map((spec) => {
    const [port = '', target = port] = spec.split(':');
    const number = portNumber(port, spec);
    const targetPort = /^\d+$/.test(target) ? portNumber(target, spec) : target;
    return {
      name: `${port}-${target}`,
      port: number,
      protocol: 'TCP',
      targetPort,
      ...(kind === 'nodeport' && nodePort !== undefined ? { nodePort } : {}),
    };
  });
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: name } },
    spec: { ports, selector: { app: name }, type: kind === 'nodeport' ? 'NodePort' : 'ClusterIP' },
    status: { loadBalancer: {} },
  };
}

function portNumber(text: string, spec: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535)
    throw new CliError(
      `invalid port "${text}" in --tcp=${spec}: a port is a number from 1 to 65535`,
    );
  return port;
}
