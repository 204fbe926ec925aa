// The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1
// Scale whose spec.replicas is the object's, and whose status carries the
// observed replicas and the selector as a string (what `kubectl scale` and
// the HPA read).

import type { Scale } from '../api/cluster-api.js';
import { conflict, invalid } from '../api/errors.js';
import type { KubeObject, LabelSelector } from '../api/types.js';
import { admitUpdate } from './admission.js';
import type { ServiceWriteOptions, TypeContext } from './context.js';
import { effectiveNamespace } from './object-access.js';
import { clone, isRecord } from './object-utils.js';
import { getObject } from './reads.js';
import { subresourceNotFound } from './subresource-errors.js';
import { guaranteedUpdate, parseResourceVersion } from './update-loop.js';

function requireScale(ctx: TypeContext): void {
  if (!ctx.type.subresources.includes('scale')) throw subresourceNotFound();
}

/** The Scale view of a Deployment or ReplicaSet. */
export function toScale(ctx: TypeContext, object: KubeObject): Scale {
  const spec = isRecord(object['spec']) ? object['spec'] : {};
  const status = isRecord(object['status']) ? object['status'] : {};
  const selector = spec['selector'];
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1 },
    status: {
      replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0,
      ...(isRecord(selector)
        ? { selector: ctx.services.schema.formatLabelSelector(selector as LabelSelector) }
        : {}),
    },
  };
}

/** The ResourceClient `getScale` verb. */
export async function getScale(
  ctx: TypeContext,
  name: string,
  namespace: string | undefined,
): Promise<Scale> {
  requireScale(ctx);
  return toScale(ctx, await getObject(ctx, name, namespace));
}

/** The ResourceClient `updateScale` verb: spec.replicas goes through the object's update path. */
export async function updateScale(
  ctx: TypeContext,
  name: string,
  scale: Scale,
  options: ServiceWriteOptions = {},
): Promise<Scale> {
  requireScale(ctx);
  const replicas = scale.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    throw invalid(
      'Scale',
      name,
      [
        {
          field: 'spec.replicas',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        },
      ],
      'autoscaling',
    );
  }
  const expected = parseResourceVersion(scale.metadata?.resourceVersion);
  const updated = await guaranteedUpdate(
    ctx,
    effectiveNamespace(ctx, options.namespace ?? scale.metadata?.namespace),
    name,
    ({ object: current, revision }) => {
      if (expected !== undefined && expected !== revision) throw conflict(ctx.type, name);
      const next = clone(current);
      const spec = isRecord(next['spec']) ? next['spec'] : {};
      if (replicas === undefined) delete spec['replicas'];
      else spec['replicas'] = replicas;
      next['spec'] = spec;
      return admitUpdate(ctx, next, current, 'update', options, { subresource: 'scale' });
    },
    { pinned: expected !== undefined, dryRun: options.dryRun === 'All' },
  );
  return toScale(ctx, updated);
}
