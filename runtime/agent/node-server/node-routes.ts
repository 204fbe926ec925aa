// The node server's routing: its few paths, matched by hand. Node's own HTTP
// server is enough for two endpoints, and a web framework would be most of
// the idle agent's memory (express alone is ~13 MiB of RSS).

import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request as a route sees it: its path segments decoded, its query parsed. */
export interface NodeRequest {
  readonly raw: IncomingMessage;
  /** `namespace`, `pod`, `container`: the path's segments after the route's prefix. */
  readonly target: { readonly namespace: string; readonly pod: string; readonly container: string };
  readonly query: URLSearchParams;
}

/** Answers one request; a rejection is answered 500 (or ends a started stream). */
export type NodeRoute = (request: NodeRequest, response: ServerResponse) => Promise<void> | void;

/** A route: `METHOD /<prefix>/{namespace}/{pod}/{container}`. */
export interface NodeRouteEntry {
  readonly method: string;
  readonly prefix: string;
  readonly handle: NodeRoute;
}

/**
 * The route and target of `request`, or the status to answer: 404 for an
 * unknown path, 405 for a known one with another method.
 */
export function matchRoute(
  routes: readonly NodeRouteEntry[],
  request: IncomingMessage,
): { route: NodeRouteEntry; request: NodeRequest } | { status: 404 | 405 } {
  const url = new URL(request.url ?? '/', 'http://node');
  const segments = url.pathname.split('/').slice(1);
  const candidates = routes.filter(
    (route) => route.prefix === segments[0] && segments.length === 4,
  );
  const route = candidates.find((candidate) => candidate.method === request.method);
  if (!route) return { status: candidates.length ? 405 : 404 };
  let namespace: string, pod: string, container: string;
  try {
    [namespace, pod, container] = segments
      .slice(1)
      .map((segment) => decodeURIComponent(segment)) as [string, string, string];
  } catch {
    return { status: 404 };
  }
  return {
    route,
    request: { raw: request, target: { namespace, pod, container }, query: url.searchParams },
  };
}
