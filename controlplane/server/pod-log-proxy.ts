// `GET /api/v1/namespaces/{ns}/pods/{name}/log`, served as kube-apiserver
// serves it: the pod and its container are checked here (Kubernetes'
// messages), then the request goes to the agent of the pod's node
// (`GET /containerLogs/{ns}/{pod}/{container}` on the kubelet's port, with the
// cluster's node token) and its body is streamed back as text/plain. Like
// kube-apiserver by default, the agent's serving certificate is not verified.
// The agent's failures come back as kube-apiserver's
// GenericHttpResponseChecker words them.

import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { ApiError, badRequest, failure, internalError } from '../api/errors.js';
import type { Node } from '../api/generated/node.js';
import type { Pod } from '../api/generated/pod.js';
import { resourceTypeFor } from '../api/resources.js';
import type { ResourceType } from '../api/resources.js';
import type { Status } from '../api/types.js';
import { nodeAgentOrigin } from './node-endpoint.js';
import type { PodLogOptions } from './pod-log-options.js';
import { nodeLogQuery, podLogOptionsOf } from './pod-log-options.js';
import type { ResourceCall } from './resource-handlers.js';
import { verbNotAllowed } from './responses.js';

/** How the API server reaches node agents. */
export interface NodeAgentClientOptions {
  /** The bearer token sent to node agents: the cluster's node token. */
  readonly token?: string;
  /** `https` (default, as kube-apiserver reaches kubelets) or `http`. */
  readonly scheme?: 'https' | 'http';
}

/** Serves pods/log; its connections to nodes close when `signal` aborts. */
export interface PodLogProxy {
  /** Answers `call` (a request for pod `name`'s log). Throws ApiError before the body starts. */
  serve(call: ResourceCall, name: string): Promise<void>;
}

/** The most of a node's error body that is read (kube-apiserver's maxReadLength). */
const MAX_ERROR_BYTES = 50_000;

export function typeOf(kind: 'Pod' | 'Node'): ResourceType {
  const type = resourceTypeFor('v1', kind);
  if (!type) throw new Error(`no resource type for v1 ${kind}`);
  return type;
}

/** The container to read: the one asked for, else the pod's only one (kube-apiserver's validateContainer). */
export function containerOf(pod: Pod, name: string, requested: string | undefined): string {
  const containers = pod.spec?.containers ?? [];
  const all = [...(pod.spec?.initContainers ?? []), ...containers].map((c) => c.name);
  if (requested !== undefined) {
    if (!all.includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  if (containers.length === 1) return containers[0]?.name ?? '';
  if (containers.length === 0) {
    throw badRequest(`a container name must be specified for pod ${name}`);
  }
  throw badRequest(
    `a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`,
  );
}

/** A Status with no reason: what kube-apiserver answers for errors that are not API errors. */
function unknownError(code: number, message: string, name?: string): ApiError {
  const status: Status = {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message,
    ...(name !== undefined ? { details: { name, kind: 'pods/log' } } : {}),
    code,
  };
  return new ApiError(status);
}

/** kube-apiserver's GenericHttpResponseChecker: the Status for a node's failed answer. */
export function nodeFailure(code: number, body: string, name: string): ApiError {
  const text = body.trim();
  if (code === 500) return internalError(text);
  if (code === 400) return badRequest(text);
  const about = `( pods/log ${name})`;
  const details = { name, kind: 'pods/log' };
  const known: Record<number, [Status['reason'], string]> = {
    401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
    403: ['Forbidden', text],
    404: ['NotFound', 'the server could not find the requested resource'],
    405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    422: ['Invalid', 'the server rejected our request due to an error in our request'],
    429: [
      'TooManyRequests',
      'the server has received too many requests and has asked us to try again later',
    ],
    504: [
      'Timeout',
      'the server was unable to return a response in the time allotted, but may still be processing the request',
    ],
  };
  const [reason, message] = known[code] ?? [undefined, ''];
  if (reason) return new ApiError(failure(code, reason, `${message} ${about}`, details));
  if (code >= 500) {
    return new ApiError(
      failure(
        code,
        'InternalError',
        `an error on the server (${JSON.stringify(text)}) has prevented the request from succeeding ${about}`,
        details,
      ),
    );
  }
  return unknownError(
    code,
    `the server responded with the status code ${code} but did not return more information ${about}`,
    name,
  );
}

/** Go's wording of a failed connection (`dial tcp 10.0.0.5:10250: connect: connection refused`). */
export function connectionFailure(url: URL, error: unknown): ApiError {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = (cause as NodeJS.ErrnoException).code;
  const detail =
    code === 'ECONNREFUSED'
      ? `dial tcp ${url.host}: connect: connection refused`
      : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
        ? `dial tcp ${url.host}: i/o timeout`
        : code === 'ENOTFOUND'
          ? `dial tcp: lookup ${url.hostname}: no such host`
          : cause instanceof Error
            ? cause.message
            : String(cause);
  return unknownError(500, `Get "${url.href}": ${detail}`);
}

export async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size >= MAX_ERROR_BYTES) break;
  }
  body.destroy();
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BYTES).toString();
}

