// `skiff node join <api-url> --token T`: a node agent in its own process (or
// machine) joining a cluster over HTTPS, until SIGINT or SIGTERM. Its pods
// stop with it; started again with the same --data-dir it re-adopts them.

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { createClient } from '../../client/index.js';
import { agentServingCertificate } from '../agent-certificate.js';
import { CliError } from '../cli-error.js';
import { clientFor } from '../image-context.js';

interface JoinFlags {
  readonly token: string;
  readonly name?: string;
  readonly dataDir?: string;
  readonly certificateAuthority?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly listen: string;
  readonly maxPods?: string;
}

export function registerNodeJoin(program: Command): void {
  const node = program.command('node').description('Node agents');
  node
    .command('join')
    .description('Run a node agent that joins the cluster at <api-url>')
    .argument('<api-url>', 'the API server, e.g. https://10.0.0.1:6443')
    .requiredOption('--token <token>', "the cluster's node token (<data-dir>/node-token)")
    .option('--name <name>', 'the Node name', os.hostname().toLowerCase())
    .option('--data-dir <dir>', 'where the agent keeps pods, logs, images and state')
    .option('--certificate-authority <file>', "the cluster CA (the control plane's pki/ca.crt)")
    .option('--insecure-skip-tls-verify', "do not check the API server's certificate")
    .option(
      '--listen <host:port>',
      "the agent's HTTPS API (logs) and the node address",
      '127.0.0.1:0',
    )
    .option('--max-pods <n>', 'pods this node accepts', '1000')
    .action(async (url: string, flags: JoinFlags) => {
      const name = flags.name ?? os.hostname().toLowerCase();
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name))
        throw new CliError(`invalid --name "${name}": a node name is a lowercase DNS subdomain`);
      const listen = /^(.*):(\d{1,5})$/.exec(flags.listen);
      if (!listen) throw new CliError(`invalid --listen "${flags.listen}": expected HOST:PORT`);
      const maxPods = Number(flags.maxPods);
      if (!Number.isInteger(maxPods) || maxPods < 1)
        throw new CliError(`invalid --max-pods "${flags.maxPods}"`);
      const certificateAuthority = flags.certificateAuthority
        ? await readFile(flags.certificateAuthority, 'utf8').catch(() => {
            throw new CliError(`cannot read --certificate-authority ${flags.certificateAuthority}`);
          })
        : undefined;
      const api = createClient({
        server: url,
        token: flags.token,
        tls: {
          ...(certificateAuthority ? { certificateAuthority } : {}),
          ...(flags.insecureSkipTlsVerify ? { insecureSkipTlsVerify: true } : {}),
        },
      });
      const dataDir = path.resolve(flags.dataDir ?? path.join('.skiff-node', name));
      const { startNodeAgent } = await import('../../../runtime/agent/index.js');
      const host = listen[1] || '127.0.0.1';
      const serving = await agentServingCertificate(path.join(dataDir, 'pki'), name, [
        host,
        'localhost',
        name,
      ]);
      const agent = await startNodeAgent({
        api,
        name,
        dataDir,
        token: flags.token,
        tls: serving,
        address: host,
        port: Number(listen[2]),
        maxPods,
        registryClient: (registry) => clientFor(registry),
      }).catch((error: unknown) => {
        throw new CliError(
          `cannot join ${url}: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      process.stderr.write(`skiff node: ${name} joined ${url} (agent API ${agent.url})\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await agent.stop();
    });
}
