// Where container logs live on the node: the kubelet's layout,
//
//   <root>/<namespace>_<pod>_<podUid>/<container>/<restartCount>.log
//
// and the files rotation leaves beside each run's log:
// `<restartCount>.log.<YYYYMMDD-hhmmss>` (the kubelet's timestamp, UTC here),
// with `.<n>` added when a run rotates twice within a second.

import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** The pod a log directory belongs to. */
export interface PodLogRef {
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
}

/** `<root>/<namespace>_<pod>_<podUid>`. */
export function podLogDir(root: string, ref: PodLogRef): string {
  return path.join(root, `${ref.namespace}_${ref.pod}_${ref.podUid}`);
}

/** `<root>/<namespace>_<pod>_<podUid>/<container>`. */
export function containerLogDir(root: string, ref: PodLogRef & { container: string }): string {
  return path.join(podLogDir(root, ref), ref.container);
}

/** The live log of run `restartCount` in a container's directory. */
export function runLogPath(dir: string, restartCount: number): string {
  return path.join(dir, `${restartCount}.log`);
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The runs (restart counts) that have a log in `dir`, in ascending order. */
export async function listRuns(dir: string): Promise<number[]> {
  return (await entries(dir))
    .map((name) => /^(\d+)\.log$/.exec(name)?.[1])
    .filter((count): count is string => count !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

interface RotatedName {
  readonly name: string;
  readonly stamp: string;
  readonly sequence: number;
}

function rotatedNames(names: readonly string[], restartCount: number): RotatedName[] {
  const pattern = new RegExp(`^${restartCount}\\.log\\.(\\d{8}-\\d{6})(?:\\.(\\d+))?$`);
  return names
    .map((name) => {
      const match = pattern.exec(name);
      return match ? { name, stamp: match[1] ?? '', sequence: Number(match[2] ?? 0) } : undefined;
    })
    .filter((rotated): rotated is RotatedName => rotated !== undefined)
    .sort((a, b) => a.stamp.localeCompare(b.stamp) || a.sequence - b.sequence);
}

/** The rotated logs of run `restartCount` in `dir`: file names, oldest first. */
export async function listRotated(dir: string, restartCount: number): Promise<string[]> {
  return rotatedNames(await entries(dir), restartCount).map((rotated) => rotated.name);
}

/** The kubelet's rotation timestamp (`20060102-150405`), in UTC. */
function rotationStamp(time: Date): string {
  const iso = time.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/**
 * The name run `restartCount`'s log gets when rotated at `time`: after every
 * name in `existing` in rotation order, even when earlier ones of the same
 * second were removed.
 */
export function rotatedName(restartCount: number, time: Date, existing: readonly string[]): string {
  const stamp = rotationStamp(time);
  const sameSecond = rotatedNames(existing, restartCount).filter((r) => r.stamp === stamp);
  if (sameSecond.length === 0) return `${restartCount}.log.${stamp}`;
  const sequence = Math.max(...sameSecond.map((r) => r.sequence)) + 1;
  return `${restartCount}.log.${stamp}.${sequence}`;
}
