// Registry failures as people read them. The node agent shows these messages
// in `ErrImagePull` and the CLI prints them, so each one names the registry,
// the repository and the operation, says what the registry answered (its HTTP
// status and its own OCI error codes), and, where there is one, what to do.

import { STATUS_CODES } from 'node:http';

/** One entry of a registry's error body: `{"errors":[{code,message,detail}]}`. */
export interface OciErrorEntry {
  readonly code: string;
  readonly message: string;
  readonly detail?: unknown;
}

/**
 * What went wrong: the registry answered with an error status (`http`), could
 * not be reached or stopped answering (`network`), or answered something this
 * client cannot use (`protocol`: a missing header, a malformed manifest).
 */
export type RegistryFailure = 'http' | 'network' | 'protocol';

/** Which kind of network failure, for `failure: 'network'`. */
export type NetworkFailure =
  'connection-refused' | 'connection-reset' | 'dns' | 'timeout' | 'tls' | 'other';

/** Where a failure happened: every error message starts with this. */
export interface OperationContext {
  /** `host[:port]` of the registry. */
  readonly registry: string;
  /** The repository operated on; absent for registry-wide calls (`GET /v2/`). */
  readonly repository?: string;
  /** What was being done, e.g. `pull manifest v1`, `push blob sha256:…`. */
  readonly operation: string;
}

/** How a RegistryError is built; `detail` is the part after the operation. */
export interface RegistryErrorInit extends OperationContext {
  readonly failure: RegistryFailure;
  readonly detail: string;
  readonly status?: number;
  readonly errors?: readonly OciErrorEntry[];
  readonly network?: NetworkFailure;
  /** Advice appended in parentheses, e.g. `check your credentials: skiff login …`. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/**
 * A failed registry operation. `message` reads
 * `<registry>/<repository>: <operation>: <detail> (<hint>)`, e.g.
 * `127.0.0.1:5001/team/kubia: pull manifest v1: 401 unauthorized: authentication required (check your credentials: skiff login 127.0.0.1:5001)`.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly registry: string;
  readonly repository: string | undefined;
  readonly operation: string;
  readonly failure: RegistryFailure;
  /** The HTTP status, for `failure: 'http'` (and `protocol` when a response had one). */
  readonly status: number | undefined;
  /** The registry's own error entries (empty when it sent none). */
  readonly errors: readonly OciErrorEntry[];
  readonly network: NetworkFailure | undefined;

  constructor(init: RegistryErrorInit) {
    const where = init.repository ? `${init.registry}/${init.repository}` : init.registry;
    const hint = init.hint ? ` (${init.hint})` : '';
    super(`${where}: ${init.operation}: ${init.detail}${hint}`, { cause: init.cause });
    this.registry = init.registry;
    this.repository = init.repository;
    this.operation = init.operation;
    this.failure = init.failure;
    this.status = init.status;
    this.errors = init.errors ?? [];
    this.network = init.network;
  }

  /** The registry's error codes, e.g. `['MANIFEST_UNKNOWN']`. */
  get codes(): string[] {
    return this.errors.map((entry) => entry.code);
  }
}

/**
 * Reads the error entries of a registry or token-server body. Understands the
 * OCI/Docker `{"errors":[…]}` form, Docker Hub's token-server `{"details":…}`
 * and OAuth2's `{"error","error_description"}`; anything else yields none.
 */
export function parseErrorBody(body: string): OciErrorEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [];
  }
  if (typeof json !== 'object' || json === null) return [];
  const record = json as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    return record.errors.flatMap((entry: unknown): OciErrorEntry[] => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { code, message, detail } = entry as Record<string, unknown>;
      if (typeof code !== 'string' && typeof message !== 'string') return [];
      return [
        {
          code: typeof code === 'string' ? code : 'UNKNOWN',
          message: typeof message === 'string' ? message : '',
          ...(detail === undefined || detail === null ? {} : { detail }),
        },
      ];
    });
  }
  if (typeof record.details === 'string')
    return [{ code: 'UNAUTHORIZED', message: record.details }];
  if (typeof record.error === 'string') {
    const message =
      typeof record.error_description === 'string' ? record.error_description : record.error;
    return [{ code: record.error.toUpperCase(), message }];
  }
  return [];
}

/** `401 unauthorized: authentication required`, or `404 not found` without entries. */
export function describeHttpFailure(status: number, errors: readonly OciErrorEntry[]): string {
  if (errors.length === 0) return `${status} ${(STATUS_CODES[status] ?? 'error').toLowerCase()}`;
  const parts = errors.map((entry) => {
    const code = entry.code.toLowerCase().replace(/_/g, ' ');
    return entry.message && entry.message.toLowerCase() !== code
      ? `${code}: ${entry.message}`
      : code;
  });
  return `${status} ${parts.join('; ')}`;
}

/** A network failure, classified; `code` is the system or undici code when known. */
export interface ClassifiedNetworkError {
  readonly kind: NetworkFailure;
  readonly code: string | undefined;
  readonly message: string;
}

const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|EPROTO$)/;

/** Finds the system error under fetch's `TypeError: fetch failed` and names its kind. */
export function classifyNetworkError(error: unknown): ClassifiedNetworkError {
  let code: string | undefined;
  let message = error instanceof Error ? error.message : String(error);
  // undici wraps the socket's error in `cause`; a failed happy-eyeballs
  // connect holds one error per address in an AggregateError.
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const own = (current as { code?: unknown }).code;
    const nested = current instanceof AggregateError ? current.errors[0] : undefined;
    const nestedCode = nested instanceof Error ? (nested as { code?: unknown }).code : undefined;
    const found =
      typeof own === 'string' ? own : typeof nestedCode === 'string' ? nestedCode : undefined;
    if (found) {
      code = found;
      message = current.message || (nested instanceof Error ? nested.message : message);
    } else if (current !== error && current.message) {
      message = current.message;
    }
  }
  return { kind: networkKind(code), code, message };
}

function networkKind(code: string | undefined): NetworkFailure {
  if (code === undefined) return 'other';
  if (code === 'ECONNREFUSED') return 'connection-refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET')
    return 'connection-reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return 'dns';
  if (code === 'ETIMEDOUT' || (code.startsWith('UND_ERR_') && code.includes('TIMEOUT')))
    return 'timeout';
  if (TLS_CODE.test(code)) return 'tls';
  return 'other';
}

/** The message and hint for a network failure while talking to `host`. */
export function describeNetworkFailure(
  failure: ClassifiedNetworkError,
  host: string,
): { detail: string; hint?: string } {
  const code = failure.code ? ` (${failure.code})` : '';
  switch (failure.kind) {
    case 'connection-refused':
      return {
        detail: `cannot connect to ${host}: connection refused`,
        hint: 'is the registry running?',
      };
    case 'dns':
      return {
        detail: `cannot resolve ${host.replace(/:\d+$/, '')}${code}`,
        hint: 'check the registry name and your DNS',
      };
    case 'connection-reset':
      return { detail: `connection to ${host} was closed unexpectedly${code}` };
    case 'timeout':
      return { detail: `no response from ${host}: ${failure.message}` };
    case 'tls':
      return {
        detail: `TLS error talking to ${host}: ${failure.message}${code}`,
        hint: 'if the registry serves plain HTTP, mark it insecure (--insecure)',
      };
    default:
      return { detail: `network error talking to ${host}: ${failure.message}${code}` };
  }
}

/** The error for a request that saw no progress within `timeoutMs`. */
export class RequestTimeout extends Error {
  override readonly name = 'RequestTimeout';
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`no progress within ${timeoutMs / 1000}s`);
  }
}
