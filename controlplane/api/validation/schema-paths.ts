// ajv reports JSON pointers (`/spec/containers/0/resources/requests/cpu`);
// Kubernetes prints field paths (`spec.containers[0].resources.requests[cpu]`):
// list indexes and map keys in brackets, struct fields after dots. Whether a
// step is a map key or a struct field depends on the schema, so the pointer is
// walked through the schemas alongside the value.

import { child, index, key } from './field-errors.js';
import { fieldPosition, itemPosition, rootPosition } from './schema-positions.js';
import { isRecord } from '../json-values.js';

/** Decodes the steps of a JSON pointer (`~1` is '/', `~0` is '~'). */
export function pointerSteps(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The Kubernetes field path of `pointer` in `value`, an object of the kind
 * whose schema has id `schemaId`; `extra` is a struct field below it (a
 * missing required property, an unknown field).
 */
export function fieldPathOf(
  schemaId: string,
  value: unknown,
  pointer: string,
  extra?: string,
): string {
  let position = rootPosition(schemaId);
  let data: unknown = value;
  let path = '';
  for (const step of pointerSteps(pointer)) {
    if (Array.isArray(data)) {
      path = index(path, Number(step));
      position = itemPosition(position);
      data = data[Number(step)];
      continue;
    }
    const next = fieldPosition(position, step);
    path = next.step === 'key' ? key(path, step) : child(path, step);
    position = next.position;
    data = isRecord(data) ? data[step] : undefined;
  }
  return extra === undefined ? path : child(path, extra);
}
