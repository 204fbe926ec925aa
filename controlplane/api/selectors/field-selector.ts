// Field selectors (`metadata.name=x,spec.nodeName!=`), parsed as
// apimachinery's fields.ParseSelector does (`=`, `==`, `!=`; `\,` `\=` `\\`
// escapes in values), and the fields each kind lets them name, with the
// values Kubernetes' GetAttrs gives them (a missing field is '').

import { isRecord } from '../json-values.js';
import type { ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { SelectorError } from './label-requirements.js';

/** One term: `field=value` or `field!=value` (`==` is read as `=`). */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** Splits on commas not escaped by a backslash. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** The first operator of a term, trying `!=`, `==`, `=` at each position. */
function splitTerm(
  term: string,
): { field: string; operator: '=' | '==' | '!='; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of ['!=', '==', '='] as const) {
      if (term.startsWith(operator, i)) {
        return { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
      }
    }
  }
  return undefined;
}

function unescapeValue(value: string): string {
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '=') {
      throw new SelectorError(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0)}`,
      );
    } else out += c;
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/**
 * Parses a field selector string into its terms (sorted, as Kubernetes
 * sorts them); '' selects everything. Throws SelectorError with Kubernetes'
 * message when it does not parse. Which fields a kind allows is
 * `isSelectableField`'s question.
 */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(text).sort()) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    requirements.push({
      field: parts.field,
      operator: parts.operator === '!=' ? '!=' : '=',
      value: unescapeValue(parts.value),
    });
  }
  return requirements;
}

/** A requirement in the string form (`spec.nodeName!=`), its value escaped. */
export function formatFieldRequirement(requirement: FieldRequirement): string {
  const value = requirement.value.replace(/[\\,=]/g, (c) => `\\${c}`);
  return `${requirement.field}${requirement.operator}${value}`;
}

type FieldPaths = Readonly<Record<string, readonly string[]>>;

const OBJECT_META: FieldPaths = {
  'metadata.name': ['metadata', 'name'],
  'metadata.namespace': ['metadata', 'namespace'],
};

/** Kubernetes' selectable fields beyond metadata, per kind (its registries' GetAttrs). */
const BY_KIND: Readonly<Record<string, FieldPaths>> = {
  Pod: {
    'spec.nodeName': ['spec', 'nodeName'],
    'spec.restartPolicy': ['spec', 'restartPolicy'],
    'spec.schedulerName': ['spec', 'schedulerName'],
    'spec.serviceAccountName': ['spec', 'serviceAccountName'],
    'spec.hostNetwork': ['spec', 'hostNetwork'],
    'status.phase': ['status', 'phase'],
    'status.podIP': ['status', 'podIP'],
    'status.nominatedNodeName': ['status', 'nominatedNodeName'],
  },
  Node: { 'spec.unschedulable': ['spec', 'unschedulable'] },
  Namespace: { 'status.phase': ['status', 'phase'] },
  Secret: { type: ['type'] },
  ReplicaSet: { 'status.replicas': ['status', 'replicas'] },
  Service: { 'spec.clusterIP': ['spec', 'clusterIP'], 'spec.type': ['spec', 'type'] },
  Event: {
    'involvedObject.kind': ['involvedObject', 'kind'],
    'involvedObject.namespace': ['involvedObject', 'namespace'],
    'involvedObject.name': ['involvedObject', 'name'],
    'involvedObject.uid': ['involvedObject', 'uid'],
    'involvedObject.apiVersion': ['involvedObject', 'apiVersion'],
    'involvedObject.resourceVersion': ['involvedObject', 'resourceVersion'],
    'involvedObject.fieldPath': ['involvedObject', 'fieldPath'],
    reason: ['reason'],
    reportingComponent: ['reportingComponent'],
    source: ['source', 'component'],
    type: ['type'],
  },
};

/** Booleans Kubernetes selects as "false" when unset. */
const FALSE_WHEN_UNSET = new Set(['spec.hostNetwork', 'spec.unschedulable']);

/** Kinds whose Kubernetes conversion refuses other fields with `field label not supported: <field>`. */
const FIELD_LABEL_KINDS = new Set([
  'Pod',
  'Node',
  'Namespace',
  'Secret',
  'Service',
  'Event',
  'ReplicaSet',
]);

function pathsOf(type: ResourceType): FieldPaths {
  return { ...OBJECT_META, ...(BY_KIND[type.kind] ?? {}) };
}

/** The fields field selectors on `type` may name. */
export function selectableFields(type: ResourceType): string[] {
  return Object.keys(pathsOf(type));
}

/** Whether field selectors on `type` may name `field`. */
export function isSelectableField(type: ResourceType, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(pathsOf(type), field);
}

/** Kubernetes' message for a field `type` does not let selectors name. */
export function unsupportedFieldMessage(type: ResourceType, field: string): string {
  return FIELD_LABEL_KINDS.has(type.kind)
    ? `field label not supported: ${field}`
    : `${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

/** The value of a selectable `field` of `object`, as a string ('' when absent). */
export function selectableFieldValue(
  type: ResourceType,
  object: KubeObject,
  field: string,
): string {
  const path = pathsOf(type)[field];
  let current: unknown = object;
  for (const step of path ?? []) current = isRecord(current) ? current[step] : undefined;
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return FALSE_WHEN_UNSET.has(field) ? 'false' : '';
}

/** Whether `object` satisfies every requirement (fields are assumed selectable). */
export function matchesFields(
  type: ResourceType,
  object: KubeObject,
  requirements: readonly FieldRequirement[],
): boolean {
  return requirements.every(
    (r) => (selectableFieldValue(type, object, r.field) === r.value) === (r.operator === '='),
  );
}
