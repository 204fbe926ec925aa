// From kubeconfig files and kubectl's global flags to a ClientConfig, as
// kubectl resolves them: --context picks the context (else current-context),
// --cluster and --user its entries; --server, --token, --namespace,
// --certificate-authority, --insecure-skip-tls-verify and --tls-server-name
// override what the entries say, with client-go's rules for how TLS
// overrides clear each other. Finding and merging the files is
// kubeconfig-files.ts.

import { readFile } from 'node:fs/promises';
import type { ClientConfig, TlsConfig } from './config.js';
import {
  defaultKubeconfigPath,
  kubeconfigFiles,
  KubeconfigError,
  loadKubeconfig,
  mergeKubeconfigs,
  type Env,
  type KubeCluster,
  type KubeUser,
} from './kubeconfig-files.js';

export {
  defaultKubeconfigPath,
  kubeconfigFiles,
  KubeconfigError,
  loadKubeconfig,
  mergeKubeconfigs,
  parseKubeconfig,
  type Env,
  type KubeCluster,
  type Kubeconfig,
  type KubeContext,
  type KubeUser,
} from './kubeconfig-files.js';

/** Flags that choose and override the kubeconfig (kubectl's global flags). */
export interface KubeconfigOverrides {
  /** `--kubeconfig`: this file only (it must exist). */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** `--cluster` / `--user`: entries to use instead of the context's. */
  readonly cluster?: string;
  readonly user?: string;
  readonly server?: string;
  readonly token?: string;
  readonly namespace?: string;
  /** `--certificate-authority`: a PEM file (relative to the working directory). */
  readonly certificateAuthority?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly tlsServerName?: string;
  /** `--request-timeout`, in ms; 0 or absent: none. */
  readonly timeoutMs?: number;
}

/** A config ready for createClient, and where it came from. */
export interface ResolvedClientConfig {
  /** Its `namespace` is the resolved default namespace. */
  readonly config: ClientConfig & { readonly namespace: string };
  /** The files read (none when flags alone named the server). */
  readonly files: readonly string[];
  readonly context?: string;
}

/**
 * The ClientConfig the flags, the environment and the kubeconfig files lead
 * to. Throws KubeconfigError (naming the file at fault where there is one)
 * when a file cannot be read, an entry named does not exist, a certificate or
 * key cannot be read, or nothing names a server.
 */
export async function resolveClientConfig(
  overrides: KubeconfigOverrides = {},
  env: Env = process.env,
): Promise<ResolvedClientConfig> {
  const files = kubeconfigFiles(overrides.kubeconfig, env);
  const kubeconfig = mergeKubeconfigs(await Promise.all(files.map(loadKubeconfig)));
  const where = files.length ? ` in ${files.join(', ')}` : '';
  const contextName = overrides.context ?? kubeconfig.currentContext;
  const context = contextName ? kubeconfig.contexts.get(contextName) : undefined;
  if (contextName && !context)
    throw new KubeconfigError(`context "${contextName}" does not exist${where}`);
  const clusterName = overrides.cluster ?? context?.cluster;
  const cluster = clusterName ? kubeconfig.clusters.get(clusterName) : undefined;
  if (clusterName && !cluster && !overrides.server)
    throw new KubeconfigError(`cluster "${clusterName}" does not exist${where}`);
  const userName = overrides.user ?? context?.user;
  const user = userName ? kubeconfig.users.get(userName) : undefined;
  if (userName && !user) throw new KubeconfigError(`user "${userName}" does not exist${where}`);

  const server = overrides.server ?? cluster?.server;
  if (!server) {
    throw new KubeconfigError(
      `no server to talk to: give --server, --kubeconfig or KUBECONFIG, or copy the kubeconfig ` +
        `"skiff controlplane" writes to ${defaultKubeconfigPath(env)}`,
    );
  }
  const tls = await tlsOf(cluster, clusterName, user, userName, overrides);
  const token =
    overrides.token ??
    user?.token ??
    (user?.tokenFile
      ? await readText(user.tokenFile, `tokenFile of user "${userName}"`)
      : undefined);
  return {
    config: {
      server: normaliseServer(server, tls),
      namespace: overrides.namespace || context?.namespace || 'default',
      ...(token ? { token } : {}),
      ...(tls ? { tls } : {}),
      ...(overrides.timeoutMs ? { timeoutMs: overrides.timeoutMs } : {}),
    },
    files,
    ...(contextName ? { context: contextName } : {}),
  };
}

