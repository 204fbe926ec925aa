// get and list. A list reads one consistent revision of the store (its
// resourceVersion); with selectors it keeps reading pages until `limit`
// matches are found, so a page is short only at the end, and its `continue`
// token is the store's, positioned after the last object read.

import type { ListOptions } from '../api/cluster-api.js';
import { badRequest, invalidListOptions, notFound } from '../api/errors.js';
import { forbidden } from '../api/validation/field-errors.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeList, KubeObject, ListMeta } from '../api/types.js';
import type { TypeContext } from './context.js';
import { listPrefix } from './keys.js';
import { effectiveNamespace, adoptStored, readObject } from './object-access.js';
import { compileSelection, type Selection } from './selection.js';
import { toApiError, tooLargeResourceVersion, tooOldResourceVersion } from './store-errors.js';
import { StoreError } from '../store/types.js';

/** The ResourceClient `get` verb. */
export async function getObject(
  ctx: TypeContext,
  name: string,
  namespace: string | undefined,
): Promise<KubeObject> {
  const found = await readObject(ctx, effectiveNamespace(ctx, namespace), name);
  if (!found) throw notFound(ctx.type, name);
  return found.object;
}

/** A namespaced list names its namespace; '' or absent lists every namespace. */
function listNamespace(ctx: TypeContext, namespace: string | undefined): string | undefined {
  return ctx.type.namespaced && namespace ? namespace : undefined;
}

/** One page of matching objects, and where the next page starts. */
export interface ListPage {
  readonly items: KubeObject[];
  readonly revision: number;
  readonly continue?: string;
  readonly remaining?: number;
}

/**
 * A continue token the store could not read: the token is the one thing of a
 * list the client makes up, so what is not a store condition (Compacted: 410)
 * is a malformed token, a 400 as Kubernetes answers.
 */
function invalidContinue(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  return badRequest(
    `continue key is not valid: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * Reads matching objects from the store until `limit` are found or the
 * prefix is exhausted; as of revision `at` when given (the first page's
 * revision otherwise: the latest).
 */
export async function readPage(
  ctx: TypeContext,
  prefix: string,
  selection: Selection,
  limit: number | undefined,
  token: string | undefined,
  at?: number,
): Promise<ListPage> {
  const items: KubeObject[] = [];
  let next = token;
  let revision = 0;
  let remaining: number | undefined;
  for (;;) {
    const wanted = limit === undefined ? undefined : limit - items.length;
    const page = await ctx.services.store
      .list(prefix, {
        ...(wanted === undefined ? {} : { limit: wanted }),
        ...(next === undefined ? {} : { continue: next }),
        ...(next === undefined && at !== undefined ? { revision: at } : {}),
      })
      .catch((error: unknown) => {
        throw next === undefined ? error : invalidContinue(error);
      });
    revision = page.revision;
    remaining = page.remaining;
    for (const stored of page.items) {
      const object = adoptStored(stored.value, stored.revision);
      if (selection.matches(object)) items.push(object);
    }
    next = page.continue;
    if (next === undefined || limit === undefined || items.length >= limit) break;
  }
  return {
    items,
    revision,
    ...(next === undefined ? {} : { continue: next }),
    ...(remaining === undefined ? {} : { remaining }),
  };
}

/**
 * What a list's resourceVersion asks for, checked as Kubernetes'
 * ValidateListOptions and its storage do: the revision to read at for an
 * `Exact` match, undefined for the latest (after checking that the store has
 * reached a NotOlderThan revision: 504 until it has).
 */
function listRevision(ctx: TypeContext, options: ListOptions): number | undefined {
  const rv = options.resourceVersion || undefined;
  const match = options.resourceVersionMatch;
  if (match !== undefined) {
    const refuse = (detail: string) =>
      invalidListOptions([forbidden('resourceVersionMatch', detail)]);
    if (rv === undefined)
      throw refuse('resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (options.continue)
      throw refuse('resourceVersionMatch is forbidden when continue is provided');
    if (match === 'Exact' && rv === '0')
      throw refuse('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (rv === undefined || rv === '0') return undefined;
  if (options.continue)
    throw badRequest('specifying resource version is not allowed when using continue');
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: "${rv}"`);
  const wanted = Number(rv);
  const latest = ctx.services.store.revision();
  if (wanted > latest) throw tooLargeResourceVersion(wanted, latest);
  return match === 'Exact' ? wanted : undefined;
}

/** The ResourceClient `list` verb. */
export async function listObjects(ctx: TypeContext, options: ListOptions = {}): Promise<KubeList> {
  const selection = compileSelection(ctx, options);
  const limit =
    options.limit !== undefined && options.limit > 0 ? Math.floor(options.limit) : undefined;
  const exact = listRevision(ctx, options);
  const prefix = listPrefix(ctx.type, listNamespace(ctx, options.namespace));
  let page: ListPage;
  try {
    page = await readPage(ctx, prefix, selection, limit, options.continue || undefined, exact);
  } catch (error) {
    if (exact !== undefined && error instanceof StoreError && error.code === 'Compacted')
      throw tooOldResourceVersion(exact, error.revision);
    throw toApiError(error, ctx.type, '');
  }
  const metadata: ListMeta = {
    resourceVersion: String(page.revision),
    ...(page.continue ? { continue: page.continue } : {}),
    // Kubernetes counts the rest only when it knows it: not through a selector.
    ...(page.continue && !selection.filtering && page.remaining !== undefined
      ? { remainingItemCount: page.remaining }
      : {}),
  };
  return {
    apiVersion: apiVersionOf(ctx.type),
    kind: ctx.type.listKind,
    metadata,
    items: page.items,
  };
}
