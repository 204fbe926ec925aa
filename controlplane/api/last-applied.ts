// `kubectl.kubernetes.io/last-applied-configuration`: where a client-side
// apply records the configuration it applied (kubectl's, and `skiff apply`'s),
// which a server-side apply by kubectl also keeps current. Both the CLI and
// the server read and write it, in kubectl's exact form.

import { isRecord } from './json-values.js';
import type { KubeObject } from './types.js';

/** The annotation kubectl keeps the applied configuration in. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The annotation's value for `configuration`, as kubectl writes it: the
 * configuration without that annotation (and with `annotations: {}` when it
 * had no others, as kubectl's copy has), keys sorted, compact JSON and a newline.
 */
export function lastAppliedText(configuration: KubeObject): string {
  const annotations: Record<string, string> = { ...configuration.metadata.annotations };
  delete annotations[LAST_APPLIED_ANNOTATION];
  const recorded = { ...configuration, metadata: { ...configuration.metadata, annotations } };
  return JSON.stringify(sortKeys(recorded)) + '\n';
}

/** The configuration recorded on `object`, or undefined when it has none (or it is not a JSON object). */
export function lastAppliedOf(object: KubeObject): Record<string, unknown> | undefined {
  const text = object.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** `value` with its keys sorted at every level, as Go's encoding/json writes maps. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}
