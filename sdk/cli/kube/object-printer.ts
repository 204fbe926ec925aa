// `-o yaml`, `-o json` and `-o name`, as kubectl prints them: keys sorted (Go
// writes maps that way), JSON indented by four spaces, YAML with sequences
// flush with their key and strings quoted where YAML 1.1 would misread them;
// several objects as a `List`, a stream of objects (`get -w`) as documents.

import { stringify } from 'yaml';
import type { ResourceType } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { sortKeys, type Json } from './json-values.js';

/** The output formats that print objects rather than a table. */
export type ObjectFormat = 'yaml' | 'json';

/** `pod`, `deployment.apps`: how kubectl names a type before `/name`. */
export function qualifiedKind(type: Pick<ResourceType, 'kind' | 'group'>): string {
  const kind = type.kind.toLowerCase();
  return type.group ? `${kind}.${type.group}` : kind;
}

/** `pod/x`, `deployment.apps/kubia` (kubectl's `-o name`). */
export function objectName(type: Pick<ResourceType, 'kind' | 'group'>, name: string): string {
  return `${qualifiedKind(type)}/${name}`;
}

/** One value as YAML or JSON, with a trailing newline. */
export function formatValue(value: unknown, format: ObjectFormat): string {
  const sorted = sortKeys(value as Json);
  if (format === 'json') return JSON.stringify(sorted, null, 4) + '\n';
  return stringify(sorted, { indentSeq: false, version: '1.1' });
}

/** `object` without metadata.managedFields, which kubectl hides unless --show-managed-fields. */
export function withoutManagedFields(object: KubeObject): KubeObject {
  if (object.metadata.managedFields === undefined) return object;
  const metadata = { ...object.metadata };
  delete metadata.managedFields;
  return { ...object, metadata };
}

/** kubectl's `List` of `objects` (its resourceVersion empty, as kubectl's is). */
export function listOf(objects: readonly KubeObject[]): Json {
  return {
    apiVersion: 'v1',
    items: objects as unknown as Json[],
    kind: 'List',
    metadata: { resourceVersion: '' },
  };
}

/**
 * The objects in `format`: one object alone when `single` (one name asked
 * for, and found), else a `v1 List` of them (empty included), as
 * `kubectl get -o yaml` prints.
 */
export function formatObjects(
  objects: readonly KubeObject[],
  format: ObjectFormat,
  single: boolean,
): string {
  if (single && objects.length === 1) return formatValue(objects[0], format);
  return formatValue(listOf(objects), format);
}

/** Prints objects one at a time (a watch's events). */
export interface ObjectPrinter {
  /** The text for the next object of `type`. */
  print(object: KubeObject, type: Pick<ResourceType, 'kind' | 'group'>): string;
}

/**
 * Prints objects one by one, as kubectl does while watching: `-o yaml`
 * documents separated by `---`, `-o json` objects one after the other,
 * `-o name` one name a line.
 */
export class ObjectStreamPrinter implements ObjectPrinter {
  private printed = 0;

  constructor(private readonly format: ObjectFormat | 'name') {}

  /** The text for the next object of `type`. */
  print(object: KubeObject, type: Pick<ResourceType, 'kind' | 'group'>): string {
    if (this.format === 'name') return objectName(type, object.metadata.name ?? '') + '\n';
    const separator = this.format === 'yaml' && this.printed > 0 ? '---\n' : '';
    this.printed++;
    return separator + formatValue(object, this.format);
  }
}
