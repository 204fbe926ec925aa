// The node agent's HTTP API: the kubelet's port, as far as Skiff serves it
// (container logs, exec), behind the cluster's node token.

import express from 'express';
import type { ContainerLogStore } from '../logs/index.js';
import { bearerAuth } from './bearer-auth.js';
import type { PodResolver } from './container-logs-route.js';
import { containerLogsHandler } from './container-logs-route.js';
import { execHandler, type ContainerExec } from './exec-route.js';
import type { NodeListenAddress, NodeServerListener, NodeServerTls } from './node-listener.js';
import { listenNodeServer } from './node-listener.js';
import { sendText } from './plain-text.js';

/** What the node server serves and whom it lets in. */
export interface NodeServerOptions {
  /** The node's container logs. */
  readonly logs: ContainerLogStore;
  /** The bearer token every request must carry (the cluster's node token). */
  readonly token: string;
  /** The pods this node runs, by namespace and name. */
  readonly resolvePod: PodResolver;
  /** Runs commands in containers (`/exec`); absent: not served. */
  readonly exec?: ContainerExec;
  /** Serve HTTPS with this certificate (the kubelet's port is HTTPS); plain HTTP without. */
  readonly tls?: NodeServerTls;
  /** How long streams may take to end when closing before connections are cut (default 5 s). */
  readonly graceMs?: number;
}

/** The node server: its app, and a way to listen with it. */
export interface NodeServer {
  /** The Express app (a request listener), for a caller that serves it itself. */
  readonly app: express.Express;
  /** Listens on `address` (127.0.0.1:10250 by default); resolves once listening. Call once. */
  listen(address?: NodeListenAddress): Promise<NodeServerListener>;
}

/** Builds the node server; nothing listens until listen(). */
export function createNodeServer(options: NodeServerOptions): NodeServer {
  const shutdown = new AbortController();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(bearerAuth(options.token));
  app.get(
    '/containerLogs/:namespace/:pod/:container',
    containerLogsHandler({
      logs: options.logs,
      resolvePod: options.resolvePod,
      shutdown: shutdown.signal,
    }),
  );
  if (options.exec) {
    app.post('/exec/:namespace/:pod/:container', execHandler(options.exec, shutdown.signal));
  }
  app.use((_request, response) => sendText(response, 404, '404 page not found'));
  app.use(
    (
      error: unknown,
      _request: express.Request,
      response: express.Response,
      _next: express.NextFunction,
    ) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendText(response, 500, error instanceof Error ? error.message : String(error));
    },
  );
  return {
    app,
    listen: (address = {}) =>
      listenNodeServer(app, address, {
        shutdown,
        ...(options.tls ? { tls: options.tls } : {}),
        ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
      }),
  };
}
