// `skiff explain`: a kind's fields as kubectl explain prints them, read from
// the JSON Schemas the API server validates with (controlplane/api/schemas):
// the field's type in Go's notation (`<[]Container>`, `<map[string]string>`,
// `<ObjectMeta>`), `-required-`, enumerations, and the schema's description
// where it has one. The schemas are compiled into this build, so they are
// those of a server of the same version.

import { API_SCHEMAS, type ApiSchema } from '../../../controlplane/api/generated/schemas.js';
import type { SchemaNode } from '../../../controlplane/api/schema-node.js';

/** A node with the file its `$ref`s are relative to, and the definition it came from. */
interface Located {
  readonly node: SchemaNode;
  readonly file: string;
  /** The definition's name when the node is one (`Container`), for the type's name. */
  readonly definition?: string;
}

/** What explain asks: a kind, and a path of fields into it (empty: the kind itself). */
export interface ExplainRequest {
  readonly kind: string;
  readonly apiVersion: string;
  /** The kind's schema file (`pod.schema.json`). */
  readonly schemaId: string;
  readonly fieldPath: readonly string[];
  readonly recursive: boolean;
}

/** A field explain cannot find; its message is kubectl's. */
export class ExplainError extends Error {
  override readonly name = 'ExplainError';
}

const SCHEMAS = new Map<string, ApiSchema>(API_SCHEMAS.map((s) => [s.$id, s]));

function schemaFile(id: string): SchemaNode {
  const schema = SCHEMAS.get(id);
  if (!schema) throw new Error(`no JSON Schema ${id}`);
  return schema as SchemaNode;
}

/** Follows `$ref`s (`#/definitions/X`, `file.json#/definitions/X`) to the node they name. */
function resolve(located: Located): Located {
  let current = located;
  for (let hops = 0; current.node.$ref !== undefined; hops++) {
    if (hops > 16) throw new Error(`$ref loop at ${current.node.$ref}`);
    const [file = '', pointer = ''] = current.node.$ref.split('#');
    const target = file === '' ? current.file : file;
    const name = pointer.replace(/^\/definitions\//, '');
    const node = schemaFile(target).definitions?.[name];
    if (!node) throw new Error(`no definition ${current.node.$ref}`);
    current = { node, file: target, definition: name };
  }
  return current;
}

function child(parent: Located, node: SchemaNode): Located {
  return { node, file: parent.file };
}

/** Go's name of a node's type, as kubectl prints it between `<>`. */
function typeName(located: Located): string {
  const resolved = resolve(located);
  const { node, definition } = resolved;
  if (Array.isArray(node.type)) return definition ?? node.type.join('|');
  if (node.type === 'array' && node.items) return `[]${typeName(child(resolved, node.items))}`;
  if (node.type === 'object' || node.properties) {
    if (node.properties) return definition ?? 'Object';
    const values = node.additionalProperties;
    if (typeof values === 'object') return `map[string]${typeName(child(resolved, values))}`;
    return 'Object';
  }
  if (node.const !== undefined) return typeof node.const;
  return typeof node.type === 'string' ? node.type : 'Object';
}

/** The fields a node has: its properties, through arrays and maps to their items. */
function fieldsOf(located: Located): { holder: Located; names: string[] } {
  let holder = resolve(located);
  for (;;) {
    const { node } = holder;
    if (node.type === 'array' && node.items) holder = resolve(child(holder, node.items));
    else if (!node.properties && typeof node.additionalProperties === 'object') {
      holder = resolve(child(holder, node.additionalProperties));
    } else break;
  }
  return { holder, names: Object.keys(holder.node.properties ?? {}).sort() };
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : pad + line))
    .join('\n');
}

/** kubectl's line of one field: name, type, `-required-`; then its enumeration. */
function fieldLine(holder: Located, name: string, depth: number): string {
  const node = holder.node.properties?.[name] ?? {};
  const located = child(holder, node);
  const required = holder.node.required?.includes(name) ? ' -required-' : '';
  let line = `${' '.repeat(2 * depth)}${name}\t<${typeName(located)}>${required}\n`;
  const values = resolve(located).node.enum;
  if (values) line += `${' '.repeat(2 * depth)}enum: ${values.map(String).join(', ')}\n`;
  return line;
}

function recursiveFields(holder: Located, depth: number, seen: readonly string[]): string {
  let out = '';
  for (const name of Object.keys(holder.node.properties ?? {}).sort()) {
    out += fieldLine(holder, name, depth);
    const located = child(holder, holder.node.properties?.[name] ?? {});
    const { holder: inner, names } = fieldsOf(located);
    // A type that contains itself (none today) is printed once per branch.
    const id = `${inner.file}#${inner.definition ?? ''}`;
    if (names.length > 0 && !(inner.definition && seen.includes(id))) {
      out += recursiveFields(inner, depth + 1, [...seen, id]);
    }
  }
  return out;
}

/** The text of `kubectl explain`, or ExplainError naming a field that does not exist. */
export function explain(request: ExplainRequest): string {
  const root: Located = { node: schemaFile(request.schemaId), file: request.schemaId };
  let target = root;
  let fieldName: string | undefined;
  for (const name of request.fieldPath) {
    const { holder } = fieldsOf(target);
    const node = holder.node.properties?.[name];
    if (!node) throw new ExplainError(`field "${name}" does not exist`);
    target = child(holder, node);
    fieldName = name;
  }
  let out = `KIND:       ${request.kind}\nVERSION:    ${request.apiVersion}\n\n`;
  if (fieldName !== undefined) out += `FIELD: ${fieldName} <${typeName(target)}>\n\n`;
  const description = target.node.description ?? resolve(target).node.description;
  const values = resolve(target).node.enum;
  if (fieldName !== undefined && values) {
    out += `ENUM:\n${values.map((v) => `    ${String(v)}\n`).join('')}\n`;
  }
  out += `DESCRIPTION:\n${indent(description ?? '<empty>', 4)}\n\n`;
  const { holder, names } = fieldsOf(target);
  if (names.length === 0) return out;
  out += 'FIELDS:\n';
  if (request.recursive) return out + recursiveFields(holder, 1, []);
  for (const name of names) {
    out += fieldLine(holder, name, 1);
    const fieldDescription = holder.node.properties?.[name]?.description;
    out += fieldDescription ? `${indent(fieldDescription, 4)}\n\n` : '\n';
  }
  return out;
}
