// A pod's volumes on the node, as the kubelet's volume manager lays them out:
// emptyDir and the files of configMap and secret volumes live under the pod's
// own directory and go with the pod; hostPath is the node's directory itself.
// Containers then see them as mounts (directories shared into the sandbox).

import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClusterApi } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { KeyToPath, Pod, Volume } from '../../controlplane/api/generated/index.js';
import { resourceTypeForKind, type ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';

/** A volume ready to mount: the host directory behind it. */
export interface PreparedVolume {
  readonly name: string;
  readonly hostPath: string;
  /** configMap and secret volumes are read-only whatever the mount says, as in Kubernetes. */
  readonly readOnly: boolean;
}

/** A volume that cannot be set up; the kubelet reports it as a FailedMount event. */
export class VolumeError extends Error {
  override readonly name = 'VolumeError';
}

/** `<podDir>/volumes/<plugin>/<name>`, the kubelet's layout. */
function volumeDir(podDir: string, plugin: string, name: string): string {
  return path.join(podDir, 'volumes', plugin, name);
}

async function getOptional(
  api: ClusterApi,
  kind: 'ConfigMap' | 'Secret',
  name: string,
  namespace: string,
): Promise<KubeObject | undefined> {
  try {
    return await api.resource(resourceTypeForKind(kind) as ResourceType).get(name, { namespace });
  } catch (error) {
    if (error instanceof ApiError && error.status.code === 404) return undefined;
    throw error;
  }
}

/** The files of a configMap/secret volume: every key, or the chosen `items`. */
async function writeKeys(
  dir: string,
  data: Record<string, Buffer>,
  items: readonly KeyToPath[] | undefined,
  what: string,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const chosen = items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const item of chosen) {
    const bytes = data[item.key];
    if (bytes === undefined) throw new VolumeError(`${what}: key "${item.key}" not found`);
    if (path.isAbsolute(item.path) || item.path.split('/').includes('..'))
      throw new VolumeError(`${what}: path "${item.path}" must be relative without ".."`);
    const file = path.join(dir, item.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
}

function stringData(object: KubeObject, field: 'data' | 'binaryData'): Record<string, Buffer> {
  const values = object[field];
  const out: Record<string, Buffer> = {};
  if (values && typeof values === 'object') {
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string') continue;
      // Secrets' data and ConfigMaps' binaryData are base64 on the wire.
      const base64 = field === 'binaryData' || object.kind === 'Secret';
      out[key] = base64 ? Buffer.from(value, 'base64') : Buffer.from(value);
    }
  }
  return out;
}

async function prepareOne(
  api: ClusterApi,
  pod: Pod,
  podDir: string,
  volume: Volume,
): Promise<PreparedVolume | undefined> {
  const namespace = pod.metadata.namespace ?? 'default';
  const { name } = volume;
  if (volume.hostPath) {
    const { path: hostPath, type = '' } = volume.hostPath;
    if (type === 'DirectoryOrCreate') await mkdir(hostPath, { recursive: true });
    const info = await stat(hostPath).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new VolumeError(
        `hostPath type check failed: ${hostPath} is not a directory (Skiff mounts directories only)`,
      );
    }
    return { name, hostPath, readOnly: false };
  }
  if (volume.configMap || volume.secret) {
    const kind = volume.configMap ? 'ConfigMap' : 'Secret';
    const source = volume.configMap ?? volume.secret;
    const objectName = volume.configMap?.name ?? volume.secret?.secretName ?? '';
    const object = await getOptional(api, kind, objectName, namespace);
    const dir = volumeDir(podDir, kind === 'ConfigMap' ? 'configmap' : 'secret', name);
    if (!object) {
      if (source?.optional) {
        await mkdir(dir, { recursive: true });
        return { name, hostPath: dir, readOnly: true };
      }
      throw new VolumeError(
        `MountVolume.SetUp failed for volume "${name}" : ${kind.toLowerCase()} "${objectName}" not found`,
      );
    }
    const data = { ...stringData(object, 'binaryData'), ...stringData(object, 'data') };
    await writeKeys(dir, data, source?.items, `volume "${name}"`);
    return { name, hostPath: dir, readOnly: true };
  }
  // emptyDir, and the default when no source is given (Kubernetes defaults to emptyDir).
  const dir = volumeDir(podDir, 'empty-dir', name);
  await mkdir(dir, { recursive: true });
  return { name, hostPath: dir, readOnly: false };
}

/** Sets up every volume of `pod` under `podDir`. Throws VolumeError naming the volume. */
export async function preparePodVolumes(
  api: ClusterApi,
  pod: Pod,
  podDir: string,
): Promise<Map<string, PreparedVolume>> {
  const prepared = new Map<string, PreparedVolume>();
  for (const volume of pod.spec?.volumes ?? []) {
    const ready = await prepareOne(api, pod, podDir, volume);
    if (ready) prepared.set(volume.name, ready);
  }
  return prepared;
}

/** Removes what the pod's volumes left on the node (never a hostPath). */
export async function removePodDir(podDir: string): Promise<void> {
  await rm(podDir, { recursive: true, force: true });
}
