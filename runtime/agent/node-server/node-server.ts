// The node agent's HTTP API: the kubelet's port, as far as Skiff serves it
// (container logs, exec), behind the cluster's node token.

import type { RequestListener } from 'node:http';
import type { ContainerLogStore } from '../logs/index.js';
import { bearerAuth } from './bearer-auth.js';
import type { PodResolver } from './container-logs-route.js';
import { containerLogsHandler } from './container-logs-route.js';
import { execHandler, type ContainerExec } from './exec-route.js';
import type { NodeListenAddress, NodeServerListener, NodeServerTls } from './node-listener.js';
import { listenNodeServer } from './node-listener.js';
import { matchRoute, type NodeRouteEntry } from './node-routes.js';
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

/** The node server: its request listener, and a way to listen with it. */
export interface NodeServer {
  /** The request listener, for a caller that serves it itself. */
  readonly handler: RequestListener;
  /** Listens on `address` (127.0.0.1:10250 by default); resolves once listening. Call once. */
  listen(address?: NodeListenAddress): Promise<NodeServerListener>;
}

/** Builds the node server; nothing listens until listen(). */
export function createNodeServer(options: NodeServerOptions): NodeServer {
  const shutdown = new AbortController();
  const authorized = bearerAuth(options.token);
  const routes: NodeRouteEntry[] = [
    {
      method: 'GET',
      prefix: 'containerLogs',
      handle: containerLogsHandler({
        logs: options.logs,
        resolvePod: options.resolvePod,
        shutdown: shutdown.signal,
      }),
    },
  ];
  if (options.exec) {
    routes.push({
      method: 'POST',
      prefix: 'exec',
      handle: execHandler(options.exec, shutdown.signal),
    });
  }
  const handler: RequestListener = (request, response) => {
    if (!authorized(request, response)) return;
    const matched = matchRoute(routes, request);
    if ('status' in matched) {
      const text = matched.status === 404 ? '404 page not found' : 'Method Not Allowed';
      return sendText(response, matched.status, text);
    }
    void Promise.resolve()
      .then(() => matched.route.handle(matched.request, response))
      .catch((error: unknown) => {
        if (response.headersSent) return void response.destroy();
        sendText(response, 500, error instanceof Error ? error.message : String(error));
      });
  };
  return {
    handler,
    listen: (address = {}) =>
      listenNodeServer(handler, address, {
        shutdown,
        ...(options.tls ? { tls: options.tls } : {}),
        ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
      }),
  };
}
