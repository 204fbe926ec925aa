// The API server as the HTTP API tests see it: the real services on a fresh
// MemoryStore behind createApiServer, listening on 127.0.0.1 (a free port,
// plain HTTP), and fetch helpers that read answers and watch streams the way
// a client does.

import type { Test } from 'tap';
import type { KubeKinds } from '../../controlplane/api/generated/index.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../../controlplane/api/types.js';
import type { ApiServerOptions } from '../../controlplane/server/index.js';
import {
  createApiServer,
  expressMessageClasses,
  listenHttp,
} from '../../controlplane/server/index.js';
import type { ApiServices, ApiServicesOptions } from '../../controlplane/services/index.js';
import { createApiServices } from '../../controlplane/services/index.js';
import { MemoryStore, type Store } from '../../controlplane/store/index.js';

/** The admin token of test servers. */
export const TEST_TOKEN = 'test-admin-token-0123456789abcdef';

/** A response, read whole. */
export interface Reply<T = KubeObject> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as it came (a binary answer is read from here). */
  readonly bytes: Uint8Array;
  /** The body parsed as JSON; `{}` when it is not JSON. */
  readonly body: T;
}

/** A request: its method, headers and body (text, bytes or JSON), and the token to send (`null`: none). */
export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** Serialised as the body; Content-Type application/json unless the headers say otherwise. */
  readonly json?: unknown;
  /** Default: the admin token. */
  readonly token?: string | null;
}

/** A watch stream being read, event by event. */
export interface WatchStream {
  readonly status: number;
  readonly headers: Headers;
  /** The next event; rejects when none comes within `timeoutMs` or the stream ended. */
  next(timeoutMs?: number): Promise<WatchEvent>;
  /** The next `count` events. */
  take(count: number, timeoutMs?: number): Promise<WatchEvent[]>;
  /** Resolves with the events still unread once the server ends the stream (rejects after `timeoutMs`). */
  end(timeoutMs?: number): Promise<WatchEvent[]>;
  /** Whether the server ended the stream. */
  readonly ended: boolean;
  /** Disconnects. */
  close(): void;
}

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly api: ApiServices;
  readonly store: Store;
  /** `fetch(url + path)` with the admin token. */
  request<T = KubeObject>(path: string, options?: RequestOptions): Promise<Reply<T>>;
  /** Opens a watch (the path carries `watch=1` or `/watch/`); resolves once the response headers arrived. */
  watch(path: string, options?: RequestOptions): Promise<WatchStream>;
  /** Stops the server (also done at teardown). */
  close(): Promise<void>;
}

/** What a test may change about its server. */
export interface TestServerOptions {
  readonly services?: Partial<Omit<ApiServicesOptions, 'store'>>;
  readonly server?: Partial<Omit<ApiServerOptions, 'api' | 'auth'>>;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

function headersOf(options: RequestOptions): { headers: Headers; body: RequestInit['body'] } {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return { headers, body };
}

function requestInit(options: RequestOptions): RequestInit {
  return {
    ...headersOf(options),
    ...(options.method !== undefined ? { method: options.method } : {}),
  };
}

/** Reads `{type, object}` lines off a streamed body. */
function readWatch(response: Response, abort: AbortController): WatchStream {
  const events: WatchEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  const wake = (): void => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body ?? []) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line !== '') events.push(JSON.parse(line) as WatchEvent);
        }
        wake();
      }
    } catch {
      // Aborted by close(): the stream is over either way.
    } finally {
      ended = true;
      wake();
    }
  })();
  const waitFor = async (ready: () => boolean, timeoutMs: number, what: string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  const stream: WatchStream = {
    status: response.status,
    headers: response.headers,
    async next(timeoutMs = 5000) {
      await waitFor(() => events.length > 0 || ended, timeoutMs, 'a watch event');
      const event = events.shift();
      if (!event) throw new Error('the watch stream ended');
      return event;
    },
    async take(count, timeoutMs = 5000) {
      const taken: WatchEvent[] = [];
      for (let i = 0; i < count; i++) taken.push(await stream.next(timeoutMs));
      return taken;
    },
    async end(timeoutMs = 5000) {
      await waitFor(() => ended, timeoutMs, 'the end of the watch');
      return events.splice(0);
    },
    get ended() {
      return ended;
    },
    close: () => abort.abort(),
  };
  return stream;
}

