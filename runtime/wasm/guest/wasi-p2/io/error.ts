// `wasi:io/error.error`: the payload of a stream's `last-operation-failed`.
// Other interfaces read a more specific code out of it (`wasi:http/types.
// http-error-code`, `wasi:sockets/network.network-error-code`), so the
// resource carries those codes when the failure came from HTTP or a socket.

import type { Error as IoErrorApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-io-error';
import type { ErrorCode as HttpErrorCode } from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import type { ErrorCode as NetworkErrorCode } from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-network';

/** What a failed operation knows about its cause, beyond the message. */
export interface IoErrorDetail {
  /** Set when the failure is an HTTP one (a body longer than its content-length, ...). */
  readonly http?: HttpErrorCode;
  /** Set when the failure is a socket one. */
  readonly network?: NetworkErrorCode;
}

/** The `error` resource of `wasi:io/error` (exported to guests as `Error`). */
export class IoError implements IoErrorApi {
  readonly #message: string;
  readonly #detail: IoErrorDetail;

  constructor(message: string, detail: IoErrorDetail = {}) {
    this.#message = message;
    this.#detail = detail;
  }

  /** A human-readable description, for logs only: guests must not parse it. */
  toDebugString(): string {
    return this.#message;
  }

  /** The HTTP error code behind this failure, if it was one. */
  get httpErrorCode(): HttpErrorCode | undefined {
    return this.#detail.http;
  }

  /** The socket error code behind this failure, if it was one. */
  get networkErrorCode(): NetworkErrorCode | undefined {
    return this.#detail.network;
  }
}
