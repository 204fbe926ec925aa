// `get -f`: the objects that manifests name, as resource selections: one per
// type and namespace, in the order the manifests first name them, so that
// each type prints as one table (kubectl's order).

import { CliError } from '../cli-error.js';
import { formatKubeError } from './errors.js';
import { readManifestFlags, type ManifestFlags } from './manifest-flags.js';
import { targetOf } from './manifest-target.js';
import type { ResourceSelection } from './resource-args.js';

/** The selections, and the manifests that could not be read or mapped (as kubectl words them). */
export interface ManifestSelections {
  readonly selections: ResourceSelection[];
  readonly errors: string[];
}

/** The objects `flags.filename` names; resource arguments may not be given as well. */
export async function manifestSelections(
  flags: ManifestFlags,
  args: readonly string[],
  context: { readonly namespace: string; readonly namespaceFlag: boolean },
): Promise<ManifestSelections> {
  if (args.length > 0)
    throw new CliError(
      'when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well',
    );
  const { manifests, errors: unread } = await readManifestFlags(flags);
  const errors = unread.map((error) => `error: ${error}`);
  const groups = new Map<string, { selection: ResourceSelection; names: string[] }>();
  for (const manifest of manifests) {
    try {
      const target = targetOf(manifest, context);
      const key = `${target.type.group}/${target.type.version}/${target.type.plural}/${target.namespace ?? ''}`;
      let group = groups.get(key);
      if (!group) {
        const names: string[] = [];
        const selection = { type: target.type, names, namespace: target.namespace };
        group = { selection, names };
        groups.set(key, group);
      }
      group.names.push(target.name);
    } catch (error) {
      errors.push(formatKubeError(error));
    }
  }
  return { selections: [...groups.values()].map((group) => group.selection), errors };
}
