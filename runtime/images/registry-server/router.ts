// The OCI Distribution API (v1.1) as an Express router, to mount at `/v2`:
// `serveRegistry` does for `skiff registry`, the control plane's server will
// (the wiring layer passes the router in; the control plane imports nothing
// of runtime/).
//
// The router reads request bodies itself (streams; manifests up to a cap), so
// the host app must not put a body parser in front of it.

import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { RegistryError, errorBody } from './errors.js';
import { deleteBlob, getBlob } from './http/blob-handlers.js';
import type { RegistrySettings, RequestContext } from './http/http-support.js';
import { queryOf } from './http/http-support.js';
import {
  listReferrers,
  listRepositories,
  listTags,
  versionCheck,
} from './http/listing-handlers.js';
import { deleteManifest, getManifest, putManifest } from './http/manifest-handlers.js';
import type { Route, RouteKind } from './http/routes.js';
import { matchRoute } from './http/routes.js';
import {
  cancelUpload,
  finishUpload,
  patchUpload,
  startUpload,
  uploadStatus,
} from './http/upload-handlers.js';
import { checkRepositoryName } from './names.js';
import type { RegistryStorage } from './registry-storage.js';

/** How the router behaves; every field optional. */
export interface RegistryRouterOptions {
  /** Largest manifest accepted, in bytes (default 4 MiB, the spec's minimum); larger → 413. */
  readonly maxManifestBytes?: number;
  /** Whether DELETE of manifests, tags and blobs is allowed (default true); else 405 UNSUPPORTED. */
  readonly allowDelete?: boolean;
  /** Sees unexpected errors (answered 500 UNKNOWN); default: console.error. */
  readonly onError?: (error: unknown, request: Request) => void;
}

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

type Handler = (ctx: RequestContext, route: Route) => Promise<void>;
type MethodTable = Readonly<Record<string, Handler>>;

// Narrows `route` to one kind for a handler (the table below keys by kind).
function on<K extends RouteKind>(
  handler: (ctx: RequestContext, route: Extract<Route, { kind: K }>) => Promise<void>,
): Handler {
  return (ctx, route) => handler(ctx, route as Extract<Route, { kind: K }>);
}

const deletion =
  (handler: Handler): Handler =>
  (ctx, route) => {
    if (!ctx.settings.allowDelete) {
      throw new RegistryError('UNSUPPORTED', 'deleting is disabled on this registry');
    }
    return handler(ctx, route);
  };

// HEAD shares GET's handlers; they leave the body out.
const ENDPOINTS: Readonly<Record<RouteKind, MethodTable>> = {
  base: { GET: on<'base'>((ctx) => versionCheck(ctx)) },
  catalog: { GET: on<'catalog'>((ctx) => listRepositories(ctx)) },
  tags: { GET: on<'tags'>((ctx, r) => listTags(ctx, r.name)) },
  referrers: { GET: on<'referrers'>((ctx, r) => listReferrers(ctx, r.name, r.digest)) },
  manifest: {
    GET: on<'manifest'>((ctx, r) => getManifest(ctx, r.name, r.reference)),
    PUT: on<'manifest'>((ctx, r) => putManifest(ctx, r.name, r.reference)),
    DELETE: deletion(on<'manifest'>((ctx, r) => deleteManifest(ctx, r.name, r.reference))),
  },
  blob: {
    GET: on<'blob'>((ctx, r) => getBlob(ctx, r.name, r.digest)),
    DELETE: deletion(on<'blob'>((ctx, r) => deleteBlob(ctx, r.name, r.digest))),
  },
  uploads: { POST: on<'uploads'>((ctx, r) => startUpload(ctx, r.name)) },
  upload: {
    GET: on<'upload'>((ctx, r) => uploadStatus(ctx, r.name, r.id)),
    PATCH: on<'upload'>((ctx, r) => patchUpload(ctx, r.name, r.id)),
    PUT: on<'upload'>((ctx, r) => finishUpload(ctx, r.name, r.id)),
    DELETE: on<'upload'>((ctx, r) => cancelUpload(ctx, r.name, r.id)),
  },
};

/**
 * The Distribution API over `storage`, for `app.use('/v2', router)`. Paths
 * are relative to the mount point, and Location headers start with it.
 */
export function createRegistryRouter(
  storage: RegistryStorage,
  options: RegistryRouterOptions = {},
): Router {
  const settings: RegistrySettings = {
    maxManifestBytes: options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES,
    allowDelete: options.allowDelete ?? true,
  };
  const onError =
    options.onError ??
    ((error: unknown, req: Request) =>
      console.error(`registry: ${req.method} ${req.originalUrl}:`, error));
  const router = express.Router();

  router.use(async (req: Request, res: Response) => {
    res.set('Docker-Distribution-API-Version', 'registry/2.0');
    const route = matchRoute(req.path);
    if (route === undefined) {
      throw new RegistryError('UNSUPPORTED', `no such endpoint: ${req.path}`, { status: 404 });
    }
    const table = ENDPOINTS[route.kind];
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const handler = Object.hasOwn(table, method) ? table[method] : undefined;
    if (handler === undefined) {
      res.set('Allow', [...Object.keys(table), ...('GET' in table ? ['HEAD'] : [])].join(', '));
      throw new RegistryError('UNSUPPORTED', `${req.method} is not supported here`);
    }
    if ('name' in route) checkRepositoryName(route.name);
    await handler({ storage, settings, req, res, query: queryOf(req), base: req.baseUrl }, route);
  });

  // Four parameters: that is how Express tells an error handler.
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      // Mid-body (a client gone, a read failing): the connection is all that is left to end.
      if (!(error instanceof RegistryError)) res.destroy();
      return;
    }
    const registryError =
      error instanceof RegistryError
        ? error
        : new RegistryError('UNKNOWN', 'internal error, see the registry log');
    if (!(error instanceof RegistryError)) {
      // A client that went away mid-upload is not a server fault.
      if (req.destroyed || req.socket.destroyed) return;
      onError(error, req);
    }
    res.status(registryError.status);
    if (req.method === 'HEAD') res.end();
    else res.json(errorBody([registryError]));
  });

  return router;
}
