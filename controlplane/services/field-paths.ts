// Field paths as Kubernetes prints them (`spec.containers[0].ports[1].name`,
// `metadata.labels[app.kubernetes.io/name]`), parsed into steps so that a
// field reported unknown can be dropped from the object.

import { isRecord } from './object-utils.js';

/** The steps of a path: property names and list indexes. */
export function parseFieldPath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') {
      i++;
    } else if (path[i] === '[') {
      const end = path.indexOf(']', i);
      const inner = path.slice(i + 1, end < 0 ? path.length : end);
      steps.push(/^\d+$/.test(inner) ? Number(inner) : inner.replace(/^"(.*)"$/, '$1'));
      i = end < 0 ? path.length : end + 1;
    } else {
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      steps.push(path.slice(i, end));
      i = end;
    }
  }
  return steps;
}

/** Deletes the field at `path` from `object` when it is there; true when something was removed. */
export function removeFieldPath(object: unknown, path: string): boolean {
  const steps = parseFieldPath(path);
  const last = steps.pop();
  if (last === undefined) return false;
  let current: unknown = object;
  for (const step of steps) {
    if (typeof step === 'number') current = Array.isArray(current) ? current[step] : undefined;
    else current = isRecord(current) ? current[step] : undefined;
  }
  if (typeof last === 'string' && isRecord(current) && last in current) {
    delete current[last];
    return true;
  }
  return false;
}
