// Where the API server reaches a node's agent (the kubelet's port), read from
// the Node as kube-apiserver's NodeConnectionInfoGetter reads it: the first
// address of the preferred types, and status.daemonEndpoints.kubeletEndpoint.Port
// (10250 when unset).

import { internalError } from '../api/errors.js';
import type { Node, NodeAddress } from '../api/generated/node.js';

/** The kubelet's port, used when the Node does not say. */
export const DEFAULT_KUBELET_PORT = 10250;

/**
 * Address types in order of preference: InternalIP first (a name may not
 * resolve from the API server's machine), then Hostname, then the others.
 */
const PREFERRED: readonly NodeAddress['type'][] = [
  'InternalIP',
  'Hostname',
  'InternalDNS',
  'ExternalIP',
  'ExternalDNS',
];

/** `https://10.0.0.5:10250`: the origin of `node`'s agent. Throws a 500 when the Node has no address. */
export function nodeAgentOrigin(node: Node, scheme: 'https' | 'http'): string {
  const addresses = node.status?.addresses ?? [];
  const address = PREFERRED.map((type) => addresses.find((a) => a.type === type && a.address)).find(
    (found) => found !== undefined,
  )?.address;
  if (address === undefined) {
    const known = addresses.map((a) => `{${a.type} ${a.address}}`).join(' ');
    throw internalError(`no preferred addresses found; known addresses: [${known}]`);
  }
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const host = address.includes(':') ? `[${address}]` : address;
  return `${scheme}://${host}:${port && port > 0 ? port : DEFAULT_KUBELET_PORT}`;
}
