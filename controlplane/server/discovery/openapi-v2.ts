// `/openapi/v2`: the Swagger 2.0 document of every served path, in JSON. It
// carries what clients read from it (each operation's group-version-kind,
// action and query parameters, `fieldValidation` among them); component
// schemas are left out for the reason openapi.ts gives. The apiserver serves
// v2 in protobuf to kubectl, which Skiff does not write: kubectl asks for
// protobuf only, gets 406, and goes on with OpenAPI v3 and its built-in types.

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

let cached: unknown;

/** The `/openapi/v2` document. */
export function openApiV2Document(): unknown {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { group, version } of servedGroupVersions()) {
    const document = openApiDocument(group, version);
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
    definitions: {},
  };
  return cached;
}
