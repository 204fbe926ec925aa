// `wasi:sockets/network`: the `network` resource a guest passes to socket calls
// as its capability to use a network, and the socket error codes.

import type {
  ErrorCode,
  Network as NetworkApi,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-network';
import type { IoError } from '../io/error.js';

/** A `wasi:sockets/network.error-code`. */
export type SocketErrorCode = ErrorCode;

/** The `network` resource. It names a network; the provider that made it decides what it reaches. */
export class Network implements NetworkApi {
  /** Which network this is, for providers that serve more than one. */
  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }
}

/** `network-error-code(err)`: the socket error behind a stream's failure, if any. */
export function networkErrorCode(error: IoError): SocketErrorCode | undefined {
  return error.networkErrorCode;
}
