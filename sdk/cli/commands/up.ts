// `skiff up`: a whole cluster in this process on embedded defaults — the
// control plane (LMDB under --data-dir), the scheduler and one node agent
// sharing the CLI's image store (so `skiff build` images run without a
// push) — until SIGINT or SIGTERM.

import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { ClusterApi } from '../../../controlplane/api/cluster-api.js';
import { ApiError } from '../../../controlplane/api/errors.js';
import { servedTypeFor } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { clientFor, openImageStore } from '../image-context.js';
import { skiffHome } from '../paths.js';
import { parseListen } from './controlplane.js';

interface UpFlags {
  readonly apply?: string;
  readonly registry: string;
  readonly dataDir: string;
  readonly listen: string;
  readonly nodes: string;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * The cluster's registry, on a port of its own: registry clients (skiff,
 * skopeo, docker) speak plain HTTP to local registries and do not know the
 * cluster's CA, so it is not mounted on the HTTPS API. A port already taken
 * leaves the cluster without one, with a warning (npm start must not fail on it).
 */
async function startRegistry(
  listen: string,
  dataDir: string,
): Promise<{ address: string; close(): Promise<void> } | undefined> {
  if (listen === 'none') return undefined;
  const { host, port } = parseListen(listen);
  const { serveRegistry } = await import('../../../runtime/images/registry-server/index.js');
  try {
    return await serveRegistry({ dataDir, host, port });
  } catch (error) {
    process.stderr.write(
      `skiff up: no registry: cannot listen on ${listen}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return undefined;
  }
}

/** Creates each object of `file` (left as it is when it exists), printing kubectl's lines. */
async function applySamples(api: ClusterApi, file: string): Promise<void> {
  const { parseAllDocuments } = await import('yaml');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CliError(`--apply ${file}: cannot read the file`);
  });
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS() as KubeObject | null;
    if (!object) continue;
    const type = servedTypeFor(object.apiVersion, object.kind);
    if (!type)
      throw new CliError(`--apply ${file}: unknown kind ${object.apiVersion}/${object.kind}`);
    const what = `${type.singular}/${object.metadata.name ?? ''}`;
    try {
      await api
        .resource(type)
        .create(object, { namespace: object.metadata.namespace ?? 'default' });
      process.stdout.write(`${what} created\n`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status.code === 409)) throw error;
      process.stdout.write(`${what} unchanged\n`);
    }
  }
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'Run an all-in-one cluster (control plane, scheduler, node agent) until interrupted',
    )
    .option('--data-dir <dir>', 'where the cluster keeps its state', './.skiff')
    .option('--listen <host:port>', 'address of the API (HTTPS)', '127.0.0.1:6443')
    .option('--nodes <n>', 'node agents to run in this process', '1')
    .option('--apply <file>', 'once up, create the objects of this YAML file (the samples)')
    .option(
      '--registry <host:port>',
      "where the cluster's image registry serves /v2/ (plain HTTP; 'none': no registry)",
      '127.0.0.1:5000',
    )
    .action(async (flags: UpFlags) => {
      const { host, port } = parseListen(flags.listen);
      const nodes = Number(flags.nodes);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64)
        throw new CliError(`invalid --nodes "${flags.nodes}": expected 1 to 64`);
      const dataDir = path.resolve(flags.dataDir);
      await mkdir(dataDir, { recursive: true });
      const imageStore = await openImageStore();
      const { createCluster } = await import('../../embedded/index.js');
      const cluster = await createCluster({
        dataDir,
        host,
        port,
        nodes,
        imageStore,
        registryClient: (registry) => clientFor(registry),
        onError: (error) => {
          if (process.env.SKIFF_DEBUG) process.stderr.write(`skiff up: ${String(error)}\n`);
        },
      }).catch(async (error: unknown) => {
        await imageStore.close();
        throw new CliError(
          `cannot start the cluster: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      const registry = await startRegistry(flags.registry, path.join(dataDir, 'registry'));
      // Like kind, make the new cluster the default one — unless the user already has a config.
      const defaultConfig = path.join(skiffHome(), 'config');
      let hint = `  export KUBECONFIG=${cluster.kubeconfigPath}\n`;
      if (!(await exists(defaultConfig))) {
        await mkdir(skiffHome(), { recursive: true });
        await copyFile(cluster.kubeconfigPath, defaultConfig);
        hint = `  (also written to ${defaultConfig}, which skiff uses by default)\n`;
      }
      process.stderr.write(
        `skiff up: serving ${cluster.url} with ${cluster.nodes.map((n) => n.name).join(', ')}\n` +
          `Admin kubeconfig: ${cluster.kubeconfigPath}\n${hint}` +
          (registry
            ? `Registry: ${registry.address} (skiff push ${registry.address}/NAME:TAG)\n`
            : '') +
          `Join more nodes: skiff node join ${cluster.url} --token $(cat ${path.join(dataDir, 'controlplane', 'node-token')}) --certificate-authority ${path.join(dataDir, 'controlplane', 'pki', 'ca.crt')}\n`,
      );
      if (flags.apply) await applySamples(cluster.api, flags.apply);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      process.stderr.write('skiff up: stopping\n');
      await cluster.stop();
      await registry?.close();
      await imageStore.close();
    });
}