/**
 * A signal that aborts when the client of `response` goes away or the server
 * shuts down (`serverSignal`): what ends a proxied stream. `abort()` ends it
 * early too; `release()` stops listening.
 */
export function clientPresence(
  response: {
    once(event: 'close', listener: () => void): unknown;
    off(event: 'close', listener: () => void): unknown;
  },
  serverSignal: AbortSignal,
): { readonly signal: AbortSignal; abort(): void; release(): void } {
  const gone = new AbortController();
  const abort = (): void => gone.abort();
  response.once('close', abort);
  serverSignal.addEventListener('abort', abort, { once: true });
  return {
    signal: gone.signal,
    abort,
    release() {
      response.off('close', abort);
      serverSignal.removeEventListener('abort', abort);
    },
  };
}

/**
 * One request to a node agent with the node token. Undefined when `signal`
 * aborted it (the client left); a Kubernetes error when the agent could not
 * be reached or answered anything but 2xx; otherwise its answer, to stream.
 */
export async function callNodeAgent(
  url: URL,
  call: {
    readonly method: 'GET' | 'POST';
    readonly dispatcher: Dispatcher;
    readonly signal: AbortSignal;
    readonly token: string | undefined;
    readonly accept?: string;
    /** The pod's name, for the error messages. */
    readonly pod: string;
  },
): Promise<Dispatcher.ResponseData | undefined> {
  let answer: Dispatcher.ResponseData;
  try {
    answer = await request(url, {
      method: call.method,
      dispatcher: call.dispatcher,
      signal: call.signal,
      headers: {
        ...(call.accept ? { accept: call.accept } : {}),
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      },
    });
  } catch (error) {
    if (call.signal.aborted) return undefined;
    throw connectionFailure(url, error);
  }
  if (answer.statusCode < 200 || answer.statusCode > 206) {
    throw nodeFailure(answer.statusCode, await readLimited(answer.body), call.pod);
  }
  return answer;
}

async function streamBody(
  response: Response,
  body: Dispatcher.ResponseData['body'],
  options: PodLogOptions,
): Promise<void> {
  response.status(200);
  response.setHeader('Content-Type', 'text/plain');
  response.setHeader('Cache-Control', 'no-cache, private');
  if (options.follow) response.flushHeaders();
  try {
    await pipeline(body, response);
  } catch {
    // The client left, the node went away or the server is shutting down: the
    // stream simply ends (a follow is over), as kube-apiserver ends it.
    if (!response.writableEnded && !response.destroyed) response.end();
  }
}

/**
 * Connections to node agents, closed when `signal` aborts. Their serving
 * certificates are not verified (kube-apiserver's default for kubelets); log
 * follows and exec output stay open as long as they last: no body timeout.
 */
export function nodeAgentDispatcher(signal: AbortSignal): Agent {
  const agent = new Agent({
    connect: { rejectUnauthorized: false, timeout: 10_000 },
    bodyTimeout: 0,
  });
  signal.addEventListener('abort', () => void agent.destroy().catch(() => undefined), {
    once: true,
  });
  return agent;
}

/** The pods/log handler, reaching nodes as `options` says until `signal` aborts. */
export function createPodLogProxy(
  options: NodeAgentClientOptions & { readonly signal: AbortSignal },
): PodLogProxy {
  const scheme = options.scheme ?? 'https';
  const agent = nodeAgentDispatcher(options.signal);
  const podType = typeOf('Pod');
  const nodeType = typeOf('Node');

  return {
    async serve(call: ResourceCall, name: string): Promise<void> {
      if (call.request.method !== 'GET' || call.target.watchPrefix) throw verbNotAllowed();
      call.verb = 'get';
      const logOptions = podLogOptionsOf(call.query, name);
      const namespace = call.target.namespace ?? 'default';
      const pod = await call.settings.api.resource<Pod>(podType).get(name, { namespace });
      const container = containerOf(pod, name, logOptions.container);
      const nodeName = pod.spec?.nodeName;
      if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
      const node = await call.settings.api.resource<Node>(nodeType).get(nodeName);
      const path = ['containerLogs', namespace, name, container].map(encodeURIComponent).join('/');
      const url = new URL(`${nodeAgentOrigin(node, scheme)}/${path}${nodeLogQuery(logOptions)}`);

      const gone = clientPresence(call.response, call.settings.serverSignal);
      try {
        const answer = await callNodeAgent(url, {
          method: 'GET',
          dispatcher: agent,
          signal: gone.signal,
          token: options.token,
          accept: 'text/plain',
          pod: name,
        });
        if (!answer) return;
        await streamBody(call.response, answer.body, logOptions);
      } finally {
        gone.release();
      }
    },
  };
}
