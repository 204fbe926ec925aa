// create: type and namespace checks, the server-set metadata, generateName,
// admission, then the store (AlreadyExists → 409; a generated name that
// collides is drawn again).

import { alreadyExists, invalid } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { StoreError } from '../store/types.js';
import { admitCreate } from './admission.js';
import type { ServiceWriteOptions, TypeContext } from './context.js';
import { GENERATE_NAME_ATTEMPTS, generateName } from './names.js';
import { adoptStored, keyOf } from './object-access.js';
import { clone, rfc3339 } from './object-utils.js';
import { checkTypeMeta, resolveWriteNamespace } from './request-checks.js';
import { toApiError } from './store-errors.js';

/** Fields of metadata only the server sets on create, whatever the request says. */
function resetServerMetadata(ctx: TypeContext, object: KubeObject): void {
  const meta = object.metadata;
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.managedFields;
  meta.uid = ctx.services.newUid();
  meta.creationTimestamp = rfc3339(ctx.services.now());
  if (ctx.strategy.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
}

/**
 * The ResourceClient `create` verb. `finish` sees the admitted object last
 * (a server-side apply that creates records its managedFields there).
 */
export async function createObject(
  ctx: TypeContext,
  request: KubeObject,
  options: ServiceWriteOptions = {},
  finish?: (admitted: KubeObject) => void,
): Promise<KubeObject> {
  const object: unknown = clone(request);
  checkTypeMeta(ctx.type, object);
  const namespace = resolveWriteNamespace(ctx, object, options.namespace);
  const meta = object.metadata;
  if (namespace !== undefined) {
    await ctx.services.namespaces.assertAcceptsNew(
      namespace,
      ctx.type,
      meta.name ?? meta.generateName ?? '',
    );
  }
  resetServerMetadata(ctx, object);
  const prefix = !meta.name && meta.generateName ? meta.generateName : undefined;
  if (prefix !== undefined) meta.name = generateName(prefix);

  const admitted = admitCreate(ctx, object, options);
  finish?.(admitted);
  if (options.dryRun === 'All') return admitted;
  const { allocator } = ctx.strategy;
  const claims = allocator ? await allocator.allocate(ctx.services.store, admitted) : [];
  try {
    return await storeNew(ctx, namespace, admitted, prefix);
  } catch (error) {
    await allocator?.undo(ctx.services.store, claims);
    throw error;
  }
}

/** Writes a new object; a generated name that collides is drawn again. */
async function storeNew(
  ctx: TypeContext,
  namespace: string | undefined,
  admitted: KubeObject,
  prefix: string | undefined,
): Promise<KubeObject> {
  for (let attempt = 1; ; attempt++) {
    const name = admitted.metadata.name ?? '';
    const key = keyOf(ctx, namespace, name);
    if (key === undefined) {
      // Validation refuses such names; this guards the key space if it did not.
      throw invalid(
        ctx.type.kind,
        name,
        [
          {
            field: 'metadata.name',
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${name}": may not contain '/'`,
          },
        ],
        ctx.type.group,
      );
    }
    try {
      // `admitted` is this request's own copy, without a resourceVersion
      // (reset above), and the store copies what it keeps: no copy here.
      const stored = await ctx.services.store.create(key, admitted);
      return adoptStored(stored.value, stored.revision);
    } catch (error) {
      const collided = error instanceof StoreError && error.code === 'AlreadyExists';
      if (collided && prefix !== undefined && attempt < GENERATE_NAME_ATTEMPTS) {
        admitted.metadata.name = generateName(prefix);
        continue;
      }
      if (collided) throw alreadyExists(ctx.type, name);
      throw toApiError(error, ctx.type, name);
    }
  }
}
