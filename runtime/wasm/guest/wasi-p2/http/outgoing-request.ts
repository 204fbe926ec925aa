// `wasi:http/types.outgoing-request` and `request-options`: a request a guest
// builds for `outgoing-handler.handle`. The accessors validate what they can
// (WASI leaves the rest to `handle`, which denies everything for now).

import type {
  Duration,
  Headers,
  Method,
  OutgoingRequest as OutgoingRequestApi,
  RequestOptions as RequestOptionsApi,
  Scheme,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import { failWith } from '../wit.js';
import { BodyPipe, contentLengthOf } from './body-pipe.js';
import { isValidMethod } from './field-rules.js';
import { Fields } from './fields.js';
import type { FieldEntry } from './fields.js';
import { OutgoingBody } from './outgoing-body.js';

// Printable ASCII without spaces: enough to reject what could split a request line.
const URI_PART = /^[\x21-\x7e]*$/;
const SCHEME_NAME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const AUTHORITY = /^[^\s/?#]*$/;

/** An `outgoing-request` resource. */
export class OutgoingRequest implements OutgoingRequestApi {
  readonly #headers: readonly FieldEntry[];
  readonly #pipe: BodyPipe;
  #method: Method = { tag: 'get' };
  #pathWithQuery: string | undefined;
  #scheme: Scheme | undefined;
  #authority: string | undefined;
  #bodyTaken = false;

  /** A GET request with `headers` (the WIT constructor; the fields are copied). */
  constructor(headers: Headers) {
    if (!(headers instanceof Fields)) throw new TypeError('headers must be a fields resource');
    this.#headers = headers.toEntries();
    this.#pipe = new BodyPipe('request', contentLengthOf(this.#headers));
  }

  /** The body; an error (unit) after the first call. */
  body(): OutgoingBody {
    if (this.#bodyTaken) return failWith(undefined);
    this.#bodyTaken = true;
    return new OutgoingBody(this.#pipe);
  }

  method(): Method {
    return this.#method;
  }

  setMethod(method: Method): void {
    if (method.tag === 'other' && !isValidMethod(method.val)) failWith(undefined);
    this.#method = method;
  }

  pathWithQuery(): string | undefined {
    return this.#pathWithQuery;
  }

  setPathWithQuery(pathWithQuery: string | undefined): void {
    if (pathWithQuery !== undefined && !URI_PART.test(pathWithQuery)) failWith(undefined);
    this.#pathWithQuery = pathWithQuery;
  }

  scheme(): Scheme | undefined {
    return this.#scheme;
  }

  setScheme(scheme: Scheme | undefined): void {
    if (scheme?.tag === 'other' && !SCHEME_NAME.test(scheme.val)) failWith(undefined);
    this.#scheme = scheme;
  }

  authority(): string | undefined {
    return this.#authority;
  }

  setAuthority(authority: string | undefined): void {
    if (authority !== undefined && !(AUTHORITY.test(authority) && URI_PART.test(authority))) {
      failWith(undefined);
    }
    this.#authority = authority;
  }

  /** The headers, immutable. */
  headers(): Fields {
    return Fields.fromHost(this.#headers.map(([name, value]): FieldEntry => [name, value.slice()]));
  }
}

/** A `request-options` resource: timeouts for an outgoing request, all unset at first. */
export class RequestOptions implements RequestOptionsApi {
  #connectTimeout: Duration | undefined;
  #firstByteTimeout: Duration | undefined;
  #betweenBytesTimeout: Duration | undefined;

  connectTimeout(): Duration | undefined {
    return this.#connectTimeout;
  }
  setConnectTimeout(duration: Duration | undefined): void {
    this.#connectTimeout = duration;
  }
  firstByteTimeout(): Duration | undefined {
    return this.#firstByteTimeout;
  }
  setFirstByteTimeout(duration: Duration | undefined): void {
    this.#firstByteTimeout = duration;
  }
  betweenBytesTimeout(): Duration | undefined {
    return this.#betweenBytesTimeout;
  }
  setBetweenBytesTimeout(duration: Duration | undefined): void {
    this.#betweenBytesTimeout = duration;
  }
}
