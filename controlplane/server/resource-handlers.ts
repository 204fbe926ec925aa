// The verbs of collections and objects, as the apiserver maps them from HTTP:
//
//   collection  GET → list (watch with ?watch=1 or /watch/), POST → create,
//               DELETE → deletecollection
//   object      GET → get (watch), PUT → update, PATCH → patch, DELETE → delete
//
// Subresources are in subresource-handlers.ts. Every handler calls the
// ClusterApi and writes its answer; failures are thrown as ApiErrors.

import type { Request, Response } from 'express';
import type { ClusterApi, ResourceClient } from '../api/cluster-api.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeList, KubeObject, WatchEvent } from '../api/types.js';
import { negotiateResponse, patchTypeOf } from './media-types.js';
import { checkBody } from './object-checks.js';
import type { HttpWriteOptions } from './query-options.js';
import {
  deleteOptionsOf,
  includeObjectOf,
  isWatch,
  listOptionsOf,
  managerFromUserAgent,
  sendsInitialEvents,
  watchOptionsOf,
  writeOptionsOf,
} from './query-options.js';
import { representation } from './representation.js';
import { readObjectBody, readOptionalObjectBody, readPatchBody } from './request-body.js';
import type { ResourceRequest } from './request-path.js';
import { addWarning, sendJson, verbNotAllowed } from './responses.js';
import type { WatchTimeoutRange } from './watch-stream.js';
import { streamWatch, watchBatchesOf } from './watch-stream.js';
import { initialEventsThenWatch } from './watch-list.js';

/** What the handlers share for the server's lifetime. */
export interface HandlerSettings {
  readonly api: ClusterApi;
  readonly maxBodyBytes: number;
  readonly watchTimeout: WatchTimeoutRange;
  /** Aborts when the server shuts down (ends every watch). */
  readonly serverSignal: AbortSignal;
  /** The clock of Table ages. */
  readonly now: () => number;
  /** Watch bookkeeping for metrics: called at start, the result at the end. */
  readonly onWatch?: (resource: string) => { event(): void; end(): void };
}

/** One request to a resource, with what the handlers read from it. */
export interface ResourceCall {
  readonly settings: HandlerSettings;
  readonly request: Request;
  readonly response: Response;
  readonly target: ResourceRequest;
  readonly query: URLSearchParams;
  readonly client: ResourceClient;
  /** The Kubernetes verb, for metrics and logs (set by the dispatcher). */
  verb: string;
}

function readAs(call: ResourceCall) {
  const format = negotiateResponse(call.request.headers.accept, true);
  return representation(call.target.type, format, includeObjectOf(call.query), call.settings.now);
}

/** GET of a collection, or of an object with ?watch: a list or a watch stream. */
export async function listOrWatch(call: ResourceCall): Promise<void> {
  const { target, query } = call;
  if (target.watchPrefix || isWatch(query)) return watch(call);
  call.verb = 'list';
  const view = readAs(call);
  const options = listOptionsOf(query, target.namespace);
  const list = await call.client.list(options);
  sendJson(call.response, 200, view.list(list));
}

/** A watch of a collection, or of one object (`metadata.name` field selector, as the apiserver does). */
async function watch(call: ResourceCall): Promise<void> {
  const { target, query, settings } = call;
  call.verb = 'watch';
  const view = readAs(call);
  const base = watchOptionsOf(query, target.namespace);
  const byName = target.name === undefined ? [] : [`metadata.name=${target.name}`];
  const fieldSelector = [...byName, ...(base.fieldSelector ? [base.fieldSelector] : [])].join(',');
  const options = { ...base, ...(fieldSelector ? { fieldSelector } : {}) };
  const bookmarks = options.allowWatchBookmarks === true;
  const transform = view.watchEvents();
  const source = sendsInitialEvents(query)
    ? (signal: AbortSignal) => initialEventsThenWatch(call.client, options, signal)
    : (signal: AbortSignal) => watchBatchesOf(call.client, options, signal);
  const tracker = settings.onWatch?.(target.type.plural);
  try {
    await streamWatch(call.request, call.response, source, {
      ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
      defaultTimeout: settings.watchTimeout,
      serverSignal: settings.serverSignal,
      transform: (event: WatchEvent) =>
        event.type === 'BOOKMARK' && !bookmarks ? undefined : transform(event),
      ...(tracker ? { onEvent: () => tracker.event() } : {}),
    });
  } finally {
    tracker?.end();
  }
}

/** GET of an object. */
export async function get(call: ResourceCall, name: string): Promise<void> {
  const { target, query } = call;
  if (isWatch(query) || target.watchPrefix) return watch(call);
  call.verb = 'get';
  const view = readAs(call);
  const object = await call.client.get(name, namespaceOption(call));
  sendJson(call.response, 200, view.object(object));
}

