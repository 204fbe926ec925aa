// What `skiff wait --for=...` waits for, as kubectl reads the flag: `delete`,
// `create`, `condition=TYPE[=STATUS]` (a status condition, STATUS True unless
// given, both compared ignoring case) or `jsonpath={PATH}[=VALUE]` (the value
// the path leads to, or that it leads anywhere).

import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { isObject } from './json-values.js';
import { jsonPathMatches, printed } from './jsonpath.js';

/** A parsed --for. */
export type WaitCondition =
  | { readonly kind: 'delete' }
  | { readonly kind: 'create' }
  | { readonly kind: 'condition'; readonly type: string; readonly status: string }
  | { readonly kind: 'jsonpath'; readonly path: string; readonly value?: string };

/** `--for`'s value parsed; a CliError worded as kubectl's when it is none of the forms. */
export function parseWaitCondition(text: string | undefined): WaitCondition {
  const value = text ?? '';
  if (value.toLowerCase() === 'delete') return { kind: 'delete' };
  if (value.toLowerCase() === 'create') return { kind: 'create' };
  if (value.startsWith('condition=')) {
    const [type = '', ...status] = value.slice('condition='.length).split('=');
    if (type === '') throw new CliError(`unrecognized condition: "${value}"`);
    return { kind: 'condition', type, status: status.length > 0 ? status.join('=') : 'True' };
  }
  if (value.startsWith('jsonpath=')) return jsonPathCondition(value.slice('jsonpath='.length));
  throw new CliError(`unrecognized condition: "${value}"`);
}

/** `{.status.phase}=Running`, `{.spec.replicas}`, or kubectl's relaxed `.status.phase=Running`. */
function jsonPathCondition(text: string): WaitCondition {
  const braced = text.startsWith('{');
  const end = braced
    ? text.indexOf('}') + 1
    : text.indexOf('=') < 0
      ? text.length
      : text.indexOf('=');
  if (braced && end === 0) throw new CliError(`unrecognized condition: "jsonpath=${text}"`);
  const path = braced ? text.slice(1, end - 1) : text.slice(0, end);
  if (path.trim() === '') throw new CliError('jsonpath expression cannot be empty');
  const rest = text.slice(end);
  if (rest === '') return { kind: 'jsonpath', path };
  if (!rest.startsWith('=')) throw new CliError(`unrecognized condition: "jsonpath=${text}"`);
  return { kind: 'jsonpath', path, value: rest.slice(1) };
}

/**
 * Whether `object` meets a condition that looks at the object (condition
 * and jsonpath forms); a CliError when the path leads to what cannot be
 * compared with a value.
 */
export function objectMeets(condition: WaitCondition, object: KubeObject): boolean {
  if (condition.kind === 'condition') {
    const status = isObject(object.status) ? object.status : {};
    const conditions = Array.isArray(status['conditions']) ? status['conditions'] : [];
    return conditions.some(
      (entry) =>
        isObject(entry) &&
        equalFold(entry['type'], condition.type) &&
        equalFold(entry['status'], condition.status),
    );
  }
  if (condition.kind !== 'jsonpath') return true;
  const found = jsonPathMatches(condition.path, object);
  if (condition.value === undefined) return found.length > 0;
  if (found.length > 1 || (found.length === 1 && typeof found[0] === 'object' && found[0] !== null))
    throw new CliError('jsonpath leads to a nested object or list which is not supported');
  return found.length === 1 && printed(found[0]) === condition.value;
}

function equalFold(value: unknown, expected: string): boolean {
  return typeof value === 'string' && value.toLowerCase() === expected.toLowerCase();
}