/** Starts the real services on a new MemoryStore behind the API server, for the life of `t`. */
export async function startApiServer(
  t: Test,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const store = new MemoryStore();
  const api = createApiServices({ store, ...options.services });
  await api.ready();
  const shutdown = new AbortController();
  const app = createApiServer({
    api,
    auth: { tokens: [{ token: TEST_TOKEN, user: 'admin', groups: ['system:masters'] }] },
    signal: shutdown.signal,
    storeRevision: () => store.revision(),
    ...options.server,
  });
  // Served as the control plane serves it (see expressMessageClasses).
  const listener = await listenHttp(app, {
    port: 0,
    shutdown,
    graceMs: 500,
    messageClasses: expressMessageClasses(app),
  });
  const streams = new Set<AbortController>();
  const close = async (): Promise<void> => {
    for (const controller of streams) controller.abort();
    await listener.close();
    await store.close();
  };
  t.teardown(close);
  return {
    url: listener.url,
    api,
    store,
    async request<T>(path: string, options: RequestOptions = {}): Promise<Reply<T>> {
      const response = await fetch(`${listener.url}${path}`, requestInit(options));
      const bytes = new Uint8Array(await response.arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      return {
        status: response.status,
        headers: response.headers,
        text,
        bytes,
        body: parse(text) as T,
      };
    },
    async watch(path: string, options: RequestOptions = {}): Promise<WatchStream> {
      const controller = new AbortController();
      streams.add(controller);
      const response = await fetch(`${listener.url}${path}`, {
        ...requestInit(options),
        signal: controller.signal,
      });
      return readWatch(response, controller);
    },
    close,
  };
}

/** Kubernetes' Pod type. */
export type Pod = KubeKinds['Pod'];
/** Kubernetes' Deployment type. */
export type Deployment = KubeKinds['Deployment'];
/** Kubernetes' Namespace type. */
export type Namespace = KubeKinds['Namespace'];

/** A minimal pod manifest, labelled `app: web` unless `labels` says otherwise. */
export function pod(
  name: string,
  options: { labels?: Record<string, string>; image?: string; nodeName?: string } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: options.labels ?? { app: 'web' } },
    spec: {
      containers: [{ name: 'main', image: options.image ?? 'registry.local/web:v1' }],
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
    },
  };
}

/** A minimal deployment of `replicas` pods labelled `app: <name>`. */
export function deployment(name: string, replicas = 1): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image: 'registry.local/web:v1' }] },
      },
    },
  };
}

/** A ConfigMap manifest. */
export function configMap(
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

/** The collection path of pods in `namespace`. */
export function podsPath(namespace = 'default'): string {
  return `/api/v1/namespaces/${namespace}/pods`;
}

/** The collection path of deployments in `namespace`. */
export function deploymentsPath(namespace = 'default'): string {
  return `/apis/apps/v1/namespaces/${namespace}/deployments`;
}

/** The collection path of configmaps in `namespace`. */
export function configMapsPath(namespace = 'default'): string {
  return `/api/v1/namespaces/${namespace}/configmaps`;
}

/** POSTs `object` to `path` and fails the test unless it is created (201); resolves with the stored object. */
export async function createOk<T extends KubeObject>(
  t: Test,
  server: TestServer,
  path: string,
  object: T,
): Promise<T> {
  const reply = await server.request<T>(path, { method: 'POST', json: object });
  if (reply.status !== 201) t.fail(`create at ${path} answered ${reply.status}: ${reply.text}`);
  return reply.body;
}

/** Creates namespace `name`. */
export async function createNamespace(
  t: Test,
  server: TestServer,
  name: string,
): Promise<Namespace> {
  return createOk<Namespace>(t, server, '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
}

/** The names of a list's items, in order. */
export function names(list: KubeList): string[] {
  return list.items.map((item) => item.metadata.name ?? '');
}

/** Narrows a watch event's object to an API object (not a Status). */
export function objectOf(event: WatchEvent): KubeObject {
  return event.object as KubeObject;
}

/** A watch event's object as a Status (ERROR events). */
export function statusOf(event: WatchEvent): Status {
  return event.object as Status;
}

/** `type name` of each event, for comparing sequences. */
export function eventSummary(events: readonly WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${objectOf(e).metadata?.name ?? ''}`);
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
