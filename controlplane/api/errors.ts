// The error catalogue: every failure of the API is an ApiError carrying the
// Kubernetes `Status` it is sent as, with Kubernetes' codes, reasons and
// message wording (clients such as kubectl print these messages as they are).

import type { ResourceType } from './resources.js';
import type { Status, StatusCause, StatusDetails, StatusReason } from './types.js';

/** An API failure; `status` is its wire form. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly status: Status) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason | undefined {
    return this.status.reason;
  }
}

/** Builds a failure Status. */
export function failure(
  code: number,
  reason: StatusReason,
  message: string,
  details?: StatusDetails,
): Status {
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** `pods` or `deployments.apps`, as Kubernetes names a resource in messages. */
function qualified(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

function target(type: ResourceType, name: string): StatusDetails {
  return { name, ...(type.group === '' ? {} : { group: type.group }), kind: type.plural };
}

export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(
    failure(404, 'NotFound', `${qualified(type)} "${name}" not found`, target(type, name)),
  );
}

export function alreadyExists(type: ResourceType, name: string): ApiError {
  return new ApiError(
    failure(
      409,
      'AlreadyExists',
      `${qualified(type)} "${name}" already exists`,
      target(type, name),
    ),
  );
}

export function conflict(
  type: ResourceType,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
): ApiError {
  return new ApiError(
    failure(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(type)} "${name}": ${why}`,
      target(type, name),
    ),
  );
}

/** One invalid field: Kubernetes' field.Error, flattened. */
export interface FieldError {
  /** `spec.containers[0].name` */
  readonly field: string;
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueDuplicate`, `FieldValueNotSupported`, `FieldValueTypeInvalid`, `FieldValueForbidden`, `FieldValueTooLong`. */
  readonly reason: string;
  /** What follows the field in the message: `Invalid value: "X": must be ...`, `Required value`. */
  readonly message: string;
}

/** 422: `Pod "x" is invalid: [field: message, ...]` (`Deployment.apps "x"`), with one cause per field. */
export function invalid(
  kind: string,
  name: string,
  errors: readonly FieldError[],
  group = '',
): ApiError {
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  // Kubernetes names the kind with its group (`Deployment.apps "web" is invalid`).
  const qualified = group ? `${kind}.${group}` : kind;
  const causes: StatusCause[] = errors.map((e) => ({
    reason: e.reason,
    message: e.message,
    field: e.field,
  }));
  return new ApiError(
    failure(422, 'Invalid', `${qualified} "${name}" is invalid: ${list}`, {
      name,
      ...(group ? { group } : {}),
      kind,
      causes,
    }),
  );
}

/**
 * 422 for list and watch query parameters that Kubernetes' ValidateListOptions
 * refuses (`ListOptions.meta.k8s.io "" is invalid: ...`).
 */
export function invalidListOptions(errors: readonly FieldError[]): ApiError {
  return invalid('ListOptions', '', errors, 'meta.k8s.io');
}

export function badRequest(message: string, causes?: readonly StatusCause[]): ApiError {
  return new ApiError(failure(400, 'BadRequest', message, causes ? { causes } : undefined));
}

/** 400 for `fieldValidation=Strict`: Kubernetes' decoder refuses a body with unknown fields. */
export function strictDecodingError(
  kind: string,
  version: string,
  unknownFields: readonly string[],
): ApiError {
  const list = unknownFields.map((f) => `unknown field "${f}"`).join(', ');
  return badRequest(
    `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${list}`,
  );
}

/** 410: the asked resourceVersion was compacted away; the client must re-list. */
export function gone(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

export function unauthorized(message = 'Unauthorized'): ApiError {
  return new ApiError(failure(401, 'Unauthorized', message));
}

export function forbidden(message: string): ApiError {
  return new ApiError(failure(403, 'Forbidden', message));
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', message));
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(failure(406, 'NotAcceptable', message));
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return new ApiError(
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format (${contentType}) - accepted media types include: ${accepted.join(', ')}`,
    ),
  );
}

export function tooLarge(message = 'the request body is too large'): ApiError {
  return new ApiError(failure(413, 'RequestEntityTooLarge', message));
}

export function internalError(message: string): ApiError {
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${message}`));
}

export function unavailable(message: string): ApiError {
  return new ApiError(failure(503, 'ServiceUnavailable', message));
}

/** The Status of any error: ApiErrors as they are, anything else as a 500. */
export function statusOf(error: unknown): Status {
  if (error instanceof ApiError) return error.status;
  return internalError(error instanceof Error ? error.message : String(error)).status;
}