/**
 * The write options of a call: its query's, with warnings going to the
 * response. A write that names no field manager is its user agent's (as in
 * Kubernetes); `manager: 'query'` keeps only the query's (an apply must name
 * one; a create records no managedFields).
 */
export function writeOptions(
  call: ResourceCall,
  manager: 'query' | 'userAgent' = 'userAgent',
): HttpWriteOptions {
  const options = writeOptionsOf(call.query, call.target.namespace);
  const agent =
    manager === 'userAgent' ? managerFromUserAgent(call.request.headers['user-agent']) : undefined;
  return {
    ...(options.fieldManager === undefined && agent !== undefined ? { fieldManager: agent } : {}),
    ...options,
    onWarning: (message) => addWarning(call.response, message),
  };
}

function namespaceOption(call: ResourceCall): { namespace?: string } {
  return call.target.namespace !== undefined ? { namespace: call.target.namespace } : {};
}

/** Responses of writes are the object itself, whatever Table the client could read. */
function writeAnswer(call: ResourceCall): void {
  negotiateResponse(call.request.headers.accept, false);
}

function bodyTarget(call: ResourceCall, name?: string) {
  const { type, namespace } = call.target;
  return {
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    ...(type.namespaced && namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/** POST of a collection. */
export async function create(call: ResourceCall): Promise<void> {
  call.verb = 'create';
  writeAnswer(call);
  const body = await readObjectBody(call.request, call.settings.maxBodyBytes);
  const object = checkBody(body, bodyTarget(call));
  const created = await call.client.create(object, writeOptions(call, 'query'));
  sendJson(call.response, 201, created);
}

/** PUT of an object. */
export async function update(call: ResourceCall, name: string): Promise<void> {
  call.verb = 'update';
  writeAnswer(call);
  const body = await readObjectBody(call.request, call.settings.maxBodyBytes);
  const object = checkBody(body, bodyTarget(call, name));
  const updated = await call.client.update(object, writeOptions(call));
  sendJson(call.response, 200, updated);
}

/** PATCH of an object (or its status). */
export async function patch(
  call: ResourceCall,
  name: string,
  subresource?: 'status',
): Promise<void> {
  call.verb = 'patch';
  writeAnswer(call);
  const type = patchTypeOf(call.request.headers['content-type']);
  const body = await readPatchBody(call.request, call.settings.maxBodyBytes, type);
  let created = false;
  const options = {
    ...writeOptions(call, type === 'apply' ? 'query' : 'userAgent'),
    ...(subresource ? { subresource } : {}),
    onCreated: () => (created = true),
  };
  const patched = await call.client.patch(name, body, type, options);
  sendJson(call.response, created ? 201 : 200, patched);
}

/** DELETE of an object: the deleted object (or the one now terminating), or a Status. */
export async function remove(call: ResourceCall, name: string): Promise<void> {
  call.verb = 'delete';
  writeAnswer(call);
  const body = await readOptionalObjectBody(call.request, call.settings.maxBodyBytes);
  const options = deleteOptionsOf(call.query, call.target.namespace, body);
  const result = await call.client.delete(name, options);
  sendJson(
    call.response,
    result.kind === 'Status' && typeof result.code === 'number' ? result.code : 200,
    result,
  );
}

/** DELETE of a collection: the list of what was deleted. */
export async function removeCollection(call: ResourceCall): Promise<void> {
  call.verb = 'deletecollection';
  writeAnswer(call);
  const body = await readOptionalObjectBody(call.request, call.settings.maxBodyBytes);
  const options = {
    ...listOptionsOf(call.query, call.target.namespace),
    ...deleteOptionsOf(call.query, call.target.namespace, body),
  };
  const deleted: KubeList<KubeObject> = await call.client.deleteCollection(options);
  sendJson(call.response, 200, deleted);
}

/** Collections: the verbs by HTTP method. Namespaced types across namespaces only list and watch. */
export async function collection(call: ResourceCall): Promise<void> {
  const method = call.request.method;
  if (method === 'GET') return listOrWatch(call);
  const acrossNamespaces = call.target.type.namespaced && call.target.namespace === undefined;
  if (acrossNamespaces || call.target.watchPrefix) throw verbNotAllowed();
  if (method === 'POST') return create(call);
  if (method === 'DELETE') return removeCollection(call);
  throw verbNotAllowed();
}

/** Objects: the verbs by HTTP method. */
export async function object(call: ResourceCall, name: string): Promise<void> {
  const method = call.request.method;
  if (method === 'GET') return get(call, name);
  if (call.target.watchPrefix) throw verbNotAllowed();
  if (method === 'PUT') return update(call, name);
  if (method === 'PATCH') return patch(call, name);
  if (method === 'DELETE') return remove(call, name);
  throw verbNotAllowed();
}
