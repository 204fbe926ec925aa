// `skiff describe deployment|replicaset`, in kubectl's layout. Both look up
// related objects (the pods a ReplicaSet selects, a Deployment's
// ReplicaSets); failures there only leave those lines out.

import type { Deployment, Pod, ReplicaSet } from '../../../controlplane/api/generated/index.js';
import { resourceTypeByName } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import type { HttpClusterApi } from '../../client/index.js';
import { describeController, describeMetadataHead, formatSelector } from './describe-common.js';
import { describePodTemplate } from './describe-pod.js';
import type { DescribeWriter } from './describe-writer.js';

/** The objects of `kind` in `namespace` matching `selector` (none when the list fails). */
async function listSelected<T extends KubeObject>(
  api: HttpClusterApi,
  kind: string,
  namespace: string | undefined,
  selector: string,
): Promise<T[]> {
  const type = resourceTypeByName(kind);
  if (!type || selector === '<none>') return [];
  try {
    return (
      await api.resource<T>(type).list({ namespace, labelSelector: selector.replace(/ /g, '') })
    ).items;
  } catch {
    return [];
  }
}

/** kubectl's Deployment description, with its old and new ReplicaSets. */
export async function describeDeployment(
  w: DescribeWriter,
  api: HttpClusterApi,
  deployment: Deployment,
): Promise<void> {
  const spec = deployment.spec;
  const status = deployment.status ?? {};
  describeMetadataHead(w, deployment, { created: true });
  const selector = formatSelector(spec?.selector);
  w.field(0, 'Selector', selector);
  const desired = spec?.replicas ?? 1;
  w.field(
    0,
    'Replicas',
    `${desired} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ${status.unavailableReplicas ?? 0} unavailable`,
  );
  const strategy = spec?.strategy?.type ?? 'RollingUpdate';
  w.field(0, 'StrategyType', strategy);
  w.field(0, 'MinReadySeconds', spec?.minReadySeconds ?? 0);
  if (strategy === 'RollingUpdate') {
    const rolling = spec?.strategy?.rollingUpdate;
    w.field(
      0,
      'RollingUpdateStrategy',
      `${rolling?.maxUnavailable ?? '25%'} max unavailable, ${rolling?.maxSurge ?? '25%'} max surge`,
    );
  }
  describePodTemplate(w, spec?.template);
  if (status.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus\tReason');
    w.line(1, '----\t------\t------');
    for (const condition of status.conditions)
      w.line(1, `${condition.type} \t${condition.status}\t${condition.reason ?? ''}`);
  }
  const owned = (
    await listSelected<ReplicaSet>(api, 'replicasets', deployment.metadata.namespace, selector)
  ).filter((rs) =>
    rs.metadata.ownerReferences?.some(
      (owner) => owner.uid === deployment.metadata.uid && owner.controller,
    ),
  );
  const revision = (rs: ReplicaSet) =>
    Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  const newest = [...owned].sort((a, b) => revision(b) - revision(a))[0];
  const summary = (rs: ReplicaSet) =>
    `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`;
  const old = owned.filter((rs) => rs !== newest && (rs.spec?.replicas ?? 0) > 0);
  w.field(0, 'OldReplicaSets', old.length ? old.map(summary).join(', ') : '<none>');
  w.field(0, 'NewReplicaSet', newest ? summary(newest) : '<none>');
}

/** kubectl's ReplicaSet description, with the phases of its pods. */
export async function describeReplicaSet(
  w: DescribeWriter,
  api: HttpClusterApi,
  replicaSet: ReplicaSet,
): Promise<void> {
  const spec = replicaSet.spec;
  w.field(0, 'Name', replicaSet.metadata.name ?? '');
  w.field(0, 'Namespace', replicaSet.metadata.namespace ?? '');
  const selector = formatSelector(spec?.selector);
  w.field(0, 'Selector', selector);
  w.labels(0, 'Labels', replicaSet.metadata.labels);
  w.annotations(0, 'Annotations', replicaSet.metadata.annotations);
  describeController(w, replicaSet);
  w.field(
    0,
    'Replicas',
    `${replicaSet.status?.replicas ?? 0} current / ${spec?.replicas ?? 1} desired`,
  );
  const pods = (
    await listSelected<Pod>(api, 'pods', replicaSet.metadata.namespace, selector)
  ).filter((pod) =>
    pod.metadata.ownerReferences?.some((owner) => owner.uid === replicaSet.metadata.uid),
  );
  const count = (phase: string) =>
    pods.filter((pod) => (pod.status?.phase ?? 'Pending') === phase).length;
  w.field(
    0,
    'Pods Status',
    `${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed`,
  );
  describePodTemplate(w, spec?.template);
  if (replicaSet.status?.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus\tReason');
    w.line(1, '----\t------\t------');
    for (const condition of replicaSet.status.conditions)
      w.line(1, `${condition.type} \t${condition.status}\t${condition.reason ?? ''}`);
  }
}
