// The component schemas of the OpenAPI v3 documents, in the apiserver's form:
// one schema per Go type, named after its package
// (`io.k8s.api.core.v1.PodSpec`, `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`),
// made from the JSON Schemas the server validates with, so that what clients
// read is what the server accepts. Two clients read them:
//
// - `kubectl explain` finds a kind's schema by its
//   `x-kubernetes-group-version-kind` and walks its properties;
// - `kubectl apply` computes its strategic merge patch from them once a kind
//   has a schema: which lists merge, and by which key, is read from
//   `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key`. Those
//   come from api/patch-meta.ts, the table the server's own strategic merge
//   patch follows, so kubectl and the server always agree on a list.
//
// The JSON Schema keywords OpenAPI 3.0 or Kubernetes do not use are left out
// (`const`, `additionalProperties: false`, patterns and bounds: the server
// checks those); scalar definitions (`Protocol`, `ResourceList`, ...) are
// written in place, as Go's named strings and maps are in Kubernetes' schemas.

import { conversionOf } from '../../api/conversion/index.js';
import { API_SCHEMAS, KIND_SCHEMA_IDS } from '../../api/generated/schemas.js';
import {
  listMapKeys,
  OBJECT_PATCH_META,
  patchMetaFor,
  type PatchMeta,
} from '../../api/patch-meta.js';
import type { SchemaNode } from '../../api/schema-node.js';
import type { ResourceType } from '../../api/resources.js';
import { CONVERTED_TYPES, RESOURCE_TYPES, REVIEW_TYPES } from '../../api/resources.js';

/** An OpenAPI v3 schema object. */
export type OpenApiSchema = Record<string, unknown>;

const META_PACKAGE = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE_PACKAGE = 'io.k8s.api.core.v1';

