// Blob uploads: POST (start a session, monolithic `?digest=`, cross-repository
// `?mount=&from=`), PATCH (a chunk), PUT (close with `?digest=`, optionally
// with the last chunk), GET (status) and DELETE (cancel).

import { DigestMismatchError } from '../../store/blob-store.js';
import { RegistryError } from '../errors.js';
import { checkDigest } from '../names.js';
import type { UploadState } from '../upload-sessions.js';
import type { RequestContext } from './http-support.js';
import { chunkRangeOf, sendEmpty } from './http-support.js';

// The headers of an upload in progress: where to send the next chunk and how
// far it got (`Range: 0-<last byte>`; `0-0` when empty, as distribution says).
function progressHeaders(ctx: RequestContext, name: string, state: UploadState) {
  return {
    Location: `${ctx.base}/${name}/blobs/uploads/${state.id}`,
    Range: `0-${Math.max(state.size - 1, 0)}`,
    'Docker-Upload-UUID': state.id,
  };
}

function blobCreated(ctx: RequestContext, name: string, digest: string): void {
  sendEmpty(ctx.res, 201, {
    Location: `${ctx.base}/${name}/blobs/${digest}`,
    'Docker-Content-Digest': digest,
  });
}

/** POST `/v2/<name>/blobs/uploads/`: 201 for a mount or a monolithic upload, else 202. */
export async function startUpload(ctx: RequestContext, name: string): Promise<void> {
  const { storage, query, req } = ctx;
  const mount = query.get('mount');
  if (mount !== null) {
    const digest = checkDigest(mount);
    const from = query.get('from');
    // Without `from`, or when `from` lacks the blob: a session, as the spec allows.
    if (from !== null && (await storage.mountBlob(name, from, digest)) !== undefined) {
      blobCreated(ctx, name, digest);
      return;
    }
  } else if (query.get('digest') !== null) {
    const digest = checkDigest(query.get('digest'));
    let staged;
    try {
      staged = await storage.blobs.stage(req, { digest, what: 'uploaded blob' });
    } catch (error) {
      if (!(error instanceof DigestMismatchError)) throw error;
      throw new RegistryError('DIGEST_INVALID', error.message, {
        detail: { expected: error.expected, actual: error.actual },
      });
    }
    await storage.commitBlob(name, staged);
    blobCreated(ctx, name, digest);
    return;
  }
  const state = await storage.uploads.start(name);
  sendEmpty(ctx.res, 202, progressHeaders(ctx, name, state));
}

/** PATCH `/v2/<name>/blobs/uploads/<id>`: appends a chunk (202); out of order → 416. */
export async function patchUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  try {
    const range = chunkRangeOf(ctx.req);
    const state = await ctx.storage.uploads.append(name, id, ctx.req, range);
    sendEmpty(ctx.res, 202, progressHeaders(ctx, name, state));
  } catch (error) {
    withProgress(ctx, name, id, error);
    throw error;
  }
}

/** PUT `/v2/<name>/blobs/uploads/<id>?digest=`: verifies and stores the blob (201). */
export async function finishUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  const { storage, req, query } = ctx;
  const digest = checkDigest(query.get('digest'));
  try {
    const range = chunkRangeOf(req);
    const staged = await storage.uploads.finish(name, id, digest, {
      body: req,
      ...(range ? { range } : {}),
    });
    await storage.commitBlob(name, staged);
  } catch (error) {
    withProgress(ctx, name, id, error);
    throw error;
  }
  blobCreated(ctx, name, digest);
}

/** GET `/v2/<name>/blobs/uploads/<id>`: where the upload stands (204 + Range). */
export async function uploadStatus(ctx: RequestContext, name: string, id: string): Promise<void> {
  sendEmpty(ctx.res, 204, progressHeaders(ctx, name, ctx.storage.uploads.get(name, id)));
}

/** DELETE `/v2/<name>/blobs/uploads/<id>`: cancels the upload (204). */
export async function cancelUpload(ctx: RequestContext, name: string, id: string): Promise<void> {
  await ctx.storage.uploads.cancel(name, id);
  sendEmpty(ctx.res, 204, {});
}

// A rejected chunk (416) tells the client where to resume, as the spec suggests.
function withProgress(ctx: RequestContext, name: string, id: string, error: unknown): void {
  if (!(error instanceof RegistryError) || error.status !== 416) return;
  try {
    ctx.res.set(progressHeaders(ctx, name, ctx.storage.uploads.get(name, id)));
  } catch {
    // The session is gone: the error says enough.
  }
}
