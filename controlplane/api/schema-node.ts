// The shape of a node of the API's JSON Schemas (controlplane/api/schemas), as
// far as the code that walks them reads it: explain (the CLI's) and the
// OpenAPI component schemas (the server's).

/** A JSON Schema (draft-07) node of controlplane/api/schemas. */
export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly definitions?: Readonly<Record<string, SchemaNode>>;
}
