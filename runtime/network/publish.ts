// Published ports (`docker run -p`, later a Service's NodePort): a real TCP
// listener on the host whose connections are handed to a port of a pod's
// namespace.

import net from 'node:net';
import type { PodNetwork } from './pod-network.js';
import { NetworkError } from './pod-network.js';

/** `[hostIP:]hostPort:containerPort`, as `docker run --publish` takes it. */
export interface PortPublication {
  readonly hostIP: string;
  readonly hostPort: number;
  readonly containerPort: number;
}

/** A listening published port. `address` reports the real port when hostPort was 0. */
export interface PublishedPort {
  readonly publication: PortPublication;
  address(): { host: string; port: number };
  close(): Promise<void>;
}

const PUBLISH_SYNTAX =
  /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|localhost):)?(\d{1,5}):(\d{1,5})(?:\/tcp)?$/;

/**
 * Parses a `--publish` value. The host IP defaults to 127.0.0.1: Skiff does not
 * expose guests beyond the machine unless asked to.
 */
export function parsePublication(text: string): PortPublication {
  const match = PUBLISH_SYNTAX.exec(text);
  if (!match) {
    throw new RangeError(`"${text}" is not [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp]`);
  }
  const [, ip, hostPortText = '', containerPortText = ''] = match;
  const hostPort = Number(hostPortText);
  const containerPort = Number(containerPortText);
  if (hostPort > 65535) throw new RangeError(`host port ${hostPort} is outside 0-65535`);
  if (containerPort < 1 || containerPort > 65535) {
    throw new RangeError(`container port ${containerPort} is outside 1-65535`);
  }
  const hostIP = ip === undefined || ip === 'localhost' ? '127.0.0.1' : ip.replace(/^\[|\]$/g, '');
  return { hostIP, hostPort, containerPort };
}

/**
 * Listens on the host and forwards each accepted connection into `network` at
 * the container port. A connection to a port nobody listens on in the pod is
 * reset, as a connection to a closed port would be.
 */
export async function publishPort(
  network: PodNetwork,
  publication: PortPublication,
): Promise<PublishedPort> {
  const connections = new Set<net.Socket>();
  // noDelay: responses go out in several writes; Nagle would hold each back ~40 ms.
  const server = net.createServer({ noDelay: true }, (socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    try {
      network.deliver(publication.containerPort, socket);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      socket.resetAndDestroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(publication.hostPort, publication.hostIP, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    publication,
    address() {
      const address = server.address();
      if (address === null || typeof address === 'string')
        throw new Error('server is not listening');
      return { host: address.address, port: address.port };
    },
    close() {
      // Unpublishing a port ends its connections too, as Docker's proxy does.
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
      });
    },
  };
}
