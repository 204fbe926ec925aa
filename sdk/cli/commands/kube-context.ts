// What every kubectl-like command shares: kubectl's global flags (kubeconfig,
// context, server, credentials, TLS, namespace), the client they lead to, and
// the reporting of errors as kubectl prints them (`error: ...`, `Error from
// server (NotFound): ...`) with exit code 1.

import type { Command } from 'commander';
import {
  createClient,
  resolveClientConfig,
  type HttpClusterApi,
  type KubeconfigOverrides,
} from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { formatKubeError, isReportable, reportKubeError } from '../kube/errors.js';
import { allowFlagAssignments, parseDuration } from '../kube/flag-values.js';

/** kubectl's global flags, as commander parses them: the client's overrides, with the timeout as typed. */
export interface KubeFlags extends Omit<KubeconfigOverrides, 'timeoutMs'> {
  readonly requestTimeout?: string;
}

/** A connected command: the client, and the namespace it works in. */
export interface KubeContext {
  readonly api: HttpClusterApi;
  /** `-n`, else the context's namespace, else `default`. */
  readonly namespace: string;
  /** True when `-n` was given (objects of another namespace are then refused, as by kubectl). */
  readonly namespaceFlag: boolean;
}

/**
 * Adds kubectl's global flags to `command`, whose boolean flags may then be
 * written `--flag=false` (and `--cascade=orphan`) as in kubectl.
 */
export function withKubeFlags(command: Command): Command {
  return allowFlagAssignments(command, ['cascade'])
    .option(
      '--kubeconfig <file>',
      'the kubeconfig file (else the files of $KUBECONFIG, else $SKIFF_HOME/config or ~/.skiff/config)',
    )
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--cluster <name>', "the kubeconfig cluster to use, instead of the context's")
    .option('--user <name>', "the kubeconfig user to use, instead of the context's")
    .option('-s, --server <url>', 'the API server, overriding the kubeconfig')
    .option('--token <token>', 'the bearer token, overriding the kubeconfig')
    .option('-n, --namespace <namespace>', 'the namespace, overriding the context')
    .option(
      '--certificate-authority <file>',
      "a PEM file of the CA the server's certificate must chain to",
    )
    .option('--insecure-skip-tls-verify', "do not check the server's certificate (insecure)")
    .option('--tls-server-name <name>', "the name to check the server's certificate against")
    .option(
      '--request-timeout <duration>',
      'give up on a request after this long (30s, 1m; 0: never)',
      '0',
    );
}

/** The client the flags lead to (see resolveClientConfig). */
export async function kubeContext(flags: KubeFlags): Promise<KubeContext> {
  const resolved = await resolveClientConfig({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    cluster: flags.cluster,
    user: flags.user,
    server: flags.server,
    token: flags.token,
    namespace: flags.namespace,
    certificateAuthority: flags.certificateAuthority,
    insecureSkipTlsVerify: flags.insecureSkipTlsVerify,
    tlsServerName: flags.tlsServerName,
    timeoutMs: parseDuration(flags.requestTimeout ?? '0', 'request-timeout'),
  });
  return {
    api: createClient(resolved.config),
    namespace: resolved.config.namespace,
    namespaceFlag: Boolean(flags.namespace),
  };
}

/**
 * An action whose API, connection, kubeconfig and usage errors are printed
 * kubectl's way (exit code 1, or the CliError's), not as internal errors.
 */
export function kubeAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof CliError) {
        process.stderr.write(formatKubeError(error) + '\n');
        process.exitCode = error.exitCode;
        return;
      }
      if (!isReportable(error)) throw error;
      reportKubeError(error);
    }
  };
}
