// The network namespace of one pod, as the runtimes see it.
//
// Pod IPs are virtual: nothing here opens an OS socket on a pod IP. A container
// that serves binds a port in its pod's namespace and receives connections as
// Node duplex streams; whoever brings traffic in (a published host port today,
// the node fabric and service proxy later) delivers connections to that port.

import type { Duplex } from 'node:stream';

/** Receives one accepted connection; the listener owns the socket from then on. */
export type ConnectionHandler = (socket: Duplex) => void;

/** A bound port; closing it frees the port for another bind. */
export interface PortBinding {
  readonly port: number;
  close(): void;
}

/** Thrown for socket-level failures, with Node's error codes (`EADDRINUSE`, ...). */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly code: 'EADDRINUSE' | 'ECONNREFUSED' | 'EINVAL',
    message: string,
  ) {
    super(message);
  }
}

/**
 * One pod's network namespace: one IP and one TCP port space shared by all of
 * the pod's containers.
 */
export interface PodNetwork {
  /** The pod's IP (virtual), as reported in `status.podIP`. */
  readonly podIP: string;
  /**
   * Binds `port` (1..65535) in the namespace. Throws `NetworkError` EADDRINUSE when
   * another container of the pod already holds it, as Kubernetes would.
   */
  listen(port: number, onConnection: ConnectionHandler): PortBinding;
  /**
   * Hands an established connection to whoever listens on `port`. Throws
   * `NetworkError` ECONNREFUSED when nobody does; the caller then closes `socket`.
   */
  deliver(port: number, socket: Duplex): void;
  /** True when something listens on `port`. */
  isListening(port: number): boolean;
}
