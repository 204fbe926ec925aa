// An in-process network namespace for one pod: a port table and nothing else.
//
// Connections arrive as Node duplex streams handed over by whoever brought the
// traffic in (see publish.ts); no OS socket is ever bound to the pod IP.

import type { Duplex } from 'node:stream';
import type { ConnectionHandler, PodNetwork, PortBinding } from './pod-network.js';
import { NetworkError } from './pod-network.js';

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new NetworkError('EINVAL', `port ${port} is outside 1-65535`);
  }
}

/** A pod's namespace held in memory. One instance per pod sandbox. */
export class VirtualPodNetwork implements PodNetwork {
  readonly #listeners = new Map<number, ConnectionHandler>();

  constructor(readonly podIP: string) {}

  listen(port: number, onConnection: ConnectionHandler): PortBinding {
    checkPort(port);
    if (this.#listeners.has(port)) {
      throw new NetworkError(
        'EADDRINUSE',
        `listen EADDRINUSE: address already in use ${this.podIP}:${port}`,
      );
    }
    this.#listeners.set(port, onConnection);
    let open = true;
    return {
      port,
      close: () => {
        if (open && this.#listeners.get(port) === onConnection) this.#listeners.delete(port);
        open = false;
      },
    };
  }

  deliver(port: number, socket: Duplex): void {
    const listener = this.#listeners.get(port);
    if (!listener) {
      throw new NetworkError('ECONNREFUSED', `connect ECONNREFUSED ${this.podIP}:${port}`);
    }
    listener(socket);
  }

  isListening(port: number): boolean {
    return this.#listeners.has(port);
  }
}
