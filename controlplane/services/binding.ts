// `pods/<name>/binding`: how the scheduler places a pod. Like Kubernetes'
// BindingREST, it sets spec.nodeName once (a pod already bound, or being
// deleted, is a 409) and records the PodScheduled condition; the pod spec's
// immutability does not apply to this write.

import type { WriteOptions } from '../api/cluster-api.js';
import { ApiError, failure, invalid } from '../api/errors.js';
import type { KubeObject, Status } from '../api/types.js';
import type { TypeContext } from './context.js';
import { effectiveNamespace } from './object-access.js';
import { clone, isRecord, rfc3339 } from './object-utils.js';
import { subresourceNotFound } from './subresource-errors.js';
import { guaranteedUpdate } from './update-loop.js';

function bindingConflict(name: string, why: string): ApiError {
  return new ApiError(
    failure(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": ${why}`, {
      name,
      kind: 'pods/binding',
    }),
  );
}

/** The pod bound to `nodeName`, with PodScheduled=True among its conditions. */
function bound(pod: KubeObject, nodeName: string, now: Date): KubeObject {
  const next = clone(pod);
  const spec = isRecord(next['spec']) ? next['spec'] : {};
  spec['nodeName'] = nodeName;
  next['spec'] = spec;
  const status = isRecord(next['status']) ? next['status'] : {};
  const conditions = (Array.isArray(status['conditions']) ? status['conditions'] : []).filter(
    (c) => !(isRecord(c) && c['type'] === 'PodScheduled'),
  );
  conditions.push({
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: rfc3339(now),
  });
  status['conditions'] = conditions;
  next['status'] = status;
  return next;
}

/** The ResourceClient `bind` verb (pods only). */
export async function bindPod(
  ctx: TypeContext,
  name: string,
  nodeName: string,
  options: WriteOptions = {},
): Promise<Status> {
  if (!ctx.type.subresources.includes('binding')) throw subresourceNotFound();
  if (!nodeName) {
    throw invalid('Binding', name, [
      { field: 'target.name', reason: 'FieldValueRequired', message: 'Required value' },
    ]);
  }
  await guaranteedUpdate(
    ctx,
    effectiveNamespace(ctx, options.namespace),
    name,
    ({ object: pod }) => {
      if (pod.metadata.deletionTimestamp)
        throw bindingConflict(name, `pod ${name} is being deleted, cannot be assigned to a host`);
      const spec = isRecord(pod['spec']) ? pod['spec'] : {};
      if (typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '') {
        throw bindingConflict(
          name,
          `pod ${name} is already assigned to node "${spec['nodeName']}"`,
        );
      }
      return bound(pod, nodeName, ctx.services.now());
    },
    { dryRun: options.dryRun === 'All' },
  );
  return { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Success', code: 201 };
}
