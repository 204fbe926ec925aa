// /healthz, /livez and /readyz as the apiserver serves them: `ok`, or with
// `?verbose` one `[+]name ok` line per check; a failing check makes the
// endpoint answer 500 with `[-]name failed`. /readyz also fails once the
// server is shutting down, so load balancers stop sending it requests.

import type { Request, Response } from 'express';
import { Router } from 'express';

/** One health check: resolves when healthy, throws (or rejects) when not. */
export interface HealthCheck {
  readonly name: string;
  check(): void | Promise<void>;
}

async function runChecks(
  checks: readonly HealthCheck[],
  request: Request,
  response: Response,
  endpoint: string,
) {
  const query = new URL(request.originalUrl, 'http://localhost').searchParams;
  const excluded = new Set(query.getAll('exclude'));
  const lines: string[] = [];
  let healthy = true;
  for (const check of checks) {
    if (excluded.has(check.name)) {
      lines.push(`[+]${check.name} excluded: ok`);
      continue;
    }
    try {
      await check.check();
      lines.push(`[+]${check.name} ok`);
    } catch {
      healthy = false;
      // Kubernetes withholds the reason from unauthenticated callers; so does Skiff.
      lines.push(`[-]${check.name} failed: reason withheld`);
    }
  }
  response.status(healthy ? 200 : 500);
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-cache, private');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  if (healthy && !query.has('verbose')) {
    response.end('ok');
    return;
  }
  response.end(`${lines.join('\n')}\n${endpoint} check ${healthy ? 'passed' : 'failed'}\n`);
}

/** The health endpoints; `ready` checks apply to /readyz only, `live` ones to all three. */
export function healthRouter(live: readonly HealthCheck[], ready: readonly HealthCheck[]): Router {
  const router = Router();
  const ping: HealthCheck = { name: 'ping', check: () => undefined };
  const endpoints: [string, readonly HealthCheck[]][] = [
    ['healthz', [ping, ...live]],
    ['livez', [ping, ...live]],
    ['readyz', [ping, ...live, ...ready]],
  ];
  for (const [endpoint, checks] of endpoints) {
    router.get(`/${endpoint}`, (request, response, next) => {
      runChecks(checks, request, response, endpoint).catch(next);
    });
    // A single check: /readyz/ping, /livez/etcd, ...
    router.get(`/${endpoint}/:check`, (request, response, next) => {
      const check = checks.find((c) => c.name === request.params.check);
      if (!check) {
        response.status(404).type('text/plain').end('404 page not found\n');
        return;
      }
      runChecks([check], request, response, endpoint).catch(next);
    });
  }
  return router;
}
