// An in-memory connection: two duplex ends, what one writes the other reads.
// Node 20 has no `stream.duplexPair` (22.6 added it); a probe needs one to
// hand a connection to a pod's virtual network and talk over the other end.

import { Duplex } from 'node:stream';

/** One end of an in-memory connection, with the address fields a net.Socket has. */
export class PipeSocket extends Duplex {
  #peer: PipeSocket | undefined;
  /** The peer's write waiting for this end's reader to want more (backpressure). */
  #blockedWrite: (() => void) | undefined;
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;

  /** Wires two ends together; only socketPair() calls it. */
  static connect(a: PipeSocket, b: PipeSocket): void {
    a.#peer = b;
    b.#peer = a;
  }

  override _read(): void {
    const blocked = this.#blockedWrite;
    this.#blockedWrite = undefined;
    blocked?.();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error) => void,
  ): void {
    const peer = this.#peer;
    if (!peer || peer.destroyed || peer.readableEnded) {
      callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      return;
    }
    if (peer.push(chunk)) callback();
    else peer.#blockedWrite = () => callback();
  }

  override _final(callback: (error?: Error) => void): void {
    this.#peer?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A closed socket is end-of-stream for the other side, as a FIN or reset would be.
    const peer = this.#peer;
    if (peer && !peer.destroyed && !peer.readableEnded) peer.push(null);
    const blocked = this.#blockedWrite;
    this.#blockedWrite = undefined;
    blocked?.();
    callback(error);
  }

  // net.Socket's tuning calls, which servers make when they exist: nothing to tune here.
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
}

/**
 * A connected pair: `client` is the dialling end, `server` the one handed to
 * the listener. The address fields read as a TCP connection to `server` at
 * `serverAddress:serverPort` would.
 */
export function socketPair(
  serverAddress: string,
  serverPort: number,
): {
  client: PipeSocket;
  server: PipeSocket;
} {
  const client = new PipeSocket({ allowHalfOpen: true });
  const server = new PipeSocket({ allowHalfOpen: true });
  PipeSocket.connect(client, server);
  client.remoteAddress = server.localAddress = serverAddress;
  client.remotePort = server.localPort = serverPort;
  return { client, server };
}