/** The TLS settings of the cluster and user entries, after the flags' overrides (client-go's rules). */
async function tlsOf(
  cluster: KubeCluster | undefined,
  clusterName: string | undefined,
  user: KubeUser | undefined,
  userName: string | undefined,
  overrides: KubeconfigOverrides,
): Promise<TlsConfig | undefined> {
  const ofCluster = `of cluster "${clusterName ?? ''}"${cluster ? ` (${cluster.source})` : ''}`;
  let insecure = cluster?.insecureSkipTlsVerify ?? false;
  let caData = cluster?.certificateAuthorityData;
  let caFile = cluster?.certificateAuthorityFile;
  let caWhat = `certificate-authority ${ofCluster}`;
  // A CA or insecure flag replaces all three of the cluster's, so that a
  // kubeconfig CA does not clash with --insecure-skip-tls-verify.
  if (overrides.insecureSkipTlsVerify || overrides.certificateAuthority) {
    insecure = overrides.insecureSkipTlsVerify ?? false;
    caData = undefined;
    caFile = overrides.certificateAuthority;
    caWhat = '--certificate-authority';
  }
  // --server makes the kubeconfig's tls-server-name (meant for its own server) moot.
  const serverName =
    overrides.tlsServerName || overrides.server ? overrides.tlsServerName : cluster?.tlsServerName;
  const certificateAuthority = caData ?? (caFile ? await readText(caFile, caWhat) : undefined);
  if (
    certificateAuthority !== undefined &&
    !certificateAuthority.includes('-----BEGIN CERTIFICATE-----')
  )
    throw new KubeconfigError(`${caWhat}: no PEM certificate in it`);
  if (certificateAuthority && insecure)
    throw new KubeconfigError(
      'specifying a root certificates file with the insecure flag is not allowed',
    );
  const client = await clientCertificateOf(user, userName);
  if (!certificateAuthority && !insecure && !serverName && !client) return undefined;
  return {
    ...(certificateAuthority ? { certificateAuthority } : {}),
    ...(insecure ? { insecureSkipTlsVerify: true } : {}),
    ...(serverName ? { serverName } : {}),
    ...client,
  };
}

async function clientCertificateOf(
  user: KubeUser | undefined,
  userName: string | undefined,
): Promise<{ clientCertificate: string; clientKey: string } | undefined> {
  if (!user) return undefined;
  const ofUser = `of user "${userName ?? ''}" (${user.source})`;
  const certificate =
    user.clientCertificateData ??
    (user.clientCertificateFile
      ? await readText(user.clientCertificateFile, `client-certificate ${ofUser}`)
      : undefined);
  const key =
    user.clientKeyData ??
    (user.clientKeyFile ? await readText(user.clientKeyFile, `client-key ${ofUser}`) : undefined);
  if (!certificate && !key) return undefined;
  if (!certificate || !key) {
    const missing = certificate
      ? 'client-key-data or client-key'
      : 'client-certificate-data or client-certificate';
    throw new KubeconfigError(
      `${missing} must be specified for user "${userName ?? ''}" (${user.source}) to use the clientCert authentication method`,
    );
  }
  return { clientCertificate: certificate, clientKey: key };
}

/**
 * kubectl accepts `-s 127.0.0.1:6443`: the scheme is then https when TLS is
 * configured (a CA, insecure-skip-tls-verify, a client certificate), else
 * http, as client-go's DefaultServerURL decides.
 */
function normaliseServer(server: string, tls: TlsConfig | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(server)) return server;
  const secure = tls?.certificateAuthority || tls?.insecureSkipTlsVerify || tls?.clientCertificate;
  return `${secure ? 'https' : 'http'}://${server}`;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new KubeconfigError(`unable to read ${what}: ${(error as Error).message}`);
  }
}
