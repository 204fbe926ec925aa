// The query of `GET pods/{name}/log`: v1.PodLogOptions decoded and validated
// as the apiserver does (400 for what does not decode, 422 Invalid with
// ValidatePodLogOptions' messages), and the query the kubelet is sent.

import type { FieldError } from '../api/errors.js';
import { badRequest, invalid } from '../api/errors.js';

/** `v1.PodLogOptions`, as the query gives them. */
export interface PodLogOptions {
  readonly container?: string;
  readonly follow: boolean;
  readonly previous: boolean;
  readonly timestamps: boolean;
  readonly sinceSeconds?: number;
  /** Milliseconds since the epoch (a metav1.Time: whole seconds on the wire). */
  readonly sinceTime?: number;
  readonly tailLines?: number;
  readonly limitBytes?: number;
}

function last(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  const value = values[values.length - 1];
  return value === undefined || value === '' ? undefined : value;
}

/** apimachinery's query booleans: only `false` and `0` are false (and absence). */
function flag(query: URLSearchParams, name: string): boolean {
  const value = last(query, name);
  return value !== undefined && !/^(false|0)$/i.test(value);
}

function integer(query: URLSearchParams, name: string): number | undefined {
  const value = last(query, name);
  if (value === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`invalid value for ${name}: "${value}" is not an integer`);
  }
  return Number(value);
}

function time(query: URLSearchParams, name: string): number | undefined {
  const value = last(query, name);
  if (value === undefined) return undefined;
  const parsed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw badRequest(`invalid value for ${name}: "${value}" is not an RFC3339 time`);
  }
  // metav1.Time keeps whole seconds.
  return Math.floor(parsed / 1000) * 1000;
}

/** The options of a pods/log request for pod `name`; throws 400 or 422 as the apiserver does. */
export function podLogOptionsOf(query: URLSearchParams, name: string): PodLogOptions {
  const container = last(query, 'container');
  const sinceSeconds = integer(query, 'sinceSeconds');
  const sinceTime = time(query, 'sinceTime');
  const tailLines = integer(query, 'tailLines');
  const limitBytes = integer(query, 'limitBytes');
  const errors: FieldError[] = [];
  const below = (field: string, value: number, message: string): void => {
    errors.push({
      field,
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${value}: ${message}`,
    });
  };
  if (tailLines !== undefined && tailLines < 0) {
    below('tailLines', tailLines, 'must be greater than or equal to 0');
  }
  if (limitBytes !== undefined && limitBytes < 1) {
    below('limitBytes', limitBytes, 'must be greater than 0');
  }
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    errors.push({
      field: '',
      reason: 'FieldValueForbidden',
      message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
    });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    below('sinceSeconds', sinceSeconds, 'must be greater than 0');
  }
  if (errors.length > 0) throw invalid('PodLogOptions', name, errors);
  return {
    ...(container !== undefined ? { container } : {}),
    follow: flag(query, 'follow'),
    previous: flag(query, 'previous'),
    timestamps: flag(query, 'timestamps'),
    ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    ...(sinceTime !== undefined ? { sinceTime } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

/** The kubelet's query for `options`, as kube-apiserver's LogLocation builds it. */
export function nodeLogQuery(options: PodLogOptions): string {
  const params = new URLSearchParams();
  if (options.follow) params.set('follow', 'true');
  if (options.previous) params.set('previous', 'true');
  if (options.timestamps) params.set('timestamps', 'true');
  if (options.sinceSeconds !== undefined) params.set('sinceSeconds', String(options.sinceSeconds));
  if (options.sinceTime !== undefined) {
    params.set('sinceTime', new Date(options.sinceTime).toISOString().replace(/\.\d+Z$/, 'Z'));
  }
  if (options.tailLines !== undefined) params.set('tailLines', String(options.tailLines));
  if (options.limitBytes !== undefined) params.set('limitBytes', String(options.limitBytes));
  const text = params.toString();
  return text ? `?${text}` : '';
}
