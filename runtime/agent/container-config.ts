// From a Kubernetes container to what a runtime starts: arguments, the
// environment (literal values, the downward API, ConfigMap and Secret keys,
// envFrom), mounts of the pod's volumes, ports and the memory limit. The
// kubelet's kuberuntime_container.go does this for the CRI.

import path from 'node:path';
import type { ClusterApi } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { Container, Pod } from '../../controlplane/api/generated/index.js';
import {
  parseByteQuantity,
  parseQuantity,
  quantityMilliValue,
  quantityValue,
} from '../../controlplane/api/quantity.js';
import { resourceTypeForKind, type ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import type { ContainerSpec, EnvVar, Mount, ResolvedImage } from '../runtime.js';
import type { PreparedVolume } from './pod-volumes.js';

/** A container that cannot be configured: the kubelet's `CreateContainerConfigError`. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** What the downward API may read besides the pod object. */
export interface PodRuntimeFacts {
  readonly podIP: string;
  readonly hostIP: string;
}

type Lookup = (kind: 'ConfigMap' | 'Secret', name: string) => Promise<KubeObject | undefined>;

function lookupIn(api: ClusterApi, namespace: string): Lookup {
  const cache = new Map<string, Promise<KubeObject | undefined>>();
  return (kind, name) => {
    const key = `${kind}/${name}`;
    let found = cache.get(key);
    if (!found) {
      found = api
        .resource(resourceTypeForKind(kind) as ResourceType)
        .get(name, { namespace })
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status.code === 404) return undefined;
          throw error;
        });
      cache.set(key, found);
    }
    return found;
  };
}

function decoded(object: KubeObject): Record<string, string> {
  const data = object['data'];
  const out: Record<string, string> = {};
  if (!data || typeof data !== 'object') return out;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') continue;
    out[key] = object.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
  }
  return out;
}

/** The downward API's `fieldRef` paths, as the kubelet resolves them. */
function fieldValue(pod: Pod, fieldPath: string, facts: PodRuntimeFacts): string {
  const meta = pod.metadata;
  const map = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (map) return (map[1] === 'labels' ? meta.labels : meta.annotations)?.[map[2] ?? ''] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return facts.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return facts.hostIP;
    default:
      throw new ContainerConfigError(`unsupported fieldRef fieldPath "${fieldPath}"`);
  }
}

/** `resourceFieldRef`: a request or limit of a container, divided by `divisor` and rounded up. */
function resourceValue(
  container: Container,
  resource: string,
  divisor: string | number = '1',
): string {
  const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
  const quantity = container.resources?.[kind]?.[name];
  if (!quantity) return kind === 'limits' && name === 'cpu' ? String(1) : '0';
  const value = parseQuantity(String(quantity));
  const by = parseQuantity(String(divisor));
  if (name === 'cpu') {
    const milli = quantityMilliValue(value);
    const byMilli = quantityMilliValue(by);
    return String((milli + byMilli - 1n) / byMilli);
  }
  const whole = quantityValue(value);
  const byWhole = quantityValue(by) || 1n;
  return String((whole + byWhole - 1n) / byWhole);
}

async function environment(
  pod: Pod,
  container: Container,
  lookup: Lookup,
  facts: PodRuntimeFacts,
): Promise<EnvVar[]> {
  const values = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const object = await lookup(kind, ref?.name ?? '');
    if (!object) {
      if (ref?.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref?.name ?? ''}" not found`);
    }
    for (const [key, value] of Object.entries(decoded(object)))
      values.set(`${source.prefix ?? ''}${key}`, value);
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      values.set(variable.name, expand(variable.value ?? '', values));
      continue;
    }
    if (from.fieldRef) {
      values.set(variable.name, fieldValue(pod, from.fieldRef.fieldPath, facts));
    } else if (from.resourceFieldRef) {
      const { containerName, resource, divisor } = from.resourceFieldRef;
      const target =
        (containerName
          ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
              (c) => c.name === containerName,
            )
          : undefined) ?? container;
      values.set(variable.name, resourceValue(target, resource, divisor));
    } else {
      const selector = from.configMapKeyRef ?? from.secretKeyRef;
      const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const object = await lookup(kind, selector?.name ?? '');
      const value = object ? decoded(object)[selector?.key ?? ''] : undefined;
      if (value === undefined) {
        if (selector?.optional) continue;
        throw new ContainerConfigError(
          object
            ? `couldn't find key ${selector?.key ?? ''} in ${kind} ${pod.metadata.namespace ?? ''}/${selector?.name ?? ''}`
            : `${kind.toLowerCase()} "${selector?.name ?? ''}" not found`,
        );
      }
      values.set(variable.name, value);
    }
  }
  return [...values].map(([name, value]) => ({ name, value }));
}

/** Kubernetes' `$(VAR)` expansion of env values from earlier variables; `$$` escapes. */
export function expand(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g,
    (match, name: string | undefined) => (name === undefined ? '$' : (values.get(name) ?? match)),
  );
}

function mounts(container: Container, volumes: ReadonlyMap<string, PreparedVolume>): Mount[] {
  return (container.volumeMounts ?? []).map((mount) => {
    const volume = volumes.get(mount.name);
    if (!volume) throw new ContainerConfigError(`volume "${mount.name}" is not prepared`);
    const sub = mount.subPath ?? '';
    if (path.isAbsolute(sub) || sub.split('/').includes('..'))
      throw new ContainerConfigError(`subPath "${sub}" must be relative without ".."`);
    return {
      guestPath: mount.mountPath,
      hostPath: sub ? path.join(volume.hostPath, sub) : volume.hostPath,
      readOnly: volume.readOnly || mount.readOnly === true,
    };
  });
}

/** Everything the runtime needs to start `container` of `pod` from `image`. */
export async function containerSpecFor(options: {
  readonly api: ClusterApi;
  readonly pod: Pod;
  readonly container: Container;
  readonly image: ResolvedImage;
  readonly volumes: ReadonlyMap<string, PreparedVolume>;
  readonly facts: PodRuntimeFacts;
}): Promise<ContainerSpec> {
  const { pod, container, image } = options;
  const lookup = lookupIn(options.api, pod.metadata.namespace ?? 'default');
  const env = await environment(pod, container, lookup, options.facts);
  const values = new Map(env.map((v) => [v.name, v.value]));
  const memory = container.resources?.limits?.['memory'];
  return {
    name: container.name,
    image,
    ...(container.command ? { command: container.command.map((a) => expand(a, values)) } : {}),
    ...(container.args ? { args: container.args.map((a) => expand(a, values)) } : {}),
    env,
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    mounts: mounts(container, options.volumes),
    ports: (container.ports ?? []).map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol ?? 'TCP',
      ...(p.name ? { name: p.name } : {}),
    })),
    resources: memory === undefined ? {} : { memoryLimitBytes: parseByteQuantity(String(memory)) },
  };
}
