// Turning what the server sent back into the errors callers catch: a Status
// body becomes the ApiError it describes; anything else (a proxy's HTML page,
// an empty 502) becomes an ApiError with a Status synthesised from the HTTP
// code, worded as client-go words them, so kubectl-style messages still read
// well. A server that cannot be reached is a ConnectionError instead: it is
// not an answer of the API.

import { ApiError, failure } from '../../controlplane/api/errors.js';
import type { Status, StatusReason } from '../../controlplane/api/types.js';

/** The server could not be reached (refused, reset, DNS, TLS, timeout). */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    /** The `host:port` that was tried. */
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `value` has the shape of a `metav1.Status`. */
export function isStatus(value: unknown): value is Status {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { kind?: unknown; code?: unknown };
  return candidate.kind === 'Status' && typeof candidate.code === 'number';
}

const REASONS: Readonly<Record<number, [StatusReason, string]>> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  406: [
    'NotAcceptable',
    'the server was unable to respond with a content type that the client supports',
  ],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Expired', 'the requested resource version is no longer available'],
  413: ['RequestEntityTooLarge', 'the request body is too large'],
  415: ['UnsupportedMediaType', 'the server does not support the media type of the request'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: [
    'TooManyRequests',
    'the server has received too many requests and has asked us to try again later',
  ],
  500: ['InternalError', 'an error on the server has prevented the request from succeeding'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: [
    'Timeout',
    'the server was unable to return a response in the time allotted, but may still be processing the request',
  ],
};

/**
 * The ApiError for a failed response: its Status body when it has one (the
 * HTTP code wins if the body's is missing), else one synthesised from the
 * code, quoting a short plain-text body the way client-go does.
 */
export function errorFromResponse(code: number, body: string): ApiError {
  const parsed = parseJson(body);
  if (isStatus(parsed)) return new ApiError(parsed.code ? parsed : { ...parsed, code });
  const [reason, generic] = REASONS[code] ?? [
    code >= 500 ? 'InternalError' : 'BadRequest',
    `the server responded with the status code ${code} but did not return more information`,
  ];
  const text = body.trim();
  const quotable = text !== '' && text.length <= 300 && !text.startsWith('<');
  const message =
    quotable && code >= 500
      ? `an error on the server ("${text}") has prevented the request from succeeding`
      : quotable
        ? text
        : generic;
  return new ApiError(failure(code, reason, message));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The ApiError for a 2xx answer whose body is not the JSON the call expects. */
export function malformedResponse(what: string, detail: string): ApiError {
  return new ApiError(
    failure(500, 'InternalError', `the server sent a malformed ${what}: ${detail}`),
  );
}

/** Node's certificate verification codes that mean "no CA of ours signed it". */
const UNKNOWN_AUTHORITY = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

const TRUST_HINT =
  "give the cluster's CA (certificate-authority-data in the kubeconfig, or --certificate-authority), or --insecure-skip-tls-verify";

/** The innermost cause of a fetch failure (some clients wrap the socket's error). */
function rootCause(error: unknown): unknown {
  let cause = error;
  for (let depth = 0; depth < 5 && cause instanceof Error && cause.cause !== undefined; depth++)
    cause = cause.cause;
  return cause;
}

/**
 * The ConnectionError for a fetch that failed before any answer came, worded
 * as kubectl words it (`The connection to the server ... was refused`,
 * `Unable to connect to the server: tls: failed to verify certificate: x509:
 * ...`), with what to do about certificate failures.
 */
export function connectionError(url: URL, error: unknown): ConnectionError {
  const cause = rootCause(error);
  const code = (cause as { code?: unknown } | undefined)?.code;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const host = url.host;
  const fail = (message: string) =>
    new ConnectionError(host, `Unable to connect to the server: ${message}`, { cause });
  if (code === 'ECONNREFUSED')
    return new ConnectionError(
      host,
      `The connection to the server ${host} was refused - did you specify the right host or port?`,
      { cause },
    );
  if (typeof code === 'string' && UNKNOWN_AUTHORITY.has(code))
    return fail(
      `tls: failed to verify certificate: x509: certificate signed by unknown authority (${detail}); ${TRUST_HINT}`,
    );
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return fail(
      `tls: failed to verify certificate: x509: ${detail} (tls-server-name in the kubeconfig, or --tls-server-name, names the host to check instead)`,
    );
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return fail(
      `tls: failed to verify certificate: x509: certificate has expired or is not yet valid (${detail})`,
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return fail(`dial tcp: lookup ${url.hostname}: no such host`);
  if (url.protocol === 'https:' && /wrong version number|packet length too long/i.test(detail))
    return fail('http: server gave HTTP response to HTTPS client');
  if (url.protocol === 'http:' && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET'))
    return fail(`${detail} (the server closed the connection: does it serve https only?)`);
  return fail(detail);
}
