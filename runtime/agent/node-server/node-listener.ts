// Serving the node server on an address, over HTTPS when given a certificate
// (as the kubelet's port always is) or plain HTTP, with a stop that ends the
// log streams first and then cuts what did not finish within a grace period.

import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A certificate and its key, PEM. */
export interface NodeServerTls {
  readonly cert: string;
  readonly key: string;
}

/** Where to listen. */
export interface NodeListenAddress {
  /** Default 127.0.0.1. IPv6 literals with or without brackets. */
  readonly host?: string;
  /** Default 10250, the kubelet's port; 0 picks a free one. */
  readonly port?: number;
}

/** A listening node server. */
export interface NodeServerListener {
  /** `https://127.0.0.1:10250` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Ends the streams, stops accepting, and resolves once every connection is closed. */
  close(): Promise<void>;
}

/** The kubelet's port. */
export const DEFAULT_NODE_SERVER_PORT = 10250;

/** Listens with `handler`; `shutdown` is aborted first thing in close(). */
export async function listenNodeServer(
  handler: RequestListener,
  address: NodeListenAddress,
  options: {
    readonly tls?: NodeServerTls;
    readonly shutdown: AbortController;
    readonly graceMs?: number;
  },
): Promise<NodeServerListener> {
  const server: Server = options.tls
    ? createTlsServer(
        { cert: options.tls.cert, key: options.tls.key, keepAliveTimeout: 5_000 },
        handler,
      )
    : createServer({ keepAliveTimeout: 5_000 }, handler);
  const host = (address.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port ?? DEFAULT_NODE_SERVER_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shown = bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${shown}:${bound.port}`,
    host: bound.address,
    port: bound.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        options.shutdown.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), options.graceMs ?? 5_000).unref();
      });
      return closing;
    },
  };
}
