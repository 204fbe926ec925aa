// `/openapi/v2`: the Swagger 2.0 document of every served path and kind, in
// JSON or, as kubectl asks for it, in protobuf (openapi-v2-protobuf.ts). It
// carries what clients read from it: each operation's group-version-kind,
// action and query parameters (`fieldValidation` among them), and the
// definitions of the kinds, the same component schemas as OpenAPI v3's. kubectl
// validates against those definitions what it cannot leave to the server:
// the items of a `kind: List` and kinds without a PATCH operation (reviews).

import { servedGroupVersions } from './documents.js';
import { openApiDocument } from './openapi.js';
import { KUBERNETES_GIT_VERSION } from './version.js';

/** A v3 operation, as openapi.ts builds them. */
interface V3Operation {
  readonly parameters?: readonly {
    readonly name: string;
    readonly in: string;
    readonly description: string;
    readonly schema: { readonly type: string };
  }[];
  readonly requestBody?: { readonly content: Readonly<Record<string, unknown>> };
  readonly [extension: string]: unknown;
}

/** The v2 form of a v3 operation: typed parameters, the body as a parameter, `consumes` for its media types. */
function toV2(operation: V3Operation): Record<string, unknown> {
  // `responses` of `rest` is replaced below: v2 has no content types there.
  const { parameters = [], requestBody, ...rest } = operation;
  const query = parameters.map((p) => ({
    name: p.name,
    in: p.in,
    description: p.description,
    type: p.schema.type,
    uniqueItems: true,
  }));
  const body = requestBody
    ? [{ name: 'body', in: 'body', required: true, schema: { type: 'object' } }]
    : [];
  return {
    ...rest,
    ...(requestBody ? { consumes: Object.keys(requestBody.content) } : {}),
    produces: ['application/json'],
    schemes: ['https'],
    parameters: [...body, ...query],
    responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } },
  };
}

/** A v3 component schema with its references pointed at v2's `definitions`. */
function v2Schema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(v2Schema);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string'
        ? value.replace('#/components/schemas/', '#/definitions/')
        : v2Schema(value),
    ]),
  );
}

/** A Swagger 2.0 document, as far as Skiff writes one. */
export interface OpenApiV2Document {
  readonly swagger: '2.0';
  readonly info: { readonly title: string; readonly version: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
  readonly definitions: Readonly<Record<string, unknown>>;
}

let cached: OpenApiV2Document | undefined;

/** The `/openapi/v2` document. */
export function openApiV2Document(): OpenApiV2Document {
  if (cached) return cached;
  const paths: Record<string, Record<string, Record<string, unknown>>> = {};
  const definitions: Record<string, unknown> = {};
  for (const { group, version } of servedGroupVersions()) {
    const document = openApiDocument(group, version);
    // Group-versions share types (ObjectMeta): the same schema under the same name.
    for (const [name, schema] of Object.entries(document?.components.schemas ?? {})) {
      definitions[name] ??= v2Schema(schema);
    }
    for (const [path, item] of Object.entries(document?.paths ?? {})) {
      const operations = item as Record<string, V3Operation>;
      paths[path] = Object.fromEntries(
        Object.entries(operations).map(([method, op]) => [method, toV2(op)]),
      );
    }
  }
  cached = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: KUBERNETES_GIT_VERSION },
    paths,
    definitions,
  };
  return cached;
}
