// `/openapi/v2` in protobuf, the form kubectl asks for
// (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): the
// Swagger 2.0 document as gnostic's `openapi.v2.Document` message
// (github.com/google/gnostic, openapiv2/OpenAPIv2.proto), which kubectl reads
// into its validation models. Only the messages and fields Skiff's document
// uses are declared below, with gnostic's field numbers; JSON Schema keywords
// Swagger 2.0 has no field for (`oneOf`, `anyOf`, `nullable`) are left out,
// which leaves such a value unchecked on the client, as gnostic reading the
// JSON document would. Values of `default`, `enum` and vendor extensions are
// gnostic `Any`s holding YAML (JSON is YAML).

import protobuf from 'protobufjs/light.js';
import type { OpenApiV2Document } from './openapi-v2.js';

/** The media type kubectl asks for (kube-apiserver also answers the `.v1.0` spelling). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
export const OPENAPI_V2_PROTOBUF_TYPES: readonly string[] = [
  OPENAPI_V2_PROTOBUF,
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];

type FieldRule = 'repeated' | undefined;
type Fields = Record<string, { type: string; id: number; rule?: FieldRule }>;

const field = (type: string, id: number, rule?: FieldRule) => ({
  type,
  id,
  ...(rule ? { rule } : {}),
});
const repeated = (type: string, id: number) => field(type, id, 'repeated');
const named = (valueType: string): { fields: Fields } => ({
  fields: { name: field('string', 1), value: field(valueType, 2) },
});

const MESSAGES: Record<string, { fields: Fields; oneofs?: Record<string, { oneof: string[] }> }> = {
  Document: {
    fields: {
      swagger: field('string', 1),
      info: field('Info', 2),
      paths: field('Paths', 8),
      definitions: field('Definitions', 9),
    },
  },
  Info: { fields: { title: field('string', 1), version: field('string', 2) } },
  Any: { fields: { yaml: field('string', 2) } },
  NamedAny: named('Any'),
  Paths: { fields: { path: repeated('NamedPathItem', 2) } },
  NamedPathItem: named('PathItem'),
  PathItem: {
    fields: {
      get: field('Operation', 2),
      put: field('Operation', 3),
      post: field('Operation', 4),
      delete: field('Operation', 5),
      patch: field('Operation', 8),
    },
  },
  Operation: {
    fields: {
      tags: repeated('string', 1),
      description: field('string', 3),
      operationId: field('string', 5),
      produces: repeated('string', 6),
      consumes: repeated('string', 7),
      parameters: repeated('ParametersItem', 8),
      responses: field('Responses', 9),
      schemes: repeated('string', 10),
      vendorExtension: repeated('NamedAny', 13),
    },
  },
  ParametersItem: { fields: { parameter: field('Parameter', 1) } },
  Parameter: {
    fields: {
      bodyParameter: field('BodyParameter', 1),
      nonBodyParameter: field('NonBodyParameter', 2),
    },
  },
  BodyParameter: {
    fields: {
      description: field('string', 1),
      name: field('string', 2),
      in: field('string', 3),
      required: field('bool', 4),
      schema: field('Schema', 5),
    },
  },
  NonBodyParameter: {
    fields: {
      queryParameterSubSchema: field('QueryParameterSubSchema', 3),
      pathParameterSubSchema: field('PathParameterSubSchema', 4),
    },
  },
  QueryParameterSubSchema: {
    fields: {
      required: field('bool', 1),
      in: field('string', 2),
      description: field('string', 3),
      name: field('string', 4),
      type: field('string', 6),
      uniqueItems: field('bool', 20),
    },
  },
  PathParameterSubSchema: {
    fields: {
      required: field('bool', 1),
      in: field('string', 2),
      description: field('string', 3),
      name: field('string', 4),
      type: field('string', 5),
      uniqueItems: field('bool', 19),
    },
  },
  Responses: { fields: { responseCode: repeated('NamedResponseValue', 1) } },
  NamedResponseValue: named('ResponseValue'),
  ResponseValue: { fields: { response: field('Response', 1) } },
  Response: { fields: { description: field('string', 1) } },
  Definitions: { fields: { additionalProperties: repeated('NamedSchema', 1) } },
  NamedSchema: named('Schema'),
  Schema: {
    fields: {
      ref: field('string', 1),
      format: field('string', 2),
      title: field('string', 3),
      description: field('string', 4),
      default: field('Any', 5),
      multipleOf: field('double', 6),
      maximum: field('double', 7),
      exclusiveMaximum: field('bool', 8),
      minimum: field('double', 9),
      exclusiveMinimum: field('bool', 10),
      maxLength: field('int64', 11),
      minLength: field('int64', 12),
      pattern: field('string', 13),
      maxItems: field('int64', 14),
      minItems: field('int64', 15),
      uniqueItems: field('bool', 16),
      maxProperties: field('int64', 17),
      minProperties: field('int64', 18),
      required: repeated('string', 19),
      enum: repeated('Any', 20),
      additionalProperties: field('AdditionalPropertiesItem', 21),
      type: field('TypeItem', 22),
      items: field('ItemsItem', 23),
      allOf: repeated('Schema', 24),
      properties: field('Properties', 25),
      readOnly: field('bool', 27),
      vendorExtension: repeated('NamedAny', 31),
    },
  },
  AdditionalPropertiesItem: { fields: { schema: field('Schema', 1), boolean: field('bool', 2) } },
  TypeItem: { fields: { value: repeated('string', 1) } },
  ItemsItem: { fields: { schema: repeated('Schema', 1) } },
  Properties: { fields: { additionalProperties: repeated('NamedSchema', 1) } },
};

const documentType = protobuf.Root.fromJSON({
  nested: { openapi: { nested: { v2: { nested: MESSAGES } } } },
}).lookupType('openapi.v2.Document');

type Message = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function anyOf(value: unknown): Message {
  return { yaml: JSON.stringify(value) };
}

function vendorExtensions(object: Record<string, unknown>): Message[] {
  return Object.entries(object)
    .filter(([key]) => key.startsWith('x-'))
    .map(([name, value]) => ({ name, value: anyOf(value) }));
}

/** Schema keywords carried as they are (strings, numbers, booleans, string lists). */
const PLAIN_KEYWORDS: Readonly<Record<string, string>> = {
  $ref: 'ref',
  format: 'format',
  title: 'title',
  description: 'description',
  multipleOf: 'multipleOf',
  maximum: 'maximum',
  exclusiveMaximum: 'exclusiveMaximum',
  minimum: 'minimum',
  exclusiveMinimum: 'exclusiveMinimum',
  maxLength: 'maxLength',
  minLength: 'minLength',
  pattern: 'pattern',
  maxItems: 'maxItems',
  minItems: 'minItems',
  uniqueItems: 'uniqueItems',
  maxProperties: 'maxProperties',
  minProperties: 'minProperties',
  required: 'required',
  readOnly: 'readOnly',
};

