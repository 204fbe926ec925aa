// Prometheus metrics of the API server at /metrics, with the apiserver's
// metric names where one exists: requests by verb, resource and code,
// request latencies, open watches, watch events sent, and the store revision.
// Each server has a registry of its own (several can live in one process).

import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestInfo } from './api-router.js';

/** The metrics of one server. */
export interface ApiMetrics {
  readonly registry: Registry;
  /** Counts each request and its latency once its response is done. */
  readonly middleware: RequestHandler;
  /** Call when a watch starts: its events and its end are counted through the result. */
  watchStarted(resource: string): { event(): void; end(): void };
}

/** What else the metrics report. */
export interface ApiMetricsOptions {
  /** The store's revision (skiff_store_revision). */
  readonly storeRevision?: () => number;
  /** Node.js process metrics too (default true). */
  readonly processMetrics?: boolean;
}

/** The labels of apiserver_request_total. */
interface RequestLabels {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly code: string;
}

/** Kubernetes' verb label: the HTTP method, but LIST and WATCH for those reads. */
function verbLabel(info: RequestInfo | undefined, method: string): string {
  if (info?.verb === 'list') return 'LIST';
  if (info?.verb === 'watch') return 'WATCH';
  return method;
}

export function createApiMetrics(options: ApiMetricsOptions = {}): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  // Counted per request in a plain map, handed over when /metrics is read:
  // prom-client validates and hashes the labels of every inc (~3 µs, more
  // than the histogram's observe).
  const unreportedRequests = new Map<string, { labels: RequestLabels; count: number }>();
  new Counter({
    name: 'apiserver_request_total',
    help: 'API requests by verb, group, version, resource, subresource and HTTP code.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'code'],
    registers: [registry],
    collect() {
      for (const { labels, count } of unreportedRequests.values()) this.inc(labels, count);
      unreportedRequests.clear();
    },
  });
  const durations = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'API request latency (watches: their whole life) by verb, resource and subresource.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
    registers: [registry],
  });
  const watches = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Open long-running requests (watches) by resource.',
    labelNames: ['verb', 'resource'],
    registers: [registry],
  });
  // Watch events happen once per event per watcher: they are counted in a
  // plain map and handed to the counter when /metrics is read, since
  // prom-client hashes the labels on every inc (its labelled children too).
  const unreportedWatchEvents = new Map<string, number>();
  new Counter({
    name: 'apiserver_watch_events_total',
    help: 'Watch events sent to clients, by resource.',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      for (const [resource, count] of unreportedWatchEvents) this.inc({ resource }, count);
      unreportedWatchEvents.clear();
    },
  });
  if (options.storeRevision) {
    const revision = options.storeRevision;
    new Gauge({
      name: 'skiff_store_revision',
      help: "The store's latest revision (every write increments it).",
      registers: [registry],
      collect() {
        this.set(revision());
      },
    });
  }

  const middleware: RequestHandler = (request, response, next) => {
    const start = process.hrtime.bigint();
    response.once('close', () => {
      const info = response.locals.requestInfo as RequestInfo | undefined;
      const labels = {
        verb: verbLabel(info, request.method),
        group: info?.group ?? '',
        version: info?.version ?? '',
        resource: info?.resource ?? '',
        subresource: info?.subresource ?? '',
      };
      const code = String(response.statusCode);
      const key = `${labels.verb} ${labels.group}/${labels.version}/${labels.resource}/${labels.subresource} ${code}`;
      const counted = unreportedRequests.get(key);
      if (counted) counted.count++;
      else unreportedRequests.set(key, { labels: { ...labels, code }, count: 1 });
      durations.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };

  return {
    registry,
    middleware,
    watchStarted(resource) {
      watches.inc({ verb: 'WATCH', resource });
      let ended = false;
      return {
        event: () =>
          unreportedWatchEvents.set(resource, (unreportedWatchEvents.get(resource) ?? 0) + 1),
        end: () => {
          if (!ended) watches.dec({ verb: 'WATCH', resource });
          ended = true;
        },
      };
    },
  };
}
