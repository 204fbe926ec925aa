// Upgrade requests (kubectl's WebSocket exec) served by the same app as every
// other request: Node hands an `Upgrade:` request to the server's 'upgrade'
// event with a bare socket, so it is given a ServerResponse over that socket
// and passed to the app. Authentication, routing and the pod's checks run as
// for any request, and an error is answered as a normal HTTP Status; only the
// handler that accepts the upgrade (pods/exec) takes the socket over.

import type { IncomingMessage, RequestListener, Server } from 'node:http';
import { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

interface PendingUpgrade {
  readonly socket: Socket;
  readonly head: Buffer;
  readonly endOnFinish: () => void;
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade>();

/** Serves upgrade requests on `server` with `handler`, as the file's header says. */
export function serveUpgrades(server: Server, handler: RequestListener): void {
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // An http(s) server's upgrade socket is a net.Socket (a TLSSocket is one).
    if (!(socket instanceof Socket)) return void socket.destroy();
    const response = new ServerResponse(request);
    response.shouldKeepAlive = false;
    response.assignSocket(socket);
    // An answer that is not an upgrade ends the connection (nothing else can follow it).
    const endOnFinish = (): void => void socket.end();
    response.once('finish', endOnFinish);
    pending.set(request, { socket, head, endOnFinish });
    socket.on('error', () => socket.destroy());
    handler(request, response);
  });
}

/**
 * Takes over the socket of an upgrade request from its ServerResponse: the
 * caller now speaks the upgraded protocol on it. Undefined for a request that
 * did not come through serveUpgrades.
 */
export function takeUpgrade(
  request: IncomingMessage,
  response: ServerResponse,
): { socket: Socket; head: Buffer } | undefined {
  const upgrade = pending.get(request);
  if (!upgrade) return undefined;
  pending.delete(request);
  response.off('finish', upgrade.endOnFinish);
  response.detachSocket(upgrade.socket);
  return { socket: upgrade.socket, head: upgrade.head };
}
