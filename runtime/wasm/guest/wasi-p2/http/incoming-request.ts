// `wasi:http/types.incoming-request`: a request delivered to a guest's
// `incoming-handler.handle`, built by the host from IncomingRequestData.

import type {
  IncomingRequest as IncomingRequestApi,
  Method,
  Scheme,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import type { WasiStreamFactory } from '../io/stream-factory.js';
import type { IncomingRequestData } from '../provider-types.js';
import { failWith } from '../wit.js';
import { FORBIDDEN_FIELD_NAMES } from './field-rules.js';
import { Fields } from './fields.js';
import type { FieldEntry } from './fields.js';
import { IncomingBody } from './incoming-body.js';

const STANDARD_METHODS: ReadonlyMap<string, Method> = new Map(
  (['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch'] as const).map(
    (tag): [string, Method] => [tag.toUpperCase(), { tag }],
  ),
);

/** An HTTP method as the WIT `method` variant (methods are case-sensitive). */
export function toMethod(method: string): Method {
  return STANDARD_METHODS.get(method) ?? { tag: 'other', val: method };
}

/** A URL scheme as the WIT `scheme` variant. */
export function toScheme(scheme: string): Scheme {
  const lower = scheme.toLowerCase();
  if (lower === 'http') return { tag: 'HTTP' };
  if (lower === 'https') return { tag: 'HTTPS' };
  return { tag: 'other', val: scheme };
}

/** An `incoming-request` resource. */
export class IncomingRequest implements IncomingRequestApi {
  readonly #data: IncomingRequestData;
  readonly #headers: readonly FieldEntry[];
  readonly #streams: WasiStreamFactory;
  #consumed = false;

  /**
   * Host side: the request in `data`. Connection-level headers (`host`,
   * `connection`, ...) are dropped, as guests may not see them; `authority()`
   * carries the host.
   */
  constructor(data: IncomingRequestData, streams: WasiStreamFactory) {
    this.#data = data;
    this.#streams = streams;
    this.#headers = data.headers
      .map(([name, value]): FieldEntry => [name.toLowerCase(), value])
      .filter(([name]) => !FORBIDDEN_FIELD_NAMES.has(name));
  }

  method(): Method {
    return toMethod(this.#data.method);
  }

  pathWithQuery(): string | undefined {
    return this.#data.pathWithQuery;
  }

  scheme(): Scheme | undefined {
    return toScheme(this.#data.scheme);
  }

  authority(): string | undefined {
    return this.#data.authority;
  }

  /** The headers, immutable. */
  headers(): Fields {
    return Fields.fromHost(this.#headers.map(([name, value]): FieldEntry => [name, value.slice()]));
  }

  /** The body; an error (unit) after the first call. */
  consume(): IncomingBody {
    if (this.#consumed) return failWith(undefined);
    this.#consumed = true;
    return new IncomingBody(this.#data.body, this.#streams);
  }
}
