// The two trees `skiff diff` compares, as kubectl diff lays them out: one
// file per object, named `<group>.<version>.<Kind>.<namespace>.<name>` (no
// group for the core group, no namespace for cluster-scoped kinds), holding
// the live object and the object applying would leave, as YAML without
// managedFields. A Secret's values are masked, as kubectl masks them: `***`
// on both sides when equal, `*** (before)` and `*** (after)` when not.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResourceType } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { withTypeMeta } from './fetch.js';
import { formatValue, withoutManagedFields } from './object-printer.js';

/** One object's two sides (undefined: it does not exist on that side). */
export interface DiffPair {
  readonly type: ResourceType;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly live: KubeObject | undefined;
  readonly merged: KubeObject | undefined;
}

/** kubectl's file name for an object. */
export function diffFileName(pair: Pick<DiffPair, 'type' | 'name' | 'namespace'>): string {
  const { type } = pair;
  return [type.group, type.version, type.kind, pair.namespace, pair.name]
    .filter((part) => part !== undefined && part !== '')
    .join('.');
}

/** Writes each pair's sides under `liveDir` and `mergedDir` (created); a missing side writes no file. */
export async function writeDiffTrees(
  pairs: readonly DiffPair[],
  liveDir: string,
  mergedDir: string,
): Promise<void> {
  await mkdir(liveDir, { recursive: true });
  await mkdir(mergedDir, { recursive: true });
  for (const pair of pairs) {
    const [live, merged] = masked(pair);
    const file = diffFileName(pair);
    if (live) await writeFile(path.join(liveDir, file), yamlOf(live, pair.type));
    if (merged) await writeFile(path.join(mergedDir, file), yamlOf(merged, pair.type));
  }
}

function yamlOf(object: KubeObject, type: ResourceType): string {
  return formatValue(withoutManagedFields(withTypeMeta(object, type)), 'yaml');
}

/** The pair with a Secret's `data` and `stringData` values masked. */
function masked(pair: DiffPair): [KubeObject | undefined, KubeObject | undefined] {
  if (pair.type.kind !== 'Secret' || pair.type.group !== '') return [pair.live, pair.merged];
  let [live, merged] = [pair.live, pair.merged];
  for (const field of ['data', 'stringData'] as const) {
    const before = valuesOf(live, field);
    const after = valuesOf(merged, field);
    const maskedBefore: Record<string, string> = {};
    const maskedAfter: Record<string, string> = {};
    for (const key of Object.keys(before)) {
      const same = after[key] === before[key];
      maskedBefore[key] = same ? '***' : '*** (before)';
    }
    for (const key of Object.keys(after)) {
      const same = before[key] === after[key];
      maskedAfter[key] = same ? '***' : '*** (after)';
    }
    if (live && field in live) live = { ...live, [field]: maskedBefore };
    if (merged && field in merged) merged = { ...merged, [field]: maskedAfter };
  }
  return [live, merged];
}

function valuesOf(
  object: KubeObject | undefined,
  field: 'data' | 'stringData',
): Record<string, unknown> {
  const values = (object as Record<string, unknown> | undefined)?.[field];
  return typeof values === 'object' && values !== null ? (values as Record<string, unknown>) : {};
}
