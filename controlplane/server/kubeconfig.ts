// The kubeconfig a control plane writes for its admin: one cluster (the
// server's URL), one user (the admin token), one context (namespace default),
// current. kubectl, @kubernetes/client-node and skiff all read it.

import { rename, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** What the kubeconfig names. */
export interface KubeconfigOptions {
  /** `https://127.0.0.1:6443` */
  readonly server: string;
  /** PEM of the CA that signed the server's certificate (kubeconfig's certificate-authority-data). */
  readonly certificateAuthority?: string;
  readonly token: string;
  /** The name of the cluster, user (`<name>-admin`) and context (default `skiff`). */
  readonly name?: string;
  /** The context's namespace (default `default`). */
  readonly namespace?: string;
}

/** The kubeconfig document (a `v1` `Config`). */
export function kubeconfig(options: KubeconfigOptions) {
  const name = options.name ?? 'skiff';
  const user = `${name}-admin`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: options.server,
          ...(options.certificateAuthority
            ? {
                'certificate-authority-data': Buffer.from(options.certificateAuthority).toString(
                  'base64',
                ),
              }
            : {}),
        },
      },
    ],
    users: [{ name: user, user: { token: options.token } }],
    contexts: [
      { name, context: { cluster: name, user, namespace: options.namespace ?? 'default' } },
    ],
    'current-context': name,
    preferences: {},
  };
}

/** Writes the kubeconfig to `file` (mode 0600: it holds the token), replacing it atomically. */
export async function writeKubeconfig(file: string, options: KubeconfigOptions): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, stringify(kubeconfig(options)), { mode: 0o600 });
  await rename(temporary, file);
}
