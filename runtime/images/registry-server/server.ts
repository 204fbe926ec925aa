// `skiff registry`: the Distribution API on a port of its own, over a data
// directory (the same blob store layout as the rest of Skiff).

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { RegistryRouterOptions } from './router.js';
import { createRegistryRouter } from './router.js';
import { createRegistryStorage } from './registry-storage.js';

/** Where and how `serveRegistry` serves. */
export interface ServeRegistryOptions extends RegistryRouterOptions {
  /** The data directory: blobs, the LMDB index and upload files. */
  readonly dataDir: string;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 5000; 0 picks a free one, which `address` then reports). */
  readonly port?: number;
}

/** A running registry. */
export interface RunningRegistry {
  /** `host:port` as clients write it in image references (IPv6 in brackets). */
  readonly address: string;
  /** Stops listening, ends open connections and closes the storage. */
  close(): Promise<void>;
}

/** Serves the registry of `dataDir` at `http://host:port/v2/`; resolves once listening. */
export async function serveRegistry(options: ServeRegistryOptions): Promise<RunningRegistry> {
  const storage = await createRegistryStorage(options.dataDir);
  const app = express();
  app.disable('x-powered-by');
  // The registry sets the ETags that mean something (digests).
  app.set('etag', false);
  app.use('/v2', createRegistryRouter(storage, options));

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      // `[::1]` as written in an address; listen() wants the bare IPv6 literal.
      const host = (options.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
      const listening = app.listen(options.port ?? 5000, host, (error) =>
        error ? reject(error) : resolve(listening),
      );
    });
  } catch (error) {
    await storage.close();
    throw error;
  }
  const { address, port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    address: `${address.includes(':') ? `[${address}]` : address}:${port}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await storage.close();
      })();
      return closing;
    },
  };
}
