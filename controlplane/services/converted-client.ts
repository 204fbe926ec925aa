// The ResourceClient of a type served at a version it is not stored as
// (autoscaling/v1 HPAs, stored as v2; events.k8s.io/v1 Events, stored as
// core/v1): what a client sends is checked against the served form's schema
// and rules (so errors and unknown fields name the fields it sent), converted,
// and written through the stored type's client, which
// defaults and validates as for any write; what comes back, lists and watch
// events included, is converted to the served form. A patch is applied to the
// served form, as Kubernetes applies a patch in the version of its request; a
// server-side apply's configuration is converted and applied as the stored
// type's.

import type { ListOptions, PatchType, WatchOptions } from '../api/cluster-api.js';
import type { Conversion } from '../api/conversion/index.js';
import { ApiError, badRequest, invalid } from '../api/errors.js';
import { isRecord } from '../api/json-values.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types.js';
import { checkSchemaAt } from '../api/validation/index.js';
import type { ServiceDeleteOptions, ServiceWriteOptions } from './context.js';
import { handleUnknownFields } from './admission.js';
import { withoutNulls } from './apply/server-side-apply.js';
import { applyPatch } from './patch.js';
import type { ServiceResourceClient } from './resource-client.js';
import { checkTypeMeta } from './request-checks.js';
import { subresourceNotFound } from './subresource-errors.js';
import { eventsOf } from '../store/watch-stream.js';

/** Lost races a patch retries before answering 409, as the update loop does. */
const MAX_PATCH_ATTEMPTS = 16;

