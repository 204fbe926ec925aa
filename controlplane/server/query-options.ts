// Query parameters of the API, with Kubernetes' names, parsed and checked the
// way the apiserver checks them (bad values → 400 BadRequest), into the
// options of ClusterApi calls.

import type { DeleteOptions, ListOptions, WatchOptions, WriteOptions } from '../api/cluster-api.js';
import { badRequest, invalidListOptions } from '../api/errors.js';
import { forbidden } from '../api/validation/field-errors.js';

/** How a Table row carries its object (`includeObject`). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** `fieldValidation`: what to do about unknown or duplicate fields in a body. */
export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

/** Go's strconv.ParseBool, which the apiserver's parameter codec uses. */
const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  return values.length === 0 ? undefined : values[values.length - 1];
}

function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const value = single(query, name);
  if (value === undefined || value === '') return undefined;
  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;
  throw badRequest(`invalid value for ${name}: "${value}" is not a boolean`);
}

function integerParam(query: URLSearchParams, name: string, min: number): number | undefined {
  const value = single(query, name);
  if (value === undefined || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`invalid value for ${name}: "${value}" is not an integer`);
  }
  const number = Number(value);
  if (number < min) throw badRequest(`invalid value for ${name}: must be at least ${min}`);
  return number;
}

function oneOf<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = single(query, name);
  if (value === undefined || value === '') return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw badRequest(
    `invalid value for ${name}: "${value}"; supported values: "${allowed.join('", "')}"`,
  );
}

/** `watch=1|true` (the query form; the `/watch/` path prefix is the other). */
export function isWatch(query: URLSearchParams): boolean {
  return booleanParam(query, 'watch') ?? false;
}

/** List options for `namespace` (undefined: all namespaces or cluster-scoped). */
export function listOptionsOf(query: URLSearchParams, namespace: string | undefined): ListOptions {
  const resourceVersion = single(query, 'resourceVersion');
  const match = oneOf(query, 'resourceVersionMatch', ['NotOlderThan', 'Exact'] as const);
  if (single(query, 'sendInitialEvents'))
    throw invalidListOptions([
      forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'),
    ]);
  // The services check the resourceVersion and its match (the same rules in-process).
  return {
    ...selectionOptionsOf(query, namespace, resourceVersion, true),
    ...(match ? { resourceVersionMatch: match } : {}),
  };
}

/** What list and watch share: the namespace, selectors, paging and resourceVersion. */
function selectionOptionsOf(
  query: URLSearchParams,
  namespace: string | undefined,
  resourceVersion: string | undefined,
  paged: boolean,
): ListOptions {
  // A watch has no pages: its limit and continue are ignored, as the apiserver ignores them.
  const limit = paged ? integerParam(query, 'limit', 0) : undefined;
  const cont = paged ? single(query, 'continue') : undefined;
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    ...optional('labelSelector', single(query, 'labelSelector')),
    ...optional('fieldSelector', single(query, 'fieldSelector')),
    // limit=0 means "no limit", as in Kubernetes.
    ...(limit ? { limit } : {}),
    ...optional('continue', cont),
    ...optional('resourceVersion', resourceVersion),
  };
}