/** Types that live in packages of their own in Kubernetes, and their schemas there. */
const APIMACHINERY_TYPES: Readonly<Record<string, { name: string; schema: OpenApiSchema }>> = {
  'meta.schema.json#Quantity': {
    name: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
    schema: { oneOf: [{ type: 'string' }, { type: 'number' }] },
  },
  'meta.schema.json#IntOrString': {
    name: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    schema: { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
  },
};

/** The formats Kubernetes' schemas use; Skiff's own (`quantity`) stay with ajv. */
const OPENAPI_FORMATS = new Set(['int32', 'int64', 'double', 'byte', 'date-time']);

const SCHEMA_FILES = new Map(
  API_SCHEMAS.map((schema) => [schema.$id, schema as unknown as SchemaNode]),
);

function packageOf(group: string, version: string): string {
  return `io.k8s.api.${group === '' ? 'core' : (group.split('.')[0] ?? group)}.${version}`;
}

/** The Go package of each schema file's types (a served form's: its group-version's). */
const FILE_PACKAGES = new Map<string, string>([
  ['meta.schema.json', META_PACKAGE],
  ['pod-spec.schema.json', CORE_PACKAGE],
  ...[...RESOURCE_TYPES, ...REVIEW_TYPES, ...CONVERTED_TYPES].flatMap(
    (type): [string, string][] => {
      const file = schemaFileOf(type);
      return file ? [[file, packageOf(type.group, type.version)]] : [];
    },
  ),
]);

/** The kind of each served form's schema file (which has no title: it is not a kind of its own). */
const SERVED_FORM_KINDS = new Map(
  CONVERTED_TYPES.flatMap((type): [string, string][] => {
    const file = conversionOf(type)?.schemaId;
    return file ? [[file, type.kind]] : [];
  }),
);

function schemaFile(file: string): SchemaNode {
  const schema = SCHEMA_FILES.get(file);
  if (!schema) throw new Error(`no JSON Schema ${file}`);
  return schema;
}

/** The component name of a file's definition (or of the file's kind, without one). */
function componentName(file: string, definition?: string): string {
  const special = APIMACHINERY_TYPES[`${file}#${definition ?? ''}`];
  if (special) return special.name;
  const pkg = FILE_PACKAGES.get(file);
  if (!pkg) throw new Error(`no Go package known for ${file}`);
  const title =
    definition ?? (schemaFile(file) as { title?: string }).title ?? SERVED_FORM_KINDS.get(file);
  return `${pkg}.${title ?? file}`;
}

/** The file and definition a `$ref` names, relative to `file`. */
function target(ref: string, file: string): { file: string; definition: string } {
  const [refFile = '', pointer = ''] = ref.split('#');
  return {
    file: refFile === '' ? file : refFile,
    definition: pointer.replace(/^\/definitions\//, ''),
  };
}

function definitionAt(file: string, definition: string): SchemaNode {
  const node = schemaFile(file).definitions?.[definition];
  if (!node) throw new Error(`no definition ${definition} in ${file}`);
  return node;
}

/** A definition that Kubernetes writes in place: a named scalar or map, not a struct. */
function isInline(file: string, definition: string): boolean {
  if (APIMACHINERY_TYPES[`${file}#${definition}`]) return false;
  const node = definitionAt(file, definition);
  if (node.properties) return false;
  // Time and MicroTime are components in Kubernetes (strings with a format).
  return !(file === 'meta.schema.json' && node.format === 'date-time');
}

/**
 * The `x-kubernetes-patch-*` extensions of a field (strategic merge patch),
 * and its `x-kubernetes-list-*` and `x-kubernetes-map-type` (server-side
 * apply, for clients that diff as the server merges).
 */
function patchExtensions(meta: PatchMeta | undefined): OpenApiSchema {
  if (!meta) return {};
  const strategies = [meta.list ? 'merge' : undefined, meta.retainKeys ? 'retainKeys' : undefined];
  const strategy = strategies.filter((s) => s !== undefined).join(',');
  const keys = meta.atomic ? [] : listMapKeys(meta);
  const listType = meta.atomic ? 'atomic' : keys.length > 0 ? 'map' : 'set';
  return {
    ...(meta.list?.mergeKey ? { 'x-kubernetes-patch-merge-key': meta.list.mergeKey } : {}),
    ...(strategy ? { 'x-kubernetes-patch-strategy': strategy } : {}),
    ...(meta.list ? { 'x-kubernetes-list-type': listType } : {}),
    ...(keys.length > 0 ? { 'x-kubernetes-list-map-keys': [...keys] } : {}),
    ...(meta.atomic && !meta.list ? { 'x-kubernetes-map-type': 'atomic' } : {}),
  };
}

/** Builds the components of one document: every type its kinds reach. */
class ComponentBuilder {
  readonly schemas: Record<string, OpenApiSchema> = {};
  /** Patch meta found for each component, merged over the kinds that reach it. */
  readonly #patchMeta = new Map<string, PatchMeta>();

  addKind(type: ResourceType, file: string): void {
    const name = componentName(file);
    // A served form's fields are not its stored kind's: only metadata's rules hold for it.
    this.#notePatchMeta(name, conversionOf(type) ? OBJECT_PATCH_META : patchMetaFor(type.kind));
    this.schemas[name] = {
      ...this.#convert(schemaFile(file), file, name),
      'x-kubernetes-group-version-kind': [
        { group: type.group, kind: type.kind, version: type.version },
      ],
    };
  }

  #notePatchMeta(component: string, meta: PatchMeta | undefined): void {
    if (!meta?.fields) return;
    const known = this.#patchMeta.get(component);
    this.#patchMeta.set(
      component,
      known ? { fields: { ...known.fields, ...meta.fields } } : { fields: meta.fields },
    );
  }

  /** A `$ref` as a component reference, adding the component (and what it reaches). */
  #reference(ref: string, file: string, meta: PatchMeta | undefined): OpenApiSchema {
    const at = target(ref, file);
    if (isInline(at.file, at.definition)) {
      return this.#convert(definitionAt(at.file, at.definition), at.file, undefined, meta);
    }
    const name = componentName(at.file, at.definition);
    this.#notePatchMeta(name, meta);
    if (!(name in this.schemas)) {
      const special = APIMACHINERY_TYPES[`${at.file}#${at.definition}`];
      const definition = definitionAt(at.file, at.definition);
      // Placed first, so that a type reaching itself stops here.
      this.schemas[name] = {};
      this.schemas[name] = special
        ? { ...special.schema }
        : this.#component(definition, at.file, name);
    } else if (meta?.fields) {
      // Reached again with patch meta (a kind sharing the type): rebuild with all of it.
      this.schemas[name] = this.#component(definitionAt(at.file, at.definition), at.file, name);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  /** A type's component: its fields carry its description (see #field). */
  #component(definition: SchemaNode, file: string, name: string): OpenApiSchema {
    const schema = this.#convert(definition, file, name);
    delete schema.description;
    return schema;
  }

  /**
   * One node in OpenAPI's form. `component` names the component the node is
   * (its patch meta is looked up there); `meta` is the patch meta of a node
   * written in place.
   */
  #convert(node: SchemaNode, file: string, component?: string, meta?: PatchMeta): OpenApiSchema {
    const own = component ? this.#patchMeta.get(component) : meta;
    const out: OpenApiSchema = {};
    if (node.description !== undefined) out.description = node.description;
    if (node.properties) {
      out.type = 'object';
      out.properties = Object.fromEntries(
        Object.entries(node.properties).map(([field, child]) => [
          field,
          this.#field(child, file, own?.fields?.[field]),
        ]),
      );
      if (node.required?.length) out.required = [...node.required];
      return out;
    }
    if (node.const !== undefined) {
      out.type = typeof node.const;
      return out;
    }
    if (typeof node.type === 'string') out.type = node.type;
    if (node.format !== undefined && OPENAPI_FORMATS.has(node.format)) out.format = node.format;
    if (node.enum) out.enum = [...node.enum];
    if (node.items) out.items = this.#value(node.items, file, own?.items);
    if (typeof node.additionalProperties === 'object') {
      out.additionalProperties = this.#value(node.additionalProperties, file, undefined);
    }
    return out;
  }

  /**
   * A property: a reference wrapped in `allOf` (so that it can have a
   * description), or the node in place. A field without a description of its
   * own has its type's: the types' components have none, so that kubectl
   * explain prints each once.
   */
  #field(node: SchemaNode, file: string, meta: PatchMeta | undefined): OpenApiSchema {
    const description = node.description ?? this.#typeDescription(node, file);
    const described = description !== undefined ? { description } : {};
    if (node.$ref === undefined) {
      return {
        ...this.#convert(node, file, undefined, meta),
        ...described,
        ...patchExtensions(meta),
      };
    }
    const reference = this.#reference(node.$ref, file, meta);
    if (reference.$ref === undefined)
      return { ...reference, ...described, ...patchExtensions(meta) };
    return { allOf: [reference], ...described, ...patchExtensions(meta) };
  }

  /** An item or map value: a bare reference, or the node in place. */
  #value(node: SchemaNode, file: string, meta: PatchMeta | undefined): OpenApiSchema {
    if (node.$ref !== undefined) return this.#reference(node.$ref, file, meta);
    return this.#convert(node, file, undefined, meta);
  }

  /** The description of the type a node refers to, directly or as its items or values. */
  #typeDescription(node: SchemaNode, file: string): string | undefined {
    const values = typeof node.additionalProperties === 'object' ? node.additionalProperties : {};
    const ref = node.$ref ?? node.items?.$ref ?? values.$ref;
    if (ref === undefined) return undefined;
    const at = target(ref, file);
    return definitionAt(at.file, at.definition).description;
  }
}

/**
 * The schema file of a type's objects: its kind's, or for a converted
 * version (autoscaling/v1 HPAs) its served form's.
 */
function schemaFileOf(type: ResourceType): string | undefined {
  return conversionOf(type)?.schemaId ?? KIND_SCHEMA_IDS[type.kind];
}

/** The `components.schemas` of the document serving `types` (one group-version). */
export function componentSchemas(types: readonly ResourceType[]): Record<string, OpenApiSchema> {
  const builder = new ComponentBuilder();
  for (const type of types) {
    const file = schemaFileOf(type);
    if (file) builder.addKind(type, file);
  }
  return Object.fromEntries(
    Object.entries(builder.schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** The component name of a type's objects, for operations to refer to. */
export function kindComponentName(type: ResourceType): string | undefined {
  const file = schemaFileOf(type);
  return file ? componentName(file) : undefined;
}
