// The API server: an Express app serving a ClusterApi over HTTP the way the
// Kubernetes apiserver does (paths, verbs, Status errors, watch streams,
// Tables, discovery, OpenAPI, health, metrics), behind bearer-token
// authentication.

import { setMaxListeners } from 'node:events';
import express from 'express';
import type { RequestHandler, Router } from 'express';
import pino from 'pino';
import type { Logger } from 'pino';
import type { ClusterApi } from '../api/cluster-api.js';
import { apiHandler } from './api-router.js';
import type { TokenAuth } from './auth.js';
import { authenticate } from './auth.js';
import { discoveryRouter } from './discovery/routes.js';
import type { HealthCheck } from './health.js';
import { healthRouter } from './health.js';
import type { ApiMetrics } from './metrics.js';
import { createApiMetrics } from './metrics.js';
import type { NodeAgentClientOptions } from './pod-log-proxy.js';
import { createPodExecProxy } from './pod-exec-proxy.js';
import { createPodLogProxy } from './pod-log-proxy.js';
import { DEFAULT_MAX_BODY_BYTES } from './request-body.js';
import { pathNotFound, statusErrorHandler } from './responses.js';
import type { WatchTimeoutRange } from './watch-stream.js';
import { DEFAULT_WATCH_TIMEOUT } from './watch-stream.js';

/** A router served beside the API (the OCI registry at `/v2`, mounted by the wiring layer). */
export interface MountedRouter {
  /** Where it is mounted: `/v2`. */
  readonly path: string;
  readonly router: Router | RequestHandler;
  /**
   * Served without the API's bearer token (the router authenticates on its
   * own, or is open by choice). Default false: the API token is required.
   */
  readonly public?: boolean;
}

/** How the server is built; `api` and `auth` are required. */
export interface ApiServerOptions {
  /** What the server serves: every request becomes calls on it. */
  readonly api: ClusterApi;
  /** Who may call it. */
  readonly auth: TokenAuth;
  /** Default: silent. Requests are logged at debug, failures (5xx) at error. */
  readonly logger?: Logger;
  /** Largest request body, in bytes (default 3 MiB, as Kubernetes); larger → 413. */
  readonly maxBodyBytes?: number;
  /** How long watches last when the client gives no timeoutSeconds (default 30-60 min). */
  readonly watchTimeout?: WatchTimeoutRange;
  /** Aborting it ends every watch and makes /readyz fail: the first step of shutting down. */
  readonly signal?: AbortSignal;
  /** Routers served beside the API (checked after the API's own paths). */
  readonly extraRouters?: readonly MountedRouter[];
  /** Liveness checks (/livez, /healthz, /readyz), e.g. that the store is open. */
  readonly healthChecks?: readonly HealthCheck[];
  /** The store's revision, reported at /metrics. */
  readonly storeRevision?: () => number;
  /** The clock of Table ages (default Date.now). */
  readonly now?: () => number;
  /** Metrics to record into (default: a registry of this server's own). */
  readonly metrics?: ApiMetrics;
  /** How pods/log reaches node agents: the node token to send, HTTPS by default. */
  readonly nodeAgents?: NodeAgentClientOptions;
}

function requestLogger(logger: Logger): RequestHandler {
  return (request, response, next) => {
    if (!logger.isLevelEnabled('debug')) return next();
    const start = Date.now();
    response.once('close', () => {
      const user = (response.locals.user as { name?: string } | undefined)?.name;
      logger.debug(
        {
          method: request.method,
          url: request.originalUrl,
          status: response.statusCode,
          ms: Date.now() - start,
          user,
        },
        'request',
      );
    });
    next();
  };
}

/**
 * The API server's Express app. Listening, TLS and shutdown are the caller's
 * (see startControlPlane); abort `options.signal` before closing the HTTP
 * server so that open watches end.
 */
export function createApiServer(options: ApiServerOptions): express.Express {
  const logger = options.logger ?? pino({ level: 'silent' });
  const signal = options.signal ?? new AbortController().signal;
  // Every open watch listens for shutdown: hundreds are normal, not a leak.
  setMaxListeners(0, signal);
  const metrics =
    options.metrics ??
    createApiMetrics(options.storeRevision ? { storeRevision: options.storeRevision } : {});
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(metrics.middleware);
  app.use(requestLogger(logger));
  for (const mounted of options.extraRouters ?? []) {
    if (mounted.public) app.use(mounted.path, mounted.router);
  }
  app.use(authenticate(options.auth));
  const shutdown: HealthCheck = {
    name: 'shutdown',
    check: () => {
      if (signal.aborted) throw new Error('the server is shutting down');
    },
  };
  // The API first: nearly every request is for it, and each handler before
  // it is one more match per request.
  app.use(
    apiHandler(
      {
        api: options.api,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        watchTimeout: options.watchTimeout ?? DEFAULT_WATCH_TIMEOUT,
        serverSignal: signal,
        now: options.now ?? Date.now,
        onWatch: (resource) => metrics.watchStarted(resource),
      },
      {
        logs: createPodLogProxy({ ...options.nodeAgents, signal }),
        exec: createPodExecProxy({ ...options.nodeAgents, signal }),
      },
    ),
  );
  app.use(healthRouter(options.healthChecks ?? [], [shutdown]));
  app.use(discoveryRouter(new Date()));
  app.get('/metrics', (_request, response, next) => {
    metrics.registry
      .metrics()
      .then((text) => {
        response.setHeader('Content-Type', metrics.registry.contentType);
        response.end(text);
      })
      .catch(next);
  });
  for (const mounted of options.extraRouters ?? []) {
    if (!mounted.public) app.use(mounted.path, mounted.router);
  }
  app.use(() => {
    throw pathNotFound();
  });
  app.use(statusErrorHandler(logger));
  return app;
}
