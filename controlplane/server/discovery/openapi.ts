// OpenAPI v3 as the apiserver publishes it: an index at `/openapi/v3` naming
// one document per group-version (`/openapi/v3/api/v1`,
// `/openapi/v3/apis/apps/v1`, ...), each with the paths and operations of its
// resources. kubectl reads these to learn that the server validates fields
// itself (a `fieldValidation` parameter on each PATCH operation): then it
// sends `fieldValidation=Strict` instead of validating on the client.
//
// Each document also has the component schemas of its kinds
// (openapi-components.ts): `kubectl explain` reads them, and `kubectl apply`
// computes its strategic merge patches from their patch annotations.

import { createHash } from 'node:crypto';
import type { ResourceType } from '../../api/resources.js';
import { componentSchemas, kindComponentName } from './openapi-components.js';
import { KUBERNETES_GIT_VERSION } from './version.js';
import { servedGroupVersions, subresourceInfo, typesAt } from './documents.js';

/** The path of a group-version's document below `/openapi/v3/`: `api/v1`, `apis/apps/v1`. */
function documentPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function queryParameter(name: string, description: string, type = 'string') {
  return { name, in: 'query', description, schema: { type }, uniqueItems: true };
}

const DRY_RUN = queryParameter(
  'dryRun',
  'When present, changes are not persisted. The only valid value is All.',
);
const FIELD_MANAGER = queryParameter(
  'fieldManager',
  'A name associated with the actor making the change.',
);
const FIELD_VALIDATION = queryParameter(
  'fieldValidation',
  'How the server treats unknown or duplicate fields in the request: Ignore, Warn or Strict.',
);
const WRITE_PARAMETERS = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
const LIST_PARAMETERS = [
  queryParameter(
    'labelSelector',
    'A selector to restrict the list of returned objects by their labels.',
  ),
  queryParameter(
    'fieldSelector',
    'A selector to restrict the list of returned objects by their fields.',
  ),
  queryParameter('limit', 'The maximum number of objects to return.', 'integer'),
  queryParameter('continue', 'The continue token of a previous, limited list.'),
  queryParameter('resourceVersion', 'Which version of the collection to serve, or to watch from.'),
  queryParameter(
    'resourceVersionMatch',
    'How resourceVersion applies to a list: NotOlderThan or Exact.',
  ),
  queryParameter('timeoutSeconds', 'How long a watch may last.', 'integer'),
  queryParameter('watch', 'Watch for changes instead of listing.', 'boolean'),
  queryParameter('allowWatchBookmarks', 'Whether the watch may send BOOKMARK events.', 'boolean'),
];

/** The schema of a kind's bodies: its component when the document has one. */
function bodySchema(type: ResourceType): Record<string, string> {
  const component = kindComponentName(type);
  return component ? { $ref: `#/components/schemas/${component}` } : { type: 'object' };
}

function json(description: string, schema: Record<string, string>) {
  return { description, content: { 'application/json': { schema } } };
}

