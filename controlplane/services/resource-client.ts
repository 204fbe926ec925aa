// One type's ResourceClient: each verb waits for the bootstrap, then runs
// its module (create.ts, reads.ts, update.ts, patch.ts, delete.ts, watch.ts,
// scale.ts, binding.ts).

import type {
  ListOptions,
  PatchType,
  BatchedWatchSource,
  ResourceClient,
  Scale,
  WatchOptions,
} from '../api/cluster-api.js';
import type { ResourceType } from '../api/resources.js';
import type { KubeList, KubeObject, Status, WatchEvent } from '../api/types.js';
import { bindPod } from './binding.js';
import type { ServiceDeleteOptions, ServiceWriteOptions, TypeContext } from './context.js';
import { createObject } from './create.js';
import { deleteCollection, deleteObject } from './delete.js';
import { patchObject } from './patch.js';
import { getObject, listObjects } from './reads.js';
import { getScale, updateScale } from './scale.js';
import { updateObject } from './update.js';
import { watchObjectBatches, watchObjects } from './watch.js';

/**
 * The ClusterApi ResourceClient, with the write options the services accept
 * beyond the contract (`fieldValidation`, `onWarning`; see context.ts).
 */
export interface ServiceResourceClient<T extends KubeObject = KubeObject>
  extends ResourceClient<T>, BatchedWatchSource<T> {
  create(object: T, options?: ServiceWriteOptions): Promise<T>;
  update(object: T, options?: ServiceWriteOptions): Promise<T>;
  updateStatus(object: T, options?: ServiceWriteOptions): Promise<T>;
  patch(
    name: string,
    patch: unknown,
    type: PatchType,
    options?: ServiceWriteOptions & { readonly subresource?: 'status' },
  ): Promise<T>;
  updateScale(name: string, scale: Scale, options?: ServiceWriteOptions): Promise<Scale>;
}

/** Builds the client of `ctx.type`. */
export function createResourceClient<T extends KubeObject = KubeObject>(
  ctx: TypeContext,
): ServiceResourceClient<T> {
  const ready = (): Promise<void> => ctx.services.ready;
  const isNamespace = ctx.type.group === '' && ctx.type.kind === 'Namespace';
  return {
    get type(): ResourceType {
      return ctx.type;
    },
    async get(name, options = {}) {
      await ready();
      return (await getObject(ctx, name, options.namespace)) as T;
    },
    async list(options: ListOptions = {}) {
      await ready();
      return (await listObjects(ctx, options)) as KubeList<T>;
    },
    async create(object, options = {}) {
      await ready();
      return (await createObject(ctx, object, options)) as T;
    },
    async update(object, options = {}) {
      await ready();
      return (await updateObject(ctx, object, 'update', options)) as T;
    },
    async updateStatus(object, options = {}) {
      await ready();
      return (await updateObject(ctx, object, 'status', options)) as T;
    },
    async patch(name, patch, type, options = {}) {
      await ready();
      return (await patchObject(ctx, name, patch, type, options)) as T;
    },
    async delete(name, options: ServiceDeleteOptions = {}): Promise<T | Status> {
      await ready();
      if (isNamespace) return (await ctx.services.namespaces.deleteNamespace(name, options)) as T;
      return (await deleteObject(ctx, name, options)) as T | Status;
    },
    async deleteCollection(options = {}) {
      await ready();
      return (await deleteCollection(ctx, options)) as KubeList<T>;
    },
    watchBatches(options: WatchOptions, signal: AbortSignal) {
      return watchObjectBatches(ctx, options, signal) as AsyncIterable<readonly WatchEvent<T>[]>;
    },
    watch(options: WatchOptions, signal: AbortSignal) {
      return watchObjects(ctx, options, signal) as AsyncIterable<WatchEvent<T>>;
    },
    async getScale(name, options = {}) {
      await ready();
      return getScale(ctx, name, options.namespace);
    },
    async updateScale(name, scale, options = {}) {
      await ready();
      return updateScale(ctx, name, scale, options);
    },
    async bind(name, nodeName, options = {}) {
      await ready();
      return bindPod(ctx, name, nodeName, options);
    },
  };
}
