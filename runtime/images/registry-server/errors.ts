// The registry's errors, in the OCI Distribution spec's shape:
// `{"errors":[{"code":"BLOB_UNKNOWN","message":"...","detail":...}]}`.
// Storage and HTTP handlers both throw RegistryError; the router's error
// handler is the one place that turns it into a response.

/** The spec's error codes (plus `UNKNOWN`, distribution's code for a server fault). */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNSUPPORTED'
  | 'UNKNOWN';

// The status each code usually travels with (CNCF distribution's choices,
// which clients are used to); a thrower can override it, e.g. 416 or 413.
const DEFAULT_STATUS: Readonly<Record<RegistryErrorCode, number>> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNSUPPORTED: 405,
  UNKNOWN: 500,
};

/** A failure the client caused or should know about; becomes one entry of `errors`. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  /** The HTTP status of the response. */
  readonly status: number;
  /** The spec's optional `detail`: JSON data that helps the client. */
  readonly detail: unknown;

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options: { readonly status?: number; readonly detail?: unknown } = {},
  ) {
    super(message);
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.detail = options.detail;
  }
}

/** The JSON body for `errors`, as the spec lays it out. */
export function errorBody(errors: readonly RegistryError[]): {
  errors: { code: RegistryErrorCode; message: string; detail?: unknown }[];
} {
  return {
    errors: errors.map((e) => ({
      code: e.code,
      message: e.message,
      ...(e.detail === undefined ? {} : { detail: e.detail }),
    })),
  };
}
