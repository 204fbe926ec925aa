// Blobs: GET / HEAD (whole or a byte range) and DELETE, per repository.

import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { RegistryError } from '../errors.js';
import { checkDigest } from '../names.js';
import type { RequestContext } from './http-support.js';
import { parseByteRange, sendEmpty } from './http-support.js';

function blobUnknown(name: string, digest: string): RegistryError {
  return new RegistryError('BLOB_UNKNOWN', `blob ${digest} is not in ${name}`, {
    detail: { digest },
  });
}

/** GET and HEAD `/v2/<name>/blobs/<digest>`: 200, or 206 for a satisfiable `Range`. */
export async function getBlob(
  ctx: RequestContext,
  name: string,
  digestText: string,
): Promise<void> {
  const { storage, req, res } = ctx;
  const digest = checkDigest(digestText);
  const size = await storage.blobSize(name, digest);
  if (size === undefined) throw blobUnknown(name, digest);
  res.set({
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    // The content of a digest never changes.
    'Cache-Control': 'max-age=31536000',
    'Content-Type': 'application/octet-stream',
  });
  const range = parseByteRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    res
      .status(416)
      .set({ 'Content-Range': `bytes */${size}`, 'Content-Length': '0' })
      .end();
    return;
  }
  if (range !== undefined) {
    res.status(206).set({
      'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
      'Content-Length': String(range.end - range.start + 1),
    });
  } else {
    res.status(200).set('Content-Length', String(size));
  }
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const stream = storage.blobs.stream(digest, range);
  try {
    // Open before answering: a blob gone since `blobSize` is still a clean 404.
    await once(stream, 'ready');
  } catch {
    stream.destroy();
    throw blobUnknown(name, digest);
  }
  await pipeline(stream, res);
}

/** DELETE `/v2/<name>/blobs/<digest>`: unlinks it from the repository (202). */
export async function deleteBlob(
  ctx: RequestContext,
  name: string,
  digestText: string,
): Promise<void> {
  const digest = checkDigest(digestText);
  if (!(await ctx.storage.unlinkBlob(name, digest))) throw blobUnknown(name, digest);
  sendEmpty(ctx.res, 202, { 'Docker-Content-Digest': digest });
}
