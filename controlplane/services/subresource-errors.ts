// The 404 Kubernetes answers for a subresource a type does not serve.

import { ApiError, failure } from '../api/errors.js';

/** `the server could not find the requested resource`, as for any unknown path. */
export function subresourceNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource'));
}
