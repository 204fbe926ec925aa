// JSON Patch (RFC 6902) through fast-json-patch, with Kubernetes' split of
// failures: a patch that is not a list of well-formed operations is a 400
// (it cannot be decoded); one that does not apply to the object (a missing
// path, a failed `test`) is a 422, as Kubernetes answers.

import jsonpatch, { type Operation } from 'fast-json-patch';
import { ApiError, badRequest, failure } from '../../api/errors.js';
import { isRecord } from '../object-utils.js';

/** fast-json-patch error names that mean "does not apply to this document". */
// fast-json-patch is CommonJS: its functions come through the default export.
const { applyPatch, JsonPatchError, validate } = jsonpatch;

const APPLY_ERRORS = new Set([
  'TEST_OPERATION_FAILED',
  'OPERATION_PATH_UNRESOLVABLE',
  'OPERATION_FROM_UNRESOLVABLE',
  'OPERATION_PATH_CANNOT_ADD',
  'OPERATION_PATH_ILLEGAL_ARRAY_INDEX',
  'OPERATION_VALUE_OUT_OF_BOUNDS',
]);

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** The patch as operations, or a 400 when it is not a JSON Patch document. */
function decode(patch: unknown): Operation[] {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  patch.forEach((op, i) => {
    if (!isRecord(op) || typeof op['op'] !== 'string' || !OPS.has(op['op'])) {
      throw badRequest(`Unexpected kind: operation ${i} has no valid "op"`);
    }
    if (typeof op['path'] !== 'string') throw badRequest(`operation ${i}: missing path`);
  });
  return patch as Operation[];
}

function describe(error: InstanceType<typeof JsonPatchError>): string {
  const op = error.operation as Partial<Record<'op' | 'path' | 'from', unknown>> | undefined;
  const path = typeof op?.path === 'string' ? op.path : '';
  if (error.name === 'TEST_OPERATION_FAILED') return `testing value ${path} failed: test failed`;
  if (error.name === 'OPERATION_FROM_UNRESOLVABLE')
    return `${String(op?.op)} operation does not apply: doc is missing from path: "${String(op?.from)}"`;
  return `${String(op?.op)} operation does not apply: doc is missing path: "${path}": missing value`;
}

/** Kubernetes' 422 for a JSON patch that does not apply: the patch library's message is the cause. */
function doesNotApply(message: string): ApiError {
  return new ApiError(
    failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ message }],
    }),
  );
}

/** RFC 6902 applied to a copy of `document`. */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  const operations = decode(patch);
  const problem = validate(operations, document);
  if (problem)
    throw APPLY_ERRORS.has(problem.name)
      ? doesNotApply(describe(problem))
      : badRequest(problem.message);
  try {
    return applyPatch(document, operations, false, false).newDocument;
  } catch (error) {
    if (error instanceof JsonPatchError) {
      throw APPLY_ERRORS.has(error.name)
        ? doesNotApply(describe(error))
        : badRequest(error.message);
    }
    throw error;
  }
}