function namedSchemas(schemas: Record<string, unknown>): Message[] {
  return Object.entries(schemas).map(([name, value]) => ({ name, value: schemaMessage(value) }));
}

/** A JSON Schema as gnostic's `Schema`. */
function schemaMessage(schema: unknown): Message {
  if (!isRecord(schema)) return {};
  const message: Message = {};
  for (const [keyword, value] of Object.entries(schema)) {
    const plain = PLAIN_KEYWORDS[keyword];
    if (plain !== undefined) message[plain] = value;
    else if (keyword === 'default') message['default'] = anyOf(value);
    else if (keyword === 'enum' && Array.isArray(value)) message['enum'] = value.map(anyOf);
    else if (keyword === 'type')
      message['type'] = { value: Array.isArray(value) ? value : [value] };
    else if (keyword === 'items') {
      message['items'] = { schema: (Array.isArray(value) ? value : [value]).map(schemaMessage) };
    } else if (keyword === 'allOf' && Array.isArray(value))
      message['allOf'] = value.map(schemaMessage);
    else if (keyword === 'properties' && isRecord(value)) {
      message['properties'] = { additionalProperties: namedSchemas(value) };
    } else if (keyword === 'additionalProperties') {
      message['additionalProperties'] =
        typeof value === 'boolean' ? { boolean: value } : { schema: schemaMessage(value) };
    }
  }
  const extensions = vendorExtensions(schema);
  if (extensions.length > 0) message['vendorExtension'] = extensions;
  return message;
}

/** A Swagger 2.0 parameter as gnostic's `ParametersItem`. */
function parameterMessage(parameter: unknown): Message {
  if (!isRecord(parameter)) return {};
  if (parameter['in'] === 'body') {
    const { schema, ...rest } = parameter;
    return { parameter: { bodyParameter: { ...rest, schema: schemaMessage(schema) } } };
  }
  const sub = parameter['in'] === 'path' ? 'pathParameterSubSchema' : 'queryParameterSubSchema';
  return { parameter: { nonBodyParameter: { [sub]: parameter } } };
}

function operationMessage(operation: Record<string, unknown>): Message {
  const { parameters, responses, ...rest } = operation;
  return {
    ...rest,
    parameters: Array.isArray(parameters) ? parameters.map(parameterMessage) : [],
    responses: {
      responseCode: Object.entries(isRecord(responses) ? responses : {}).map(([name, value]) => ({
        name,
        value: { response: { description: isRecord(value) ? value['description'] : '' } },
      })),
    },
    vendorExtension: vendorExtensions(operation),
  };
}

/** The document as gnostic's `openapi.v2.Document`, encoded. */
export function encodeOpenApiV2(document: OpenApiV2Document): Uint8Array {
  const message = {
    swagger: document.swagger,
    info: document.info,
    paths: {
      path: Object.entries(document.paths).map(([name, item]) => ({
        name,
        value: Object.fromEntries(
          Object.entries(item).map(([method, operation]) => [method, operationMessage(operation)]),
        ),
      })),
    },
    definitions: { additionalProperties: namedSchemas(document.definitions) },
  };
  return documentType.encode(documentType.fromObject(message)).finish();
}
