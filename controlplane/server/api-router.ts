// The `/api` and `/apis` trees: discovery documents at the roots and
// group-versions, resources below them (dispatched to the verb handlers).

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ResourceType } from '../api/resources.js';
import { aggregatedDiscovery } from './discovery/aggregated.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery/documents.js';
import { discoveryContentType, negotiateDiscovery, negotiateResponse } from './media-types.js';
import type { ApiPath, ResourceRequest } from './request-path.js';
import { parseApiPath, servesSubresource } from './request-path.js';
import type { PodExecProxy } from './pod-exec-proxy.js';
import type { PodLogProxy } from './pod-log-proxy.js';
import type { HandlerSettings, ResourceCall } from './resource-handlers.js';
import { collection, object } from './resource-handlers.js';
import { serverAuthorizer } from './authorization.js';
import { serveReview } from './reviews.js';
import { pathNotFound, sendJson, verbNotAllowed } from './responses.js';
import { subresource } from './subresource-handlers.js';

/** What a request was, for metrics and logs; set by the router on `response.locals.requestInfo`. */
export interface RequestInfo {
  verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
}

function requestInfoOf(target: ResourceRequest): RequestInfo {
  return {
    verb: '',
    group: target.type.group,
    version: target.type.version,
    resource: target.type.plural,
    subresource: target.subresource ?? '',
  };
}

function serverAddress(request: Request): string {
  const socket = request.socket;
  const host = socket.localAddress ?? '127.0.0.1';
  return `${host.includes(':') ? `[${host}]` : host}:${socket.localPort ?? 0}`;
}

function serveDiscovery(path: ApiPath, request: Request, response: Response): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw verbNotAllowed();
  if (path.kind === 'root') {
    const aggregated = negotiateDiscovery(request.headers.accept);
    if (aggregated) {
      return sendJson(
        response,
        200,
        aggregatedDiscovery(path.legacy, aggregated),
        discoveryContentType(aggregated),
      );
    }
    return sendJson(
      response,
      200,
      path.legacy ? apiVersions(serverAddress(request)) : apiGroupList(),
    );
  }
  negotiateResponse(request.headers.accept, false);
  const document =
    path.kind === 'group'
      ? apiGroup(path.group)
      : path.kind === 'groupVersion'
        ? apiResourceList(path.group, path.version)
        : undefined;
  if (!document) throw pathNotFound();
  sendJson(response, 200, document);
}

async function serveResource(
  settings: HandlerSettings,
  target: ResourceRequest,
  query: URLSearchParams,
  request: Request,
  response: Response,
  nodeProxies: NodeProxies | undefined,
): Promise<void> {
  const info = requestInfoOf(target);
  response.locals.requestInfo = info;
  const call: ResourceCall = {
    settings,
    request,
    response,
    target,
    query,
    client: settings.api.resource(target.type),
    set verb(verb: string) {
      info.verb = verb;
    },
    get verb() {
      return info.verb;
    },
  };
  const { name, subresource: which, namespace } = target;
  if (name === undefined) return collection(call);
  // A namespaced object is addressed only through its namespace.
  if (target.type.namespaced && namespace === undefined) throw pathNotFound();
  if (which === undefined) return object(call, name);
  if (!servesSubresource(target.type, which)) throw pathNotFound();
  const isPods = target.type.group === '' && target.type.plural === 'pods';
  if (nodeProxies && isPods && which === 'log') return nodeProxies.logs.serve(call, name);
  if (nodeProxies && isPods && which === 'exec') return nodeProxies.exec.serve(call, name);
  return subresource(call, name, which);
}

/** A review (`kubectl auth can-i`), answered from the policy the server enforces. */
function serveReviewRequest(
  settings: HandlerSettings,
  type: ResourceType,
  query: URLSearchParams,
  request: Request,
  response: Response,
): Promise<void> {
  const { group, version, plural } = type;
  const info: RequestInfo = { verb: 'create', group, version, resource: plural, subresource: '' };
  response.locals.requestInfo = info;
  return serveReview({ ...settings, authorizer: serverAuthorizer }, type, query, request, response);
}

/**
 * The path and query of a request target (origin-form: `/api/v1/pods?limit=5`),
 * as `new URL()` reads them, without its cost (~15 µs a request, measured).
 * Targets that URL would rewrite (dot segments, backslashes, characters it
 * percent-encodes) are handed to it.
 */
export function splitTarget(target: string): { pathname: string; searchParams: URLSearchParams } {
  if (/\/\.|\\|[^\x21-\x7e]/.test(target) || !target.startsWith('/')) {
    const url = new URL(target, 'http://localhost');
    return { pathname: url.pathname, searchParams: url.searchParams };
  }
  const hash = target.indexOf('#');
  const upTo = hash < 0 ? target : target.slice(0, hash);
  const question = upTo.indexOf('?');
  if (question < 0) return { pathname: upTo, searchParams: new URLSearchParams() };
  return {
    pathname: upTo.slice(0, question),
    searchParams: new URLSearchParams(upTo.slice(question + 1)),
  };
}

/** What reaches node agents: pods/log and pods/exec. */
export interface NodeProxies {
  readonly logs: PodLogProxy;
  readonly exec: PodExecProxy;
}

/**
 * The handler of `/api` and `/apis` (used at the root of the app; other paths
 * go on to the next handler). A plain middleware rather than a Router: every
 * API request passes here, and a nested Router's dispatch costs more than
 * the one test it would make.
 */
export function apiHandler(settings: HandlerSettings, nodeProxies?: NodeProxies): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const url = splitTarget(request.originalUrl);
    if (!/^\/apis?(\/|$)/.test(url.pathname)) return next();
    const path = parseApiPath(url.pathname);
    const served =
      path.kind === 'resource'
        ? serveResource(settings, path.request, url.searchParams, request, response, nodeProxies)
        : path.kind === 'review'
          ? serveReviewRequest(settings, path.type, url.searchParams, request, response)
          : path.kind === 'unknown'
            ? Promise.reject(pathNotFound())
            : Promise.resolve().then(() => serveDiscovery(path, request, response));
    served.catch(next);
  };
}
