// kubectl's exec protocol: a WebSocket whose binary messages start with a
// channel byte (Kubernetes' `v4.channel.k8s.io` and `v5.channel.k8s.io`
// subprotocols): 1 stdout, 2 stderr, 3 the final Status as JSON — Success,
// or Failure with reason NonZeroExitCode and the exit code as an ExitCode
// cause, which kubectl turns into its own exit code —, then the close.
// (v5 adds a client close signal on channel 255; Skiff reads no input.)

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** The subprotocols served, preferred first. */
export const EXEC_SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

const STDOUT = 1;
const STATUS = 3;

/** The upgraded connection of one exec. */
export interface ExecChannels {
  /** Aborted when the client closes the connection or it breaks. */
  readonly closed: AbortSignal;
  /** Output of the command. */
  stdout(data: Uint8Array): void;
  /** Sends the exit code as the final Status, then closes. */
  exit(exitCode: number, command: readonly string[]): void;
  /** Sends a Failure Status with `message` (the command could not run to its end), then closes. */
  fail(message: string): void;
}

const server = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered) =>
    EXEC_SUBPROTOCOLS.find((protocol) => offered.has(protocol)) ?? false,
});

/** The subprotocols `request` offers (`Sec-WebSocket-Protocol`). */
function offeredProtocols(request: IncomingMessage): string[] {
  return (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter(Boolean);
}

/** True when `request` is a WebSocket upgrade offering a subprotocol Skiff serves. */
export function offersExecSubprotocol(request: IncomingMessage): boolean {
  const offered = offeredProtocols(request);
  return EXEC_SUBPROTOCOLS.some((protocol) => offered.includes(protocol));
}

function channelsOf(socket: WebSocket): ExecChannels {
  const closed = new AbortController();
  socket.once('close', () => closed.abort());
  socket.on('error', () => closed.abort());
  const send = (channel: number, data: Uint8Array | string): void => {
    if (closed.signal.aborted) return;
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    socket.send(Buffer.concat([Buffer.of(channel), body]));
  };
  const finish = (status: object): void => {
    send(STATUS, JSON.stringify({ metadata: {}, ...status }));
    socket.close(1000);
  };
  return {
    closed: closed.signal,
    stdout: (data) => send(STDOUT, data),
    exit(exitCode, command) {
      if (exitCode === 0) return finish({ status: 'Success' });
      finish({
        status: 'Failure',
        message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
      });
    },
    fail(message) {
      finish({ status: 'Failure', message, reason: 'InternalError', code: 500 });
    },
  };
}

/** Completes the WebSocket handshake of `request` on `socket`; resolves with its channels. */
export function acceptExecUpgrade(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<ExecChannels> {
  return new Promise((resolve, reject) => {
    // ws answers a malformed handshake itself and closes the socket.
    socket.once('close', () => reject(new Error('the WebSocket handshake failed')));
    server.handleUpgrade(request, socket, head, (upgraded) => resolve(channelsOf(upgraded)));
  });
}
