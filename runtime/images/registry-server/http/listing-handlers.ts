// Listings: the version check (`/v2/`), tags, the catalog and referrers.

import { MediaTypes } from '../../oci/media-types.js';
import type { Descriptor } from '../../oci/types.js';
import { RegistryError } from '../errors.js';
import { checkDigest } from '../names.js';
import { compareTags } from '../registry-storage.js';
import type { RequestContext } from './http-support.js';
import { linkHeader, paginate } from './http-support.js';

/** GET `/v2/`: 200 `{}` says "this is a v2 registry" (the API-version header is set for all). */
export async function versionCheck(ctx: RequestContext): Promise<void> {
  ctx.res.status(200).json({});
}

/** GET `/v2/<name>/tags/list[?n=&last=]`: tags in lexical order, `Link` to the next page. */
export async function listTags(ctx: RequestContext, name: string): Promise<void> {
  if (!ctx.storage.hasRepository(name)) {
    throw new RegistryError('NAME_UNKNOWN', `repository ${name} is not known`, {
      detail: { name },
    });
  }
  const page = paginate(ctx.storage.tags(name), ctx.query, compareTags);
  if (page.next !== undefined)
    ctx.res.set('Link', linkHeader(`${ctx.base}/${name}/tags/list`, page.next));
  ctx.res.status(200).json({ name, tags: page.items });
}

/** GET `/v2/_catalog[?n=&last=]`: every repository (distribution's extension). */
export async function listRepositories(ctx: RequestContext): Promise<void> {
  const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const page = paginate(ctx.storage.repositories(), ctx.query, byteOrder);
  if (page.next !== undefined) ctx.res.set('Link', linkHeader(`${ctx.base}/_catalog`, page.next));
  ctx.res.status(200).json({ repositories: page.items });
}

/**
 * GET `/v2/<name>/referrers/<digest>[?artifactType=]` (spec v1.1): an image
 * index of the manifests whose `subject` is `digest`. Never 404: an unknown
 * repository or subject has no referrers.
 */
export async function listReferrers(
  ctx: RequestContext,
  name: string,
  digestText: string,
): Promise<void> {
  const digest = checkDigest(digestText);
  const artifactType = ctx.query.get('artifactType');
  const manifests: Descriptor[] = ctx.storage
    .referrers(name, digest)
    .filter((record) => artifactType === null || record.artifactType === artifactType)
    .map((record) => ({
      mediaType: record.mediaType,
      digest: record.digest,
      size: record.size,
      ...(record.artifactType === undefined ? {} : { artifactType: record.artifactType }),
      ...(record.annotations === undefined ? {} : { annotations: record.annotations }),
    }));
  if (artifactType !== null) ctx.res.set('OCI-Filters-Applied', 'artifactType');
  // A Buffer, so Express adds no `charset` to the media type.
  const body = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }),
  );
  ctx.res.status(200).set('Content-Type', MediaTypes.ociIndex).send(body);
}
