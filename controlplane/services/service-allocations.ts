// Cluster IPs and node ports of Services, allocated by the API server as
// Kubernetes' does: a free address of the service CIDR (10.96.0.0/12, where
// 10.96.0.1 is the `kubernetes` Service's) and, for NodePort and LoadBalancer
// Services, a free port of 30000-32767 per service port. A value the user gave
// is checked (in range, not taken) instead.
//
// Each allocation is a key of its own in the store (`/registry/ranges/...`),
// created before the Service and deleted after it: the store's create is the
// lock, so two Services never get the same IP. A crash between the two writes
// can leak an allocation; Kubernetes repairs its ranges with a periodic loop,
// and so will Skiff's controllers (a later issue).

import { invalid, type FieldError } from '../api/errors.js';
import { invalidValue } from '../api/validation/field-errors.js';
import type { KubeObject } from '../api/types.js';
import type { Store } from '../store/types.js';
import { claim, claimFree, release } from './range-claims.js';
import { isRecord } from './object-utils.js';
import type { ObjectAllocator } from './strategies/strategy.js';

/** Kubernetes' default service CIDR. */
export const SERVICE_CIDR = '10.96.0.0/12';
const CIDR_BASE = (10 << 24) | (96 << 16);
const CIDR_SIZE = 1 << 20;
/** Kubernetes' default node port range. */
export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;
const IP_PREFIX = '/registry/ranges/serviceips/';
const PORT_PREFIX = '/registry/ranges/servicenodeports/';

/** What was allocated for one Service: released together when its create fails. */
export interface Allocation {
  readonly keys: readonly string[];
}

