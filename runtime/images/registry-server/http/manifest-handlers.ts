// Manifests: GET / HEAD / PUT / DELETE by tag or digest.
//
// GET answers with what was pushed, byte for byte, under the media type it was
// pushed with, whatever the Accept header says: the registry converts nothing,
// and a client that cannot read the type is better told by the type itself.

import { RegistryError } from '../errors.js';
import type { ManifestReference } from '../names.js';
import { parseManifestReference } from '../names.js';
import type { ManifestRecord } from '../registry-index.js';
import type { RequestContext } from './http-support.js';
import { readLimitedBody, sendEmpty } from './http-support.js';

function manifestUnknown(name: string, reference: string): RegistryError {
  return new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} is not in ${name}`, {
    detail: { name, reference },
  });
}

function nameUnknown(name: string): RegistryError {
  return new RegistryError('NAME_UNKNOWN', `repository ${name} is not known`, {
    detail: { name },
  });
}

// The stored manifest `referenceText` names; NAME_UNKNOWN / MANIFEST_UNKNOWN.
function lookup(ctx: RequestContext, name: string, referenceText: string): ManifestRecord {
  const reference = parseManifestReference(referenceText);
  if (!ctx.storage.hasRepository(name)) throw nameUnknown(name);
  const record = reference && ctx.storage.getManifest(name, reference);
  if (!record) throw manifestUnknown(name, referenceText);
  return record;
}

/** GET and HEAD `/v2/<name>/manifests/<reference>`. */
export async function getManifest(
  ctx: RequestContext,
  name: string,
  referenceText: string,
): Promise<void> {
  const record = lookup(ctx, name, referenceText);
  const bytes = await ctx.storage.readManifest(record);
  if (bytes === undefined) throw manifestUnknown(name, referenceText);
  ctx.res.status(200).set({
    'Content-Type': record.mediaType,
    'Content-Length': String(bytes.length),
    'Docker-Content-Digest': record.digest,
    ETag: `"${record.digest}"`,
  });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : bytes);
}

/** PUT `/v2/<name>/manifests/<reference>`: 201 with the digest; OCI-Subject for referrers. */
export async function putManifest(
  ctx: RequestContext,
  name: string,
  referenceText: string,
): Promise<void> {
  const reference: ManifestReference | undefined = parseManifestReference(referenceText);
  if (reference === undefined) {
    throw new RegistryError(
      'MANIFEST_INVALID',
      `"${referenceText}" is neither a tag nor a digest`,
      {
        detail: { reference: referenceText },
      },
    );
  }
  const bytes = await readLimitedBody(ctx.req, ctx.res, ctx.settings.maxManifestBytes);
  const record = await ctx.storage.putManifest(
    name,
    bytes,
    ctx.req.headers['content-type'],
    reference,
  );
  sendEmpty(ctx.res, 201, {
    Location: `${ctx.base}/${name}/manifests/${record.digest}`,
    'Docker-Content-Digest': record.digest,
    ...(record.subject === undefined ? {} : { 'OCI-Subject': record.subject }),
  });
}

/** DELETE `/v2/<name>/manifests/<reference>`: a digest deletes the manifest and its tags, a tag only itself. */
export async function deleteManifest(
  ctx: RequestContext,
  name: string,
  referenceText: string,
): Promise<void> {
  const reference = parseManifestReference(referenceText);
  if (!ctx.storage.hasRepository(name)) throw nameUnknown(name);
  const deleted =
    reference?.kind === 'digest'
      ? await ctx.storage.deleteManifest(name, reference.digest)
      : reference?.kind === 'tag'
        ? await ctx.storage.deleteTag(name, reference.tag)
        : false;
  if (!deleted) throw manifestUnknown(name, referenceText);
  sendEmpty(ctx.res, 202, {});
}