/** Watch options: list options plus bookmarks and the client's timeout. */
export function watchOptionsOf(
  query: URLSearchParams,
  namespace: string | undefined,
): WatchOptions {
  // Kubernetes' validateWatchOptions: resourceVersionMatch only with
  // sendInitialEvents (watch-list), where it must be NotOlderThan and where an
  // empty resourceVersion means "the latest state".
  const match = single(query, 'resourceVersionMatch');
  const initialEvents = single(query, 'sendInitialEvents');
  const refuse = (detail: string) =>
    invalidListOptions([forbidden('resourceVersionMatch', detail)]);
  if (initialEvents && match !== 'NotOlderThan') {
    throw refuse('sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
  }
  if (match && !initialEvents) {
    throw refuse(
      'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
  }
  const watchable = selectionOptionsOf(query, namespace, single(query, 'resourceVersion'), false);
  const timeoutSeconds = integerParam(query, 'timeoutSeconds', 0);
  return {
    ...watchable,
    ...(booleanParam(query, 'allowWatchBookmarks') ? { allowWatchBookmarks: true } : {}),
    ...(timeoutSeconds ? { timeoutSeconds } : {}),
  };
}

/** `sendInitialEvents=true`: start the watch with the current objects (watch-list). */
export function sendsInitialEvents(query: URLSearchParams): boolean {
  return booleanParam(query, 'sendInitialEvents') ?? false;
}

/** `dryRun`: only `All` exists. */
function dryRunOf(values: readonly string[]): 'All' | undefined {
  for (const value of values) {
    if (value !== 'All') {
      throw badRequest(`invalid dryRun value: "${value}"; the only supported value is "All"`);
    }
  }
  return values.length > 0 ? 'All' : undefined;
}

/**
 * WriteOptions plus what the HTTP layer forwards beyond the ClusterApi
 * contract: `fieldValidation`, and a sink for warnings (sent as `Warning:`
 * headers). Implementations that do not know them ignore them.
 */
export interface HttpWriteOptions extends WriteOptions {
  readonly fieldValidation?: FieldValidation;
  readonly onWarning?: (message: string) => void;
  readonly onCreated?: () => void;
}

/**
 * The field manager Kubernetes names a write without `fieldManager` after:
 * its User-Agent up to the first `/` (`kubectl/v1.32.0 (linux/amd64) ...` → `kubectl`).
 */
export function managerFromUserAgent(userAgent: string | undefined): string | undefined {
  const prefix = (userAgent ?? '').split('/')[0]?.trim() ?? '';
  const printable = prefix.replace(/[^\x20-\x7e]/g, '').slice(0, 128);
  return printable === '' ? undefined : printable;
}

/** Options of create, update, patch and subresource writes. */
export function writeOptionsOf(
  query: URLSearchParams,
  namespace: string | undefined,
): HttpWriteOptions {
  const fieldManager = single(query, 'fieldManager');
  if (
    fieldManager !== undefined &&
    (fieldManager.length > 128 || !/^[\x20-\x7e]*$/.test(fieldManager))
  ) {
    throw badRequest('fieldManager must be at most 128 printable ASCII characters');
  }
  const fieldValidation = fieldValidationOf(query);
  const dryRun = dryRunOf(query.getAll('dryRun').filter((v) => v !== ''));
  const force = booleanParam(query, 'force');
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(dryRun ? { dryRun } : {}),
    ...optional('fieldManager', fieldManager),
    ...(force !== undefined ? { force } : {}),
    ...(fieldValidation ? { fieldValidation } : {}),
  };
}

/** `fieldValidation`: Ignore, Warn or Strict (anything else is 400). */
export function fieldValidationOf(query: URLSearchParams): FieldValidation | undefined {
  return oneOf(query, 'fieldValidation', ['Ignore', 'Warn', 'Strict'] as const);
}

/** `includeObject` of Table responses; Metadata by default, as in Kubernetes. */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  return oneOf(query, 'includeObject', ['None', 'Metadata', 'Object'] as const) ?? 'Metadata';
}

const PROPAGATION_POLICIES = ['Orphan', 'Background', 'Foreground'] as const;

/**
 * DeleteOptions from the query and the (optional) body, the body winning
 * where both say something, as the apiserver decodes the body over the query.
 */
export function deleteOptionsOf(
  query: URLSearchParams,
  namespace: string | undefined,
  body: Record<string, unknown> | undefined,
): DeleteOptions {
  const fromQuery: Record<string, unknown> = {
    gracePeriodSeconds: integerParam(query, 'gracePeriodSeconds', 0),
    propagationPolicy: oneOf(query, 'propagationPolicy', PROPAGATION_POLICIES),
    orphanDependents: booleanParam(query, 'orphanDependents'),
    dryRun: query.getAll('dryRun').filter((v) => v !== ''),
  };
  const merged = { ...fromQuery, ...definedEntries(body ?? {}) };
  const grace = merged.gracePeriodSeconds;
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0)) {
    throw badRequest('gracePeriodSeconds must be a non-negative integer');
  }
  const policy = merged.propagationPolicy;
  if (policy !== undefined && !(PROPAGATION_POLICIES as readonly unknown[]).includes(policy)) {
    throw badRequest(
      `propagationPolicy must be one of "${PROPAGATION_POLICIES.join('", "')}", got ${JSON.stringify(policy)}`,
    );
  }
  const orphan = merged.orphanDependents;
  if (orphan !== undefined && typeof orphan !== 'boolean') {
    throw badRequest('orphanDependents must be a boolean');
  }
  if (orphan !== undefined && policy !== undefined) {
    throw badRequest('orphanDependents and propagationPolicy cannot both be set');
  }
  const dryRunValues = merged.dryRun;
  if (!Array.isArray(dryRunValues) || dryRunValues.some((v) => typeof v !== 'string')) {
    throw badRequest('dryRun must be a list of strings');
  }
  const dryRun = dryRunOf(dryRunValues as string[]);
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}),
    ...(policy !== undefined
      ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] }
      : orphan !== undefined
        ? { propagationPolicy: orphan ? 'Orphan' : 'Background' }
        : {}),
    ...preconditionsOf(merged.preconditions),
    ...(dryRun ? { dryRun } : {}),
  };
}

function preconditionsOf(value: unknown): Pick<DeleteOptions, 'preconditions'> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('preconditions must be an object');
  }
  const { uid, resourceVersion } = value as Record<string, unknown>;
  if (
    (uid !== undefined && typeof uid !== 'string') ||
    (resourceVersion !== undefined && typeof resourceVersion !== 'string')
  ) {
    throw badRequest('preconditions.uid and preconditions.resourceVersion must be strings');
  }
  if (uid === undefined && resourceVersion === undefined) return {};
  return {
    preconditions: {
      ...(uid !== undefined ? { uid } : {}),
      ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    },
  };
}

function definedEntries(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([key, value]) =>
        value !== undefined && value !== null && key !== 'kind' && key !== 'apiVersion',
    ),
  );
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value !== undefined && value !== '' ? ({ [key]: value } as Record<K, string>) : {};
}
