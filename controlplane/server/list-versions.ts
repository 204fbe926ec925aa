// The resourceVersion of a list request against the revision the list was
// served at. Skiff serves lists at the latest revision only, so:
//
//   ''/'0'/absent        any revision: always fine
//   N (NotOlderThan)     fine unless N is ahead of the store: 504, as the
//                        apiserver's "Too large resource version"
//   N, Exact             fine only when N is the latest revision; an older
//                        one is 410 Expired (the past is not kept for lists)

import { ApiError, badRequest, failure } from '../api/errors.js';

/** Kubernetes' NewTooLargeResourceVersionError: the client should retry in a second. */
function tooLarge(requested: number, current: number): ApiError {
  return new ApiError(
    failure(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }),
  );
}

/** Throws the apiserver's error when a list served at `served` does not answer `requested`. */
export function checkListVersion(
  requested: string | undefined,
  exact: boolean,
  served: string | undefined,
): void {
  if (requested === undefined || requested === '' || requested === '0') return;
  if (!/^\d+$/.test(requested)) throw badRequest(`invalid resource version: "${requested}"`);
  const wanted = Number(requested);
  const current = Number(served ?? '0');
  if (wanted > current) throw tooLarge(wanted, current);
  if (exact && wanted !== current) {
    throw new ApiError(failure(410, 'Expired', `too old resource version: ${wanted} (${current})`));
  }
}
