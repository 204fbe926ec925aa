// Pod CIDRs of Nodes, allocated by the API server when a Node is created, as
// kube-controller-manager's node IPAM does with --allocate-node-cidrs: each
// node gets the lowest free /20 of the cluster CIDR 10.224.0.0/12, from which
// its agent hands out pod IPs. Kubernetes' usual /24 per node caps a node at
// 254 pods; Skiff nodes aim at thousands of small Wasm pods, hence /20 (4,094
// pod IPs, 256 nodes). A podCIDR the node asks for is checked (in range, not
// held by another node).
// Doing it at create, with the store as the lock, means two nodes joining at
// once never share a range, with no controller to wait for.

import { invalid } from '../api/errors.js';
import { invalidValue } from '../api/validation/field-errors.js';
import type { KubeObject } from '../api/types.js';
import type { Store } from '../store/types.js';
import { isRecord } from './object-utils.js';
import { claim, claimLowest, release } from './range-claims.js';
import type { ObjectAllocator } from './strategies/strategy.js';

/** The cluster's pod network, split into one /20 per node. */
export const CLUSTER_CIDR = '10.224.0.0/12';
export const NODE_CIDR_MASK = 20;
const NODE_CIDRS = 256;
const PREFIX = '/registry/ranges/podcidrs/';

/** Node CIDR n: 10.(224 + n / 16).((n % 16) * 16).0/20. */
function cidrOf(n: number): string {
  return `10.${224 + Math.floor(n / 16)}.${(n % 16) * 16}.0/${NODE_CIDR_MASK}`;
}
const keyOf = (n: number) => `${PREFIX}${cidrOf(n).replace('/', '-')}`;

/** The index of a node CIDR of the cluster CIDR, or undefined for anything else. */
function indexOf(cidr: string): number | undefined {
  const match = /^10\.(\d{1,3})\.(\d{1,3})\.0\/20$/.exec(cidr);
  if (!match) return undefined;
  const [second, third] = [Number(match[1]), Number(match[2])];
  if (second < 224 || second > 239 || third % 16 !== 0 || third > 255) return undefined;
  return (second - 224) * 16 + third / 16;
}

function nodeSpec(node: KubeObject): Record<string, unknown> {
  if (!isRecord(node['spec'])) node['spec'] = {};
  return node['spec'] as Record<string, unknown>;
}

function heldKeys(node: KubeObject): string[] {
  const cidr = isRecord(node['spec']) ? node['spec']['podCIDR'] : undefined;
  const n = typeof cidr === 'string' ? indexOf(cidr) : undefined;
  return n === undefined ? [] : [keyOf(n)];
}

async function allocate(store: Store, node: KubeObject): Promise<readonly string[]> {
  const spec = nodeSpec(node);
  const name = node.metadata.name ?? '';
  const requested = spec['podCIDR'];
  if (typeof requested === 'string' && requested !== '') {
    const n = indexOf(requested);
    if (n === undefined) {
      throw invalid('Node', name, [
        invalidValue(
          'spec.podCIDR',
          requested,
          `must be a /${NODE_CIDR_MASK} of the cluster CIDR ${CLUSTER_CIDR}`,
        ),
      ]);
    }
    if (!(await claim(store, keyOf(n), name))) {
      throw invalid('Node', name, [
        invalidValue('spec.podCIDR', requested, 'is already allocated to another node'),
      ]);
    }
    spec['podCIDRs'] = [requested];
    return [keyOf(n)];
  }
  const n = await claimLowest(store, PREFIX, NODE_CIDRS, keyOf, name);
  if (n === undefined) {
    throw invalid('Node', name, [
      invalidValue(
        'spec.podCIDR',
        '',
        `no free /${NODE_CIDR_MASK} is left in the cluster CIDR ${CLUSTER_CIDR}`,
      ),
    ]);
  }
  spec['podCIDR'] = cidrOf(n);
  spec['podCIDRs'] = [cidrOf(n)];
  return [keyOf(n)];
}

/** The allocator of the Node strategy: a podCIDR, kept for the node's life. */
export const nodeAllocator: ObjectAllocator = {
  allocate,
  async reallocate(_store, node, old) {
    const oldSpec = isRecord(old['spec']) ? old['spec'] : {};
    const spec = nodeSpec(node);
    const name = node.metadata.name ?? '';
    if (oldSpec['podCIDR'] !== undefined) {
      if (spec['podCIDR'] !== undefined && spec['podCIDR'] !== oldSpec['podCIDR']) {
        throw invalid('Node', name, [
          invalidValue(
            'spec.podCIDR',
            spec['podCIDR'],
            'node updates may not change podCIDR except from "" to valid',
          ),
        ]);
      }
      spec['podCIDR'] = oldSpec['podCIDR'];
      spec['podCIDRs'] = oldSpec['podCIDRs'] ?? [oldSpec['podCIDR']];
    }
    return { claimed: [], releaseAfter: [] };
  },
  undo: (store, claims) => release(store, claims),
  release: (store, node) => release(store, heldKeys(node)),
};
