// The port a probe dials: a number, or the name of one of the container's ports.

import type { NamedPort } from './probe-target.js';

/**
 * Resolves a probe's `port` as the kubelet does (pkg/probe ResolveContainerPort):
 * a number is taken as is; a string is the name of a declared port, or else a
 * number written as a string. Throws `port NAME not found` for an unknown name
 * and `invalid port number: N` outside 1-65535.
 */
export function resolveProbePort(port: number | string, ports: readonly NamedPort[]): number {
  const resolved = typeof port === 'number' ? port : portNamed(port, ports);
  if (!Number.isInteger(resolved) || resolved < 1 || resolved > 65535) {
    throw new Error(`invalid port number: ${resolved}`);
  }
  return resolved;
}

function portNamed(name: string, ports: readonly NamedPort[]): number {
  const named = ports.find((candidate) => candidate.name === name);
  if (named) return named.containerPort;
  // The kubelet's last resort: a number stored as a string.
  if (/^[+-]?\d+$/.test(name)) return Number(name);
  throw new Error(`port ${name} not found`);
}
