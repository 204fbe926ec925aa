// Serving an app over HTTP with a graceful stop: stop accepting connections,
// end the watches (through the server's abort signal), let requests in flight
// finish within a grace period, then cut what remains.

import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { MessageClasses } from './express-messages.js';
import { serveUpgrades } from './upgrade-requests.js';

/** A listening server. */
export interface HttpListener {
  /** `https://127.0.0.1:PORT` (the address clients use; `0.0.0.0` reads as 127.0.0.1). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops gracefully (see the file's header); resolves once every connection is closed. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** `127.0.0.1` unless told otherwise. IPv6 literals with or without brackets. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Aborted first thing in close(): the API server's signal, which ends its watches. */
  readonly shutdown?: AbortController;
  /** How long requests in flight may take to finish when closing (default 5 s). */
  readonly graceMs?: number;
  /** Serve HTTPS with this certificate chain and key (PEM); plain HTTP without. */
  readonly tls?: { readonly certificate: string; readonly key: string };
  /**
   * The classes Node builds each request and response with (default Node's
   * own); for an express app, expressMessageClasses(app) spares express
   * re-prototyping every request and response.
   */
  readonly messageClasses?: MessageClasses;
}

function clientHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

/** Listens with `handler` on `host:port`; resolves once listening. */
export async function listenHttp(
  handler: RequestListener,
  options: ListenOptions,
): Promise<HttpListener> {
  const serverOptions = { keepAliveTimeout: 5_000, ...options.messageClasses };
  const server: Server = options.tls
    ? createTlsServer(
        { ...serverOptions, cert: options.tls.certificate, key: options.tls.key },
        handler,
      )
    : createServer(serverOptions, handler);
  serveUpgrades(server, handler);
  const host = (options.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://${clientHost(address.address)}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    host: address.address,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        options.shutdown?.abort();
        server.close(() => resolve());
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), options.graceMs ?? 5_000);
        cut.unref();
      });
      return closing;
    },
  };
}