function operation(
  type: ResourceType,
  action: string,
  operationId: string,
  options: {
    kind?: { group: string; version: string; kind: string };
    parameters?: unknown[];
    body?: boolean;
    contentTypes?: string[];
  } = {},
) {
  const kind = options.kind ?? { group: type.group, version: type.version, kind: type.kind };
  // The type's own objects refer to its component; lists, patches, options and
  // other kinds (a Scale) are plain objects here.
  const object = kind.kind === type.kind ? bodySchema(type) : { type: 'object' };
  const sendsObject = action === 'post' || action === 'put';
  const returnsObject = action !== 'list' && action !== 'deletecollection';
  const body = options.body
    ? {
        requestBody: {
          required: true,
          content: Object.fromEntries(
            (options.contentTypes ?? ['application/json', 'application/yaml']).map((c) => [
              c,
              { schema: sendsObject ? object : { type: 'object' } },
            ]),
          ),
        },
      }
    : {};
  return {
    operationId,
    tags: [type.group === '' ? 'core_v1' : `${type.group}_${type.version}`],
    parameters: options.parameters ?? [],
    ...body,
    responses: {
      '200': json('OK', returnsObject ? object : { type: 'object' }),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': kind,
  };
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

function pathsOf(type: ResourceType): Record<string, unknown> {
  const prefix = `/${documentPath(type.group, type.version)}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
  const id =
    `${type.group === '' ? 'Core' : type.group.split('.')[0]}${type.version}${type.namespaced ? 'Namespaced' : ''}${type.kind}`.replace(
      /^./,
      (c) => c.toUpperCase(),
    );
  const has = (verb: string) => type.verbs.includes(verb);
  // Only the verbs the type serves: a review is only ever created.
  const collection: Record<string, unknown> = {};
  if (has('list')) {
    collection.get = operation(type, 'list', `list${id}`, { parameters: LIST_PARAMETERS });
  }
  if (has('create')) {
    collection.post = operation(type, 'post', `create${id}`, {
      parameters: WRITE_PARAMETERS,
      body: true,
    });
  }
  if (has('deletecollection')) {
    collection.delete = operation(type, 'deletecollection', `deleteCollection${id}`, {
      parameters: [...LIST_PARAMETERS, DRY_RUN],
    });
  }
  const object: Record<string, unknown> = {};
  if (has('get')) object.get = operation(type, 'get', `read${id}`);
  if (has('update')) {
    object.put = operation(type, 'put', `replace${id}`, {
      parameters: WRITE_PARAMETERS,
      body: true,
    });
  }
  if (has('patch')) {
    object.patch = operation(type, 'patch', `patch${id}`, {
      parameters: WRITE_PARAMETERS,
      body: true,
      contentTypes: PATCH_TYPES,
    });
  }
  if (has('delete')) {
    object.delete = operation(type, 'delete', `delete${id}`, { parameters: [DRY_RUN], body: true });
  }
  const paths: Record<string, unknown> = { [prefix]: collection };
  if (Object.keys(object).length > 0) paths[`${prefix}/{name}`] = object;
  for (const subresource of type.subresources) {
    const info = subresourceInfo(type, subresource);
    const kind = { group: info.group, version: info.version, kind: info.kind };
    const suffix = subresource.charAt(0).toUpperCase() + subresource.slice(1);
    const operations: Record<string, unknown> = {};
    if (info.verbs.includes('get'))
      operations.get = operation(type, 'get', `read${id}${suffix}`, { kind });
    if (info.verbs.includes('update'))
      operations.put = operation(type, 'put', `replace${id}${suffix}`, {
        kind,
        parameters: WRITE_PARAMETERS,
        body: true,
      });
    if (info.verbs.includes('patch'))
      operations.patch = operation(type, 'patch', `patch${id}${suffix}`, {
        kind,
        parameters: WRITE_PARAMETERS,
        body: true,
        contentTypes: PATCH_TYPES,
      });
    if (info.verbs.includes('create'))
      operations.post = operation(type, 'post', `create${id}${suffix}`, {
        kind,
        parameters: WRITE_PARAMETERS,
        body: true,
      });
    paths[`${prefix}/{name}/${subresource}`] = operations;
  }
  return paths;
}

/** The OpenAPI v3 document of one group-version, or undefined when not served. */
export function openApiDocument(group: string, version: string) {
  const types = typesAt(group, version);
  if (types.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_GIT_VERSION },
    paths: Object.assign({}, ...types.map(pathsOf)) as Record<string, unknown>,
    components: { schemas: componentSchemas(types) },
  };
}

/** The documents by path (`api/v1`, ...), with the hash clients cache them under. */
function documentsByPath(): Map<string, { document: unknown; hash: string }> {
  const documents = new Map<string, { document: unknown; hash: string }>();
  for (const { group, version } of servedGroupVersions()) {
    const document = openApiDocument(group, version);
    const hash = createHash('sha512')
      .update(JSON.stringify(document))
      .digest('hex')
      .slice(0, 128)
      .toUpperCase();
    documents.set(documentPath(group, version), { document, hash });
  }
  return documents;
}

let cached: Map<string, { document: unknown; hash: string }> | undefined;

/** The document at `/openapi/v3/<path>`, if any. */
export function openApiDocumentAt(path: string): unknown {
  cached ??= documentsByPath();
  return cached.get(path)?.document;
}

/** `/openapi/v3`: the index of group-version documents. */
export function openApiIndex() {
  cached ??= documentsByPath();
  return {
    paths: Object.fromEntries(
      [...cached].map(([path, { hash }]) => [
        path,
        { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` },
      ]),
    ),
  };
}
