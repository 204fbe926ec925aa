// `skiff registry`: an OCI Distribution registry served from a Skiff blob store,
// so a cluster needs nothing else running.

import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

interface RegistryFlags {
  readonly dataDir: string;
  readonly listen: string;
}

export function registerRegistry(program: Command): void {
  program
    .command('registry')
    .description('Serve an OCI image registry (push, pull, tags) from a local data directory')
    .requiredOption('--data-dir <dir>', 'where blobs and the repository index live')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:5000')
    .action(async (flags: RegistryFlags) => {
      const match = /^(.+):(\d{1,5})$/.exec(flags.listen);
      if (!match) throw new CliError(`invalid --listen "${flags.listen}": expected HOST:PORT`);
      const [, host = '', portText = ''] = match;
      const { serveRegistry } = await import('../../../runtime/images/registry-server/index.js');
      const server = await serveRegistry({ dataDir: flags.dataDir, host, port: Number(portText) });
      process.stderr.write(
        `skiff registry: serving ${flags.dataDir} on http://${server.address}/v2/\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
    });
}
