// The discovery endpoints outside /api and /apis: /version and OpenAPI.

import { Router } from 'express';
import { negotiateOpenApiV2, negotiateResponse } from '../media-types.js';
import { pathNotFound, sendJson } from '../responses.js';
import { openApiDocumentAt, openApiIndex } from './openapi.js';
import { openApiV2Document } from './openapi-v2.js';
import { encodeOpenApiV2, OPENAPI_V2_PROTOBUF_TYPES } from './openapi-v2-protobuf.js';
import { versionInfo } from './version.js';

/** `/version`, `/openapi/v2`, `/openapi/v3` and `/openapi/v3/{api/v1,apis/<group>/<version>}`. */
export function discoveryRouter(startedAt: Date): Router {
  const router = Router();
  const version = versionInfo(startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  router.get(['/version', '/version/'], (_request, response) => sendJson(response, 200, version));
  let protobufV2: Buffer | undefined;
  router.get('/openapi/v2', (request, response) => {
    if (negotiateOpenApiV2(request.headers.accept, OPENAPI_V2_PROTOBUF_TYPES) === 'json') {
      sendJson(response, 200, openApiV2Document());
      return;
    }
    protobufV2 ??= Buffer.from(encodeOpenApiV2(openApiV2Document()));
    // As kube-apiserver labels it (Go's http.ServeContent sniffs binary
    // content): Go's mime parser, which clients run on it, refuses the `@`
    // of the media type asked for.
    response.status(200).type('application/octet-stream').send(protobufV2);
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
