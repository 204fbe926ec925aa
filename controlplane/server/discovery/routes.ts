// The discovery endpoints outside /api and /apis: /version and OpenAPI.

import { Router } from 'express';
import { negotiateResponse } from '../media-types.js';
import { pathNotFound, sendJson } from '../responses.js';
import { openApiDocumentAt, openApiIndex } from './openapi.js';
import { openApiV2Document } from './openapi-v2.js';
import { versionInfo } from './version.js';

/** `/version`, `/openapi/v2`, `/openapi/v3` and `/openapi/v3/{api/v1,apis/<group>/<version>}`. */
export function discoveryRouter(startedAt: Date): Router {
  const router = Router();
  const version = versionInfo(startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  router.get(['/version', '/version/'], (_request, response) => sendJson(response, 200, version));
  router.get('/openapi/v2', (request, response) => {
    negotiateResponse(request.headers.accept, false);
    sendJson(response, 200, openApiV2Document());
  });
  router.get('/openapi/v3', (request, response) => {
    negotiateResponse(request.headers.accept, false);
    sendJson(response, 200, openApiIndex());
  });
  router.get('/openapi/v3/*path', (request, response) => {
    negotiateResponse(request.headers.accept, false);
    const path = new URL(request.originalUrl, 'http://localhost').pathname.slice(
      '/openapi/v3/'.length,
    );
    const document = openApiDocumentAt(path);
    if (!document) throw pathNotFound();
    sendJson(response, 200, document);
  });
  return router;
}
