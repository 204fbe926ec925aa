// Kubernetes' DefaultTolerationSeconds admission plugin (on by default in
// kube-apiserver): a pod that does not say how long it stays on a node that
// is not ready or unreachable gets NoExecute tolerations of 300 s for each,
// the time the node lifecycle controller then leaves it there before evicting
// it. Applied on create and update, never through a subresource.

import type { Toleration } from '../../api/generated/index.js';
import type { KubeObject } from '../../api/types.js';
import { isRecord } from '../object-utils.js';

/** kube-apiserver's `--default-not-ready-toleration-seconds` and `--default-unreachable-toleration-seconds`. */
export const DEFAULT_TOLERATION_SECONDS = 300;

const TAINT_KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'] as const;

/** Whether `toleration` covers the NoExecute taint `key` as the plugin reads it (operators aside). */
function covers(toleration: unknown, key: string): boolean {
  if (!isRecord(toleration)) return false;
  const { key: tolerated = '', effect = '' } = toleration as Toleration;
  return (tolerated === key || tolerated === '') && (effect === 'NoExecute' || effect === '');
}

/** Adds the two default tolerations the pod `object` lacks. */
export function addDefaultTolerations(object: KubeObject): void {
  const spec = object['spec'];
  if (!isRecord(spec)) return;
  const existing: unknown[] = Array.isArray(spec['tolerations']) ? spec['tolerations'] : [];
  const added: Toleration[] = TAINT_KEYS.filter(
    (key) => !existing.some((toleration) => covers(toleration, key)),
  ).map((key) => ({
    key,
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: DEFAULT_TOLERATION_SECONDS,
  }));
  if (added.length > 0) spec['tolerations'] = [...existing, ...added];
}
