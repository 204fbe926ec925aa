// Namespaces' life, as Kubernetes' NamespaceLifecycle admission and namespace
// controller give it: objects are created only in a namespace that exists and
// is not terminating; deleting a namespace marks it Terminating, deletes its
// content, and removes it once nothing is left (pods on nodes finish their
// graceful deletion first). `default`, `kube-system` and `kube-public` cannot
// be deleted. Skiff does this in the services (there is no /finalize
// subresource to hand it to a controller); it resumes after a restart.

import type { DeleteOptions } from '../api/cluster-api.js';
import { ApiError, forbidden, notFound } from '../api/errors.js';
import { resourceTypeFor, type ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { NamespaceHooks, TypeContext } from './context.js';
import { checkPreconditions, deleteOne } from './delete.js';
import { isKeySafe, listPrefix, objectKey, typePrefix } from './keys.js';
import { fromStore, readObject, toStore } from './object-access.js';
import { isStoreConflict, toApiError } from './store-errors.js';
import { clone, isRecord, rfc3339 } from './object-utils.js';
import { guaranteedUpdate } from './update-loop.js';

/** The namespaces Kubernetes creates at start and never lets anyone delete (kube-node-lease may go). */
export const IMMORTAL_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public'];
/** The namespaces created at start when absent. */
export const BOOTSTRAP_NAMESPACES: readonly string[] = [...IMMORTAL_NAMESPACES, 'kube-node-lease'];

const NAMESPACE_TYPE = resourceTypeFor('v1', 'Namespace') as ResourceType;
/** The spec finalizer Kubernetes gives every namespace; it stands for "content still to delete". */
const CONTENT_FINALIZER = 'kubernetes';

function qualified(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

function isTerminating(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const meta = value['metadata'];
  const status = value['status'];
  return (
    (isRecord(meta) && meta['deletionTimestamp'] !== undefined) ||
    (isRecord(status) && status['phase'] === 'Terminating')
  );
}

export class NamespaceLifecycle implements NamespaceHooks {
  /** Namespaces whose content is being deleted now, and whether a removal asked for another pass meanwhile. */
  private readonly finalizing = new Map<string, { again: boolean }>();

  /**
   * @param namespaceContext the Namespace type's context
   * @param namespacedContexts the contexts of every namespaced type (read when needed: they are built after this)
   */
  constructor(
    private readonly namespaceContext: () => TypeContext,
    private readonly namespacedContexts: () => readonly TypeContext[],
  ) {}

  async assertAcceptsNew(namespace: string, type: ResourceType, name: string): Promise<void> {
    const { store } = this.namespaceContext().services;
    const stored = isKeySafe(namespace)
      ? await store.get(objectKey(NAMESPACE_TYPE, undefined, namespace))
      : undefined;
    if (!stored) throw notFound(NAMESPACE_TYPE, namespace);
    if (isTerminating(stored.value)) {
      throw forbidden(
        `${qualified(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  async objectRemoved(namespace: string): Promise<void> {
    const running = this.finalizing.get(namespace);
    if (running) {
      running.again = true;
      return;
    }
    const { store } = this.namespaceContext().services;
    const stored = await store.get(objectKey(NAMESPACE_TYPE, undefined, namespace));
    if (stored && isTerminating(stored.value)) await this.finalize(namespace);
  }

  /** The Namespace `delete` verb: Terminating, content deleted, then gone. Answers with the namespace as marked. */
  async deleteNamespace(name: string, options: DeleteOptions): Promise<KubeObject> {
    const ctx = this.namespaceContext();
    if (IMMORTAL_NAMESPACES.includes(name)) {
      throw forbidden(
        `${qualified(NAMESPACE_TYPE)} "${name}" is forbidden: this namespace may not be deleted`,
      );
    }
    const started = await guaranteedUpdate(
      ctx,
      undefined,
      name,
      ({ object }) => {
        checkPreconditions(ctx, object, options.preconditions);
        if (object.metadata.deletionTimestamp) return object;
        const next = clone(object);
        next.metadata.deletionTimestamp = rfc3339(ctx.services.now());
        next['status'] = {
          ...(isRecord(next['status']) ? next['status'] : {}),
          phase: 'Terminating',
        };
        return next;
      },
      { dryRun: options.dryRun === 'All' },
    );
    if (options.dryRun !== 'All') await this.finalize(name);
    return started;
  }

  /** Resumes the deletion of namespaces left Terminating (after a restart). */
  async resumeTerminating(): Promise<void> {
    const { store } = this.namespaceContext().services;
    const { items } = await store.list(typePrefix(NAMESPACE_TYPE));
    for (const stored of items) {
      const object = fromStore(stored.value, stored.revision);
      if (isTerminating(object) && object.metadata.name) await this.finalize(object.metadata.name);
    }
  }

  /** Deletes what is in `namespace`; when nothing is left, drops the content finalizer (which deletes the namespace). */
  private async finalize(namespace: string): Promise<void> {
    const state = { again: true };
    this.finalizing.set(namespace, state);
    try {
      while (state.again) {
        state.again = false;
        await this.deleteContent(namespace);
        if (await this.isEmpty(namespace)) await this.dropContentFinalizer(namespace);
      }
    } finally {
      this.finalizing.delete(namespace);
    }
  }

  private async deleteContent(namespace: string): Promise<void> {
    for (const ctx of this.namespacedContexts()) {
      const { items } = await ctx.services.store.list(listPrefix(ctx.type, namespace));
      for (const stored of items) {
        const name = fromStore(stored.value, stored.revision).metadata.name ?? '';
        await deleteOne(ctx, namespace, name).catch((error: unknown) => {
          if (!(error instanceof ApiError && error.code === 404)) throw error;
        });
      }
    }
  }

  private async isEmpty(namespace: string): Promise<boolean> {
    for (const ctx of this.namespacedContexts()) {
      const { items } = await ctx.services.store.list(listPrefix(ctx.type, namespace), {
        limit: 1,
      });
      if (items.length > 0) return false;
    }
    return true;
  }

  /** Removes the content finalizer; a namespace nothing else holds leaves the store. */
  private async dropContentFinalizer(namespace: string): Promise<void> {
    const ctx = this.namespaceContext();
    const key = objectKey(NAMESPACE_TYPE, undefined, namespace);
    for (;;) {
      const current = await readObject(ctx, undefined, namespace);
      if (!current) return;
      const next = clone(current.object);
      const spec = isRecord(next['spec']) ? next['spec'] : {};
      const before = Array.isArray(spec['finalizers']) ? spec['finalizers'] : [];
      spec['finalizers'] = before.filter((f) => f !== CONTENT_FINALIZER);
      next['spec'] = spec;
      const held =
        (next.metadata.finalizers ?? []).length > 0 || (spec['finalizers'] as unknown[]).length > 0;
      try {
        if (!held) {
          await ctx.services.store.delete(key, current.revision);
        } else if (before.length !== (spec['finalizers'] as unknown[]).length) {
          await ctx.services.store.update(key, toStore(next), current.revision);
        }
        return;
      } catch (error) {
        if (!isStoreConflict(error)) throw toApiError(error, ctx.type, namespace);
      }
    }
  }
}
