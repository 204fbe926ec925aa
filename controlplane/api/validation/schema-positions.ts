// Positions in the API's JSON Schemas: the node that describes a value, found
// by following `properties`, `additionalProperties` and `items` from a kind's
// root and resolving `$ref`s across the schema files. Field paths, zero values
// and quantity canonicalization all walk objects alongside their schema.

import { API_SCHEMAS } from '../generated/schemas.js';
import { isRecord } from '../json-values.js';
import { child, index, key } from './field-errors.js';

/** A schema object (already parsed JSON). */
export type SchemaNode = Readonly<Record<string, unknown>>;

const BY_ID: ReadonlyMap<string, SchemaNode> = new Map(API_SCHEMAS.map((s) => [s.$id, s]));

/** `meta.schema.json#/definitions/Quantity`: how a `$ref` is named once made absolute. */
export type SchemaRef = string;

/**
 * Where a value sits in the schemas: its node (undefined for a field the
 * schema does not know), the file local `#/...` refs resolve in, and the
 * absolute refs followed to reach the node (so callers can tell a Quantity
 * or a ResourceList by name).
 */
export interface SchemaPosition {
  readonly node: SchemaNode | undefined;
  readonly file: string;
  readonly refs: readonly SchemaRef[];
}

/** How a step from an object to one of its fields went: a declared field, a map key, or unknown. */
export type StepKind = 'property' | 'key' | 'unknown';

const MAX_REF_HOPS = 16;

// The schemas never change, so neither does a position: every request walks
// the same few hundred, resolved once each.
const resolved = new WeakMap<SchemaNode, Map<string, SchemaPosition>>();

function resolve(node: SchemaNode | undefined, file: string): SchemaPosition {
  if (node === undefined) return resolveRefs(node, file);
  let byFile = resolved.get(node);
  if (byFile === undefined) {
    byFile = new Map();
    resolved.set(node, byFile);
  }
  let position = byFile.get(file);
  if (position === undefined) {
    position = resolveRefs(node, file);
    byFile.set(file, position);
  }
  return position;
}

function resolveRefs(node: SchemaNode | undefined, file: string): SchemaPosition {
  const refs: SchemaRef[] = [];
  let current = node;
  let currentFile = file;
  for (
    let hops = 0;
    current && typeof current['$ref'] === 'string' && hops < MAX_REF_HOPS;
    hops++
  ) {
    const [target = '', pointer = ''] = current['$ref'].split('#');
    currentFile = target === '' ? currentFile : target;
    refs.push(`${currentFile}#${pointer}`);
    let next: unknown = BY_ID.get(currentFile);
    for (const step of pointer.split('/').filter(Boolean))
      next = isRecord(next) ? next[step] : undefined;
    current = isRecord(next) ? next : undefined;
  }
  return { node: current, file: currentFile, refs };
}

/** The position of a kind's whole object, from its schema's `$id`. */
export function rootPosition(schemaId: string): SchemaPosition {
  return resolve(BY_ID.get(schemaId), schemaId);
}

/** The position of field `name` of an object at `position`, and whether it is a declared field or a map key. */
export function fieldPosition(
  position: SchemaPosition,
  name: string,
): { readonly position: SchemaPosition; readonly step: StepKind } {
  const properties = position.node?.['properties'];
  if (isRecord(properties) && Object.prototype.hasOwnProperty.call(properties, name)) {
    const child = properties[name];
    return {
      position: resolve(isRecord(child) ? child : undefined, position.file),
      step: 'property',
    };
  }
  const values = valuePosition(position);
  if (values !== undefined) return { position: values, step: 'key' };
  return { position: { node: undefined, file: position.file, refs: [] }, step: 'unknown' };
}

/** The position of the values of a map at `position` (`additionalProperties`); undefined when it declares none. */
export function valuePosition(position: SchemaPosition): SchemaPosition | undefined {
  const additional = position.node?.['additionalProperties'];
  return isRecord(additional) ? resolve(additional, position.file) : undefined;
}

/** The position of the items of an array at `position`. */
export function itemPosition(position: SchemaPosition): SchemaPosition {
  const items = position.node?.['items'];
  return resolve(isRecord(items) ? items : undefined, position.file);
}

/** The positions of every field and item a value at `position` may have (declared fields, map values, array items). */
export function childPositions(position: SchemaPosition): SchemaPosition[] {
  const node = position.node;
  if (!node) return [];
  const children: SchemaPosition[] = [];
  const properties = node['properties'];
  if (isRecord(properties)) {
    for (const field of Object.values(properties)) {
      children.push(resolve(isRecord(field) ? field : undefined, position.file));
    }
  }
  const values = valuePosition(position);
  if (values !== undefined) children.push(values);
  if (isRecord(node['items'])) children.push(itemPosition(position));
  return children;
}

/** The JSON types a node allows (`type` as a list; [] when it names none). */
export function schemaTypes(node: SchemaNode | undefined): string[] {
  const type = node?.['type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
}

/** Visits one value of a walk: returns the value to keep (itself, or a replacement). */
export type SchemaVisitor = (value: unknown, position: SchemaPosition, path: string) => unknown;

/**
 * Walks `value` alongside the schema, depth first, parents before children,
 * with each value's Kubernetes field path (`spec.containers[0]`,
 * `metadata.labels[app]`). `visit` may return a replacement for the value it
 * is given; children of the replacement are walked. Fields the schema does
 * not know are not visited.
 */
export function walkWithSchema(
  value: unknown,
  position: SchemaPosition,
  visit: SchemaVisitor,
  path = '',
): unknown {
  const current = visit(value, position, path);
  if (Array.isArray(current)) {
    const items = itemPosition(position);
    current.forEach((item: unknown, i) => {
      const next = walkWithSchema(item, items, visit, index(path, i));
      if (next !== item) current[i] = next;
    });
  } else if (isRecord(current)) {
    for (const [name, field] of Object.entries(current)) {
      const next = fieldPosition(position, name);
      if (next.step === 'unknown' || !next.position.node) continue;
      const fieldPath = next.step === 'key' ? key(path, name) : child(path, name);
      const replaced = walkWithSchema(field, next.position, visit, fieldPath);
      if (replaced !== field) current[name] = replaced;
    }
  }
  return current;
}
