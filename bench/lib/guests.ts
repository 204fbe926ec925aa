// The samples and a sandbox to run them in, for benchmarks.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  ContainerHandle,
  ContainerSpec,
  PodSandbox,
  ResolvedImage,
} from '../../runtime/index.js';
import { VirtualPodNetwork } from '../../runtime/index.js';

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'samples'))) dir = path.dirname(dir);
  return dir;
}

export const samples = {
  busybox: path.join(repoRoot(), 'samples', 'busybox', 'busybox.wasm'),
  kubia: path.join(repoRoot(), 'samples', 'kubia', 'kubia.wasm'),
};

export function sandbox(hostname = 'bench'): PodSandbox {
  return {
    id: randomBytes(8).toString('hex'),
    name: hostname,
    namespace: 'default',
    hostname,
    network: new VirtualPodNetwork('10.244.0.1'),
  };
}

export function spec(
  image: ResolvedImage,
  args: string[],
  extra: Partial<ContainerSpec> = {},
): ContainerSpec {
  return { name: 'bench', image, args, env: [], mounts: [], ports: [], resources: {}, ...extra };
}

/** Resolves at the container's first output (the guest is running by then). */
export async function firstOutput(handle: ContainerHandle): Promise<void> {
  const iterator = handle.logs({ follow: true })[Symbol.asyncIterator]();
  await iterator.next();
  await iterator.return?.();
}
