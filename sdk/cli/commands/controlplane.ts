// `skiff controlplane`: the API server on its LMDB store (or, with
// `--store memory`, a throwaway one), from a data directory, until SIGINT or
// SIGTERM.

import type { Command } from 'commander';
import pino from 'pino';
import type { ControlPlaneStoreKind } from '../../../controlplane/index.js';
import { CliError } from '../cli-error.js';

interface ControlPlaneFlags {
  readonly dataDir: string;
  readonly listen: string;
  readonly logLevel: string;
  readonly store: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// The kinds ControlPlaneStoreKind names, listed here: the control plane's
// module loads only once the command runs.
const STORE_KINDS: readonly ControlPlaneStoreKind[] = ['lmdb', 'memory'];

function isStoreKind(value: string): value is ControlPlaneStoreKind {
  return (STORE_KINDS as readonly string[]).includes(value);
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces). */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    throw new CliError(`invalid --listen "${listen}": expected HOST:PORT (e.g. 127.0.0.1:6443)`);
  }
  return { host: match[1] || '0.0.0.0', port };
}

export function registerControlPlane(program: Command): void {
  program
    .command('controlplane')
    .description('Run the API server (state in LMDB under --data-dir) until interrupted')
    .requiredOption('--data-dir <dir>', 'state, credentials, certificates and the admin kubeconfig')
    .option('--listen <host:port>', 'address to serve the API on (HTTPS)', '127.0.0.1:6443')
    .option('--log-level <level>', `one of ${LOG_LEVELS.join(', ')}`, 'info')
    .option(
      '--store <kind>',
      'lmdb: state on disk under --data-dir; memory: in this process only, lost when it exits (tests, demos)',
      'lmdb',
    )
    .action(async (flags: ControlPlaneFlags) => {
      const { host, port } = parseListen(flags.listen);
      if (!LOG_LEVELS.includes(flags.logLevel)) {
        throw new CliError(
          `invalid --log-level "${flags.logLevel}": expected one of ${LOG_LEVELS.join(', ')}`,
        );
      }
      const store = flags.store;
      if (!isStoreKind(store)) {
        throw new CliError(`invalid --store "${store}": expected one of ${STORE_KINDS.join(', ')}`);
      }
      const logger = pino({ level: flags.logLevel }, pino.destination(2));
      const { startControlPlane } = await import('../../../controlplane/index.js');
      // Starting fails for the user's reasons (the data dir is another
      // server's or unwritable, the port is taken): one line, not a stack.
      const controlPlane = await startControlPlane({
        dataDir: flags.dataDir,
        host,
        port,
        logger,
        store,
      }).catch((error: unknown) => {
        logger.debug({ err: error }, 'start failed');
        throw new CliError(
          `cannot start the control plane: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
      process.stderr.write(
        `skiff controlplane: serving ${controlPlane.url}\n` +
          (store === 'memory'
            ? 'State: in memory only (--store memory): nothing is kept when this process exits\n'
            : '') +
          `Admin kubeconfig: ${controlPlane.kubeconfigPath}\n` +
          `  export KUBECONFIG=${controlPlane.kubeconfigPath}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await controlPlane.close();
    });
}
