// A control plane from a data directory: the LMDB store, the API services on
// it, and the HTTPS API server in front, with the credentials, PKI and
// kubeconfig kept beside the state. `skiff controlplane` and `skiff up` run
// one; the SDK embeds one.
//
//   <data-dir>/state/             LMDB (the store; absent with `store: 'memory'`)
//   <data-dir>/admin-token        bearer token of the admin (mode 0600)
//   <data-dir>/node-token         token node agents join with (mode 0600)
//   <data-dir>/pki/               cluster CA and the server's certificate
//   <data-dir>/kubeconfig.yaml    for skiff, kubectl and @kubernetes/client-node
//
// HTTPS only: kubectl and client-go never send a bearer token over plain
// HTTP, so a token-protected API must be served over TLS.

import path from 'node:path';
import type { Logger } from 'pino';
import pino from 'pino';
import {
  createApiServer,
  expressMessageClasses,
  listenHttp,
  type MountedRouter,
} from './server/index.js';
import { ensureTokens, type ControlPlaneTokens } from './server/credentials.js';
import { writeKubeconfig } from './server/kubeconfig.js';
import { ensureClusterPki, serverNames } from './server/pki/cluster-pki.js';
import { ensureKubernetesService } from './kubernetes-service.js';
import { createApiServices, type ApiServices } from './services/index.js';
import { MemoryStore, openLmdbStore, type Store } from './store/index.js';

/**
 * Where the cluster's state lives: `lmdb` under `<data-dir>/state` (kept
 * across restarts, every acknowledged write on disk), or `memory`, in this
 * process only and gone when it stops (throwaway clusters for tests and
 * demos; the bench's measure of what the disk costs).
 */
export type ControlPlaneStoreKind = 'lmdb' | 'memory';

/** Where and how a control plane runs. */
export interface ControlPlaneOptions {
  /** Its state, credentials, PKI and kubeconfig (created at first start). */
  readonly dataDir: string;
  /** Listen address (default 127.0.0.1: reachable from this machine only). */
  readonly host?: string;
  /** Default 6443, Kubernetes' port; 0 picks a free one. */
  readonly port?: number;
  /** Default: silent. */
  readonly logger?: Logger;
  /** Routers served beside the API (the OCI registry at /v2). */
  readonly extraRouters?: readonly MountedRouter[];
  /** Default `lmdb`. Credentials, PKI and kubeconfig stay in the data dir either way. */
  readonly store?: ControlPlaneStoreKind;
}

/** A running control plane. */
export interface ControlPlane {
  /** `https://127.0.0.1:6443` */
  readonly url: string;
  /** The API in-process: what embedded components use instead of HTTP. */
  readonly api: ApiServices;
  readonly tokens: ControlPlaneTokens;
  /** PEM of the cluster CA (clients verify the server with it). */
  readonly caCertificate: string;
  /** Path of the admin kubeconfig written at start. */
  readonly kubeconfigPath: string;
  /** Ends watches, lets requests in flight finish (5 s at most), closes the store. */
  close(): Promise<void>;
}

/** The file the admin kubeconfig is written to. */
export const KUBECONFIG_FILE = 'kubeconfig.yaml';

/** Starts a control plane on `options.dataDir`; resolves once it serves requests. */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const host = options.host ?? '127.0.0.1';
  const tokens = await ensureTokens(options.dataDir);
  const pki = await ensureClusterPki(
    options.dataDir,
    serverNames([host.replace(/^\[(.*)\]$/, '$1')]),
  );
  const store: Store =
    options.store === 'memory'
      ? new MemoryStore()
      : await openLmdbStore({ path: path.join(options.dataDir, 'state') });
  try {
    const api = createApiServices({ store });
    await api.ready();
    const shutdown = new AbortController();
    const app = createApiServer({
      api,
      auth: {
        tokens: [
          { token: tokens.admin, user: 'admin', groups: ['system:masters'] },
          { token: tokens.node, user: 'system:bootstrap:node', groups: ['system:bootstrappers'] },
        ],
      },
      logger,
      signal: shutdown.signal,
      nodeAgents: { token: tokens.node },
      storeRevision: () => store.revision(),
      // Named as Kubernetes names its storage check, so dashboards read the same.
      healthChecks: [{ name: 'etcd', check: async () => void (await store.get('/healthz')) }],
      ...(options.extraRouters ? { extraRouters: options.extraRouters } : {}),
    });
    const listener = await listenHttp(app, {
      host,
      port: options.port ?? 6443,
      shutdown,
      tls: { certificate: pki.serverCertificate, key: pki.serverKey },
      messageClasses: expressMessageClasses(app),
    });
    // 0.0.0.0 is not an address a pod can reach: advertise loopback then.
    const advertised = /^(0\.0\.0\.0|::)$/.test(listener.host) ? '127.0.0.1' : listener.host;
    await ensureKubernetesService(api, advertised, listener.port);
    const kubeconfigPath = path.join(options.dataDir, KUBECONFIG_FILE);
    await writeKubeconfig(kubeconfigPath, {
      server: listener.url,
      token: tokens.admin,
      certificateAuthority: pki.caCertificate,
    });
    logger.info({ url: listener.url, kubeconfig: kubeconfigPath }, 'control plane serving');
    let closing: Promise<void> | undefined;
    return {
      url: listener.url,
      api,
      tokens,
      caCertificate: pki.caCertificate,
      kubeconfigPath,
      close() {
        closing ??= listener.close().then(() => store.close());
        return closing;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