function ipOf(offset: number): string {
  const value = (CIDR_BASE + offset) >>> 0;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function offsetOf(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return undefined;
  const value =
    (((parts[0] ?? 0) << 24) |
      ((parts[1] ?? 0) << 16) |
      ((parts[2] ?? 0) << 8) |
      (parts[3] ?? 0)) >>>
    0;
  const offset = value - (CIDR_BASE >>> 0);
  // The network and broadcast addresses are never handed out.
  return offset > 0 && offset < CIDR_SIZE - 1 ? offset : undefined;
}

function serviceSpec(service: KubeObject): Record<string, unknown> {
  const spec = service['spec'];
  return isRecord(spec) ? spec : {};
}

function servicePorts(spec: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(spec['ports']) ? spec['ports'].filter(isRecord) : [];
}

function owner(service: KubeObject): string {
  return `${service.metadata.namespace ?? ''}/${service.metadata.name ?? ''}`;
}

function usesNodePorts(spec: Record<string, unknown>): boolean {
  return spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer';
}

function needsClusterIP(spec: Record<string, unknown>): boolean {
  return spec['type'] !== 'ExternalName' && spec['clusterIP'] !== 'None';
}

const ipKey = (offset: number) => `${IP_PREFIX}${ipOf(offset)}`;
const portKey = (port: number) => `${PORT_PREFIX}${port}`;

async function allocateClusterIP(
  store: Store,
  service: KubeObject,
  spec: Record<string, unknown>,
  keys: string[],
  errors: FieldError[],
): Promise<void> {
  const requested = spec['clusterIP'];
  if (typeof requested === 'string' && requested !== '') {
    const offset = offsetOf(requested);
    if (offset === undefined) {
      errors.push(
        invalidValue(
          'spec.clusterIPs',
          [requested],
          `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`,
        ),
      );
    } else if (await claim(store, ipKey(offset), owner(service))) {
      keys.push(ipKey(offset));
    } else {
      errors.push(
        invalidValue(
          'spec.clusterIPs',
          [requested],
          `failed to allocate IP ${requested}: provided IP is already allocated`,
        ),
      );
    }
    spec['clusterIPs'] = [requested];
    return;
  }
  // Offsets 0 and 1 (the network, the `kubernetes` Service) are never drawn.
  const drawn = await claimFree(
    store,
    IP_PREFIX,
    CIDR_SIZE - 3,
    (n) => ipKey(n + 2),
    owner(service),
  );
  if (drawn === undefined) {
    errors.push(
      invalidValue('spec.clusterIPs', [], `failed to allocate IP: range ${SERVICE_CIDR} is full`),
    );
    return;
  }
  keys.push(ipKey(drawn + 2));
  spec['clusterIP'] = ipOf(drawn + 2);
  spec['clusterIPs'] = [ipOf(drawn + 2)];
}

async function allocateNodePorts(
  store: Store,
  service: KubeObject,
  ports: Record<string, unknown>[],
  keys: string[],
  errors: FieldError[],
): Promise<void> {
  const size = NODE_PORT_RANGE.last - NODE_PORT_RANGE.first + 1;
  for (const [i, port] of ports.entries()) {
    const requested = port['nodePort'];
    const field = `spec.ports[${i}].nodePort`;
    if (typeof requested === 'number' && requested !== 0) {
      if (requested < NODE_PORT_RANGE.first || requested > NODE_PORT_RANGE.last) {
        errors.push(
          invalidValue(
            field,
            requested,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`,
          ),
        );
      } else if (
        keys.includes(portKey(requested)) ||
        (await claim(store, portKey(requested), owner(service)))
      ) {
        if (!keys.includes(portKey(requested))) keys.push(portKey(requested));
      } else {
        errors.push(invalidValue(field, requested, 'provided port is already allocated'));
      }
      continue;
    }
    const drawn = await claimFree(
      store,
      PORT_PREFIX,
      size,
      (n) => portKey(NODE_PORT_RANGE.first + n),
      owner(service),
    );
    if (drawn === undefined) {
      errors.push(invalidValue(field, 0, 'failed to allocate a node port: the range is full'));
      continue;
    }
    keys.push(portKey(NODE_PORT_RANGE.first + drawn));
    port['nodePort'] = NODE_PORT_RANGE.first + drawn;
  }
}

/**
 * Fills in the cluster IP and node ports of a Service about to be created
 * (mutating it) and claims them. Throws 422 Invalid naming the field, having
 * claimed nothing, when a requested value is out of range or taken.
 */
export async function allocateForCreate(store: Store, service: KubeObject): Promise<Allocation> {
  const spec = serviceSpec(service);
  const keys: string[] = [];
  const errors: FieldError[] = [];
  if (needsClusterIP(spec)) await allocateClusterIP(store, service, spec, keys, errors);
  if (usesNodePorts(spec))
    await allocateNodePorts(store, service, servicePorts(spec), keys, errors);
  if (errors.length > 0) {
    await release(store, keys);
    throw invalid('Service', service.metadata.name ?? '', errors);
  }
  return { keys };
}

/** The keys a stored Service holds. */
function heldKeys(service: KubeObject): string[] {
  const spec = serviceSpec(service);
  const keys: string[] = [];
  const ip = typeof spec['clusterIP'] === 'string' ? offsetOf(spec['clusterIP']) : undefined;
  if (ip !== undefined) keys.push(ipKey(ip));
  for (const port of servicePorts(spec)) {
    if (typeof port['nodePort'] === 'number') keys.push(portKey(port['nodePort']));
  }
  return keys;
}

/**
 * An update keeps what the Service holds: a cluster IP the update leaves out
 * is carried over (changing it is refused, as in Kubernetes), and so is the
 * node port of a port that still exists; new ports of a NodePort Service get
 * one. Resolves with the keys to release once the update is stored (ports
 * removed, type changed to ClusterIP) and the allocation to undo if it is not.
 */
export async function allocateForUpdate(
  store: Store,
  service: KubeObject,
  old: KubeObject,
): Promise<{ readonly allocation: Allocation; readonly releaseAfter: readonly string[] }> {
  const spec = serviceSpec(service);
  const oldSpec = serviceSpec(old);
  const errors: FieldError[] = [];
  if (needsClusterIP(spec)) {
    if (spec['clusterIP'] === undefined || spec['clusterIP'] === '') {
      if (oldSpec['clusterIP'] !== undefined) spec['clusterIP'] = oldSpec['clusterIP'];
      if (oldSpec['clusterIPs'] !== undefined) spec['clusterIPs'] = oldSpec['clusterIPs'];
    } else if (oldSpec['clusterIP'] !== undefined && spec['clusterIP'] !== oldSpec['clusterIP']) {
      errors.push(invalidValue('spec.clusterIPs[0]', spec['clusterIP'], 'may not change once set'));
    }
  }
  if (errors.length > 0) throw invalid('Service', service.metadata.name ?? '', errors);

  const keys: string[] = [];
  if (usesNodePorts(spec)) {
    const oldPorts = servicePorts(oldSpec);
    const held = new Set(heldKeys(old));
    const fresh: Record<string, unknown>[] = [];
    for (const port of servicePorts(spec)) {
      const previous = oldPorts.find(
        (p) =>
          p['port'] === port['port'] && (p['protocol'] ?? 'TCP') === (port['protocol'] ?? 'TCP'),
      );
      if (
        (port['nodePort'] === undefined || port['nodePort'] === 0) &&
        typeof previous?.['nodePort'] === 'number'
      ) {
        port['nodePort'] = previous['nodePort'];
      }
      if (typeof port['nodePort'] !== 'number' || !held.has(portKey(port['nodePort'])))
        fresh.push(port);
    }
    const portErrors: FieldError[] = [];
    await allocateNodePorts(store, service, fresh, keys, portErrors);
    if (portErrors.length > 0) {
      await release(store, keys);
      throw invalid('Service', service.metadata.name ?? '', portErrors);
    }
  }
  const now = new Set(heldKeys(service));
  return { allocation: { keys }, releaseAfter: heldKeys(old).filter((key) => !now.has(key)) };
}

/** Frees what a failed write claimed, or what an update no longer holds. */
export async function releaseAllocation(store: Store, keys: readonly string[]): Promise<void> {
  await release(store, keys);
}

/** Frees what a Service held, once it left the store for good. */
export async function releaseService(store: Store, service: KubeObject): Promise<void> {
  await release(store, heldKeys(service));
}

/** The allocator of the Service strategy. */
export const serviceAllocator: ObjectAllocator = {
  async allocate(store, object) {
    return (await allocateForCreate(store, object)).keys;
  },
  async reallocate(store, object, old) {
    const { allocation, releaseAfter } = await allocateForUpdate(store, object, old);
    return { claimed: allocation.keys, releaseAfter };
  },
  undo: (store, claims) => releaseAllocation(store, claims),
  release: (store, object) => releaseService(store, object),
};
