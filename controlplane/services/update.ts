// update and updateStatus: replace an object (or only its status), with
// compare-and-set when the body carries a resourceVersion and last-writer-wins
// retries when it does not (Kubernetes allows unconditional updates of every
// built-in kind Skiff serves).

import { badRequest, conflict } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { admitUpdate } from './admission.js';
import type { ServiceWriteOptions, TypeContext } from './context.js';
import { clone } from './object-utils.js';
import { checkTypeMeta, resolveWriteNamespace } from './request-checks.js';
import { subresourceNotFound } from './subresource-errors.js';
import { guaranteedUpdate, parseResourceVersion } from './update-loop.js';

/** The ResourceClient `update` (kind 'update') and `updateStatus` (kind 'status') verbs. */
export async function updateObject(
  ctx: TypeContext,
  request: KubeObject,
  kind: 'update' | 'status',
  options: ServiceWriteOptions = {},
): Promise<KubeObject> {
  if (kind === 'status' && !ctx.strategy.hasStatusSubresource) throw subresourceNotFound();
  const object: unknown = clone(request);
  checkTypeMeta(ctx.type, object);
  const namespace = resolveWriteNamespace(ctx, object, options.namespace);
  const name = object.metadata.name;
  if (!name) throw badRequest('resource name may not be empty');
  const expected = parseResourceVersion(object.metadata.resourceVersion);
  return guaranteedUpdate(
    ctx,
    namespace,
    name,
    ({ object: current, revision }) => {
      if (expected !== undefined && expected !== revision) throw conflict(ctx.type, name);
      return admitUpdate(ctx, object, current, kind, options);
    },
    { pinned: expected !== undefined, dryRun: options.dryRun === 'All' },
  );
}
