// The subresources: `status` (get, update, patch), `scale` (get, update, patch
// through get + update) and `binding` (create: what the scheduler posts to
// place a pod). `log` and `exec` are in the resource table for discovery but
// are served by node agents, not by this server, so far.

import type { Scale } from '../api/cluster-api.js';
import { ApiError, badRequest, failure } from '../api/errors.js';
import { apiVersionOf } from '../api/resources.js';
import { patchTypeOf } from './media-types.js';
import { checkBody } from './object-checks.js';
import { readObjectBody, readPatchBody } from './request-body.js';
import type { ResourceCall } from './resource-handlers.js';
import { get, patch, writeOptions } from './resource-handlers.js';
import { sendJson, success, verbNotAllowed } from './responses.js';
import { patchScale } from './scale-patch.js';

function namespaceOf(call: ResourceCall): { namespace?: string } {
  return call.target.namespace !== undefined ? { namespace: call.target.namespace } : {};
}

async function status(call: ResourceCall, name: string): Promise<void> {
  switch (call.request.method) {
    case 'GET':
      return get(call, name);
    case 'PATCH':
      return patch(call, name, 'status');
    case 'PUT': {
      call.verb = 'update';
      const body = await readObjectBody(call.request, call.settings.maxBodyBytes);
      const { type, namespace } = call.target;
      const object = checkBody(body, {
        apiVersion: apiVersionOf(type),
        kind: type.kind,
        ...(namespace !== undefined ? { namespace } : {}),
        name,
      });
      const updated = await call.client.updateStatus(object, writeOptions(call));
      return sendJson(call.response, 200, updated);
    }
    default:
      throw verbNotAllowed();
  }
}

async function scale(call: ResourceCall, name: string): Promise<void> {
  const { namespace } = call.target;
  switch (call.request.method) {
    case 'GET':
      call.verb = 'get';
      return sendJson(call.response, 200, await call.client.getScale(name, namespaceOf(call)));
    case 'PUT': {
      call.verb = 'update';
      const body = await readObjectBody(call.request, call.settings.maxBodyBytes);
      const object = checkBody(body, {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        ...(namespace !== undefined ? { namespace } : {}),
        name,
      });
      const updated = await call.client.updateScale(
        name,
        object as unknown as Scale,
        writeOptions(call),
      );
      return sendJson(call.response, 200, updated);
    }
    case 'PATCH': {
      call.verb = 'patch';
      const type = patchTypeOf(call.request.headers['content-type']);
      const body = await readPatchBody(call.request, call.settings.maxBodyBytes, type);
      const current = await call.client.getScale(name, namespaceOf(call));
      const next = patchScale(current, body, type, name);
      const updated = await call.client.updateScale(name, next, writeOptions(call));
      return sendJson(call.response, 200, updated);
    }
    default:
      throw verbNotAllowed();
  }
}

/** `POST pods/{name}/binding` with a v1 Binding: `target.name` is the node. */
async function binding(call: ResourceCall, name: string): Promise<void> {
  if (call.request.method !== 'POST') throw verbNotAllowed();
  call.verb = 'create';
  const body = await readObjectBody(call.request, call.settings.maxBodyBytes);
  const { namespace } = call.target;
  const metadata = (body.metadata ?? {}) as { name?: string };
  const object = checkBody(body, {
    apiVersion: 'v1',
    kind: 'Binding',
    ...(namespace !== undefined ? { namespace } : {}),
    // The Binding may leave its name out; when it names a pod, it must be this one.
    ...(metadata.name ? { name } : {}),
  });
  const target = (object.target ?? {}) as { name?: unknown; kind?: unknown };
  if (typeof target.name !== 'string' || target.name === '') {
    throw badRequest('a Binding needs target.name: the node to bind the pod to');
  }
  if (target.kind !== undefined && target.kind !== 'Node') {
    throw badRequest(`a Binding's target must be a Node, not ${String(target.kind)}`);
  }
  await call.client.bind(name, target.name, writeOptions(call));
  sendJson(call.response, 201, success(201));
}

/** Serves `/{plural}/{name}/{subresource}`. */
export async function subresource(call: ResourceCall, name: string, which: string): Promise<void> {
  if (call.target.watchPrefix) throw verbNotAllowed();
  switch (which) {
    case 'status':
      return status(call, name);
    case 'scale':
      return scale(call, name);
    case 'binding':
      return binding(call, name);
    default:
      throw new ApiError(
        failure(
          404,
          'NotFound',
          `${call.target.type.plural}/${which} is served by node agents, not by this server yet`,
          {
            name,
            kind: call.target.type.plural,
          },
        ),
      );
  }
}