/** Builds the served type's client over the stored type's. */
export function createConvertedClient(
  conversion: Conversion,
  stored: ServiceResourceClient,
): ServiceResourceClient {
  const { served } = conversion;
  const out = (object: KubeObject): KubeObject => conversion.toServed(object);
  const outEvent = (event: WatchEvent): WatchEvent => {
    const object = event.object;
    if (event.type === 'ERROR' || object.kind === 'Status') return event;
    // A bookmark is only a resourceVersion, in the watched version's apiVersion.
    if (event.type === 'BOOKMARK')
      return { ...event, object: { ...object, apiVersion: apiVersionOf(served) } };
    return { ...event, object: out(object as KubeObject) };
  };
  async function* watchBatches(
    options: WatchOptions,
    signal: AbortSignal,
  ): AsyncGenerator<readonly WatchEvent[]> {
    for await (const events of stored.watchBatches(options, signal)) yield events.map(outEvent);
  }
  const outList = (list: KubeList<KubeObject>): KubeList<KubeObject> => ({
    ...list,
    apiVersion: apiVersionOf(served),
    items: list.items.map(out),
  });

  /** Checks a served object as a client sent it; drops unknown fields per fieldValidation. */
  function accept(object: unknown, options: ServiceWriteOptions): KubeObject {
    checkTypeMeta(served, object);
    const report = checkSchemaAt(conversion.schemaId, object);
    const name = object.metadata.name ?? '';
    // A missing required field is a Go zero value until validation judges it,
    // which the stored type's validation does, on the converted object.
    const errors = report.errors.filter((e) => e.reason !== 'FieldValueRequired');
    if (errors.length > 0) throw invalid(served.kind, name, errors, served.group);
    handleUnknownFields(served, object, report.unknownFields, options);
    return object;
  }

  /** The served form's own rules (Kubernetes' for events.k8s.io/v1 Events); `old` on update. */
  function checkServedRules(object: KubeObject, old?: KubeObject): void {
    const errors = conversion.validate?.(object, old) ?? [];
    if (errors.length > 0) {
      throw invalid(served.kind, object.metadata.name ?? '', errors, served.group);
    }
  }

  /** The stored object `object` replaces, when there is one. */
  async function currentOf(object: KubeObject, namespace?: string): Promise<KubeObject> {
    const name = object.metadata.name ?? '';
    return stored.get(name, namespace !== undefined ? { namespace } : {});
  }

  /**
   * A server-side apply in the served form: the configuration is checked as
   * that form, converted alone (no stored object supplies anything) and
   * applied as the stored type's, whose field sets it is recorded in.
   */
  async function applyServed(
    name: string,
    body: unknown,
    options: ServiceWriteOptions & { readonly subresource?: 'status' },
  ): Promise<KubeObject> {
    if (!isRecord(body)) throw badRequest('an apply patch must be an object');
    const sent = withoutNulls(body);
    const metadata = isRecord(sent['metadata']) ? sent['metadata'] : {};
    sent['metadata'] = { ...metadata, name: metadata['name'] ?? name };
    const configuration = accept(sent, options);
    // The served form's rules judge whole objects: the one the apply would write.
    const servedRules = (next: KubeObject, current?: KubeObject) =>
      checkServedRules(out(next), current && out(current));
    return stored.patch(name, conversion.toStored(configuration), 'apply', {
      ...options,
      appliedAs: configuration,
      ...(conversion.validate ? { servedRules } : {}),
    });
  }

  async function patch(
    name: string,
    body: unknown,
    type: PatchType,
    options: ServiceWriteOptions & { readonly subresource?: 'status' },
  ): Promise<KubeObject> {
    if (type === 'apply') return out(await applyServed(name, body, options));
    const get = options.namespace !== undefined ? { namespace: options.namespace } : {};
    for (let attempt = 1; ; attempt++) {
      const current = await stored.get(name, get);
      const patched = applyPatch(served.kind, out(current), body, type);
      const object = accept(patched, options);
      checkServedRules(object, out(current));
      if (object.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${String(object.metadata.name)}) does not match the name on the URL (${name})`,
        );
      }
      // A patch that names a resourceVersion pins it; otherwise it applies to what was read.
      const pinned = object.metadata.resourceVersion !== current.metadata.resourceVersion;
      if (!pinned) object.metadata.resourceVersion = current.metadata.resourceVersion;
      const next = conversion.toStored(object, current);
      try {
        const written =
          options.subresource === 'status'
            ? await stored.updateStatus(next, options)
            : await stored.update(next, options);
        return out(written);
      } catch (error) {
        const lostRace = error instanceof ApiError && error.reason === 'Conflict' && !pinned;
        if (!lostRace || attempt >= MAX_PATCH_ATTEMPTS) throw error;
      }
    }
  }

  return {
    type: served,
    async get(name, options) {
      return out(await stored.get(name, options));
    },
    async list(options?: ListOptions) {
      return outList(await stored.list(options));
    },
    async create(object, options = {}) {
      const accepted = accept(object, options);
      checkServedRules(accepted);
      return out(await stored.create(conversion.toStored(accepted), options));
    },
    async update(object, options = {}) {
      const accepted = accept(object, options);
      const current = await currentOf(accepted, options.namespace);
      checkServedRules(accepted, out(current));
      return out(await stored.update(conversion.toStored(accepted, current), options));
    },
    async updateStatus(object, options = {}) {
      const accepted = accept(object, options);
      const current = await currentOf(accepted, options.namespace);
      return out(await stored.updateStatus(conversion.toStored(accepted, current), options));
    },
    patch(name, body, type, options = {}) {
      return patch(name, body, type, options);
    },
    async delete(name, options: ServiceDeleteOptions = {}): Promise<KubeObject | Status> {
      const deleted = await stored.delete(name, options);
      return deleted.kind === 'Status' ? deleted : out(deleted as KubeObject);
    },
    async deleteCollection(options) {
      return outList(await stored.deleteCollection(options));
    },
    watchBatches,
    watch(options: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent> {
      return eventsOf(watchBatches(options, signal), signal);
    },
    getScale() {
      return Promise.reject(subresourceNotFound());
    },
    updateScale() {
      return Promise.reject(subresourceNotFound());
    },
    bind() {
      return Promise.reject(subresourceNotFound());
    },
  };
}
