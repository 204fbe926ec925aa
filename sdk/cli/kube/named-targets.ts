// The objects a command's arguments name, as kubectl reads them: manifests
// (-f), TYPE NAME... or TYPE/NAME..., or every object of the types that a
// selector (-l) or --all picks. Shared by delete, patch and scale.

import type { ResourceType } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import type { HttpClusterApi } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { formatKubeError } from './errors.js';
import { fetchObjects } from './fetch.js';
import { readManifestFlags, type ManifestFlags } from './manifest-flags.js';
import { targetOf } from './manifest-target.js';
import { parseResourceArgs } from './resource-args.js';

/** One object a command acts on, and the file that named it (for messages). */
export interface NamedTarget {
  readonly type: ResourceType;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly source?: string;
  /** The object as listed, when a selector or --all found it. */
  readonly listed?: KubeObject;
}

/** The flags that pick objects besides their names (absent where a command has none). */
export interface TargetFlags extends ManifestFlags {
  readonly selector?: string;
  readonly all?: boolean;
  readonly allNamespaces?: boolean;
}

/**
 * The objects `args` and `flags` name, in order. Manifests that cannot be
 * read or mapped, as kubectl words them, go to `failures`; a usage error
 * (no arguments, names with a selector, a type without names) throws.
 */
export async function collectTargets(
  api: HttpClusterApi,
  args: readonly string[],
  flags: TargetFlags,
  context: { readonly namespace: string; readonly namespaceFlag: boolean },
  verb: string,
  failures: string[],
): Promise<NamedTarget[]> {
  if ((flags.filename ?? []).length > 0) {
    if (args.length > 0)
      throw new CliError(
        'when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well',
      );
    const { manifests, errors } = await readManifestFlags(flags);
    failures.push(...errors.map((error) => `error: ${error}`));
    return manifests.flatMap((manifest) => {
      try {
        const { type, name, namespace } = targetOf(manifest, context);
        return [{ type, name, namespace, source: manifest.source }];
      } catch (error) {
        failures.push(formatKubeError(error));
        return [];
      }
    });
  }
  if (args.length === 0)
    throw new CliError(
      "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
    );
  const selections = parseResourceArgs(args, verb);
  const byName = selections.some((s) => s.names.length > 0);
  if (byName && (flags.all || flags.selector))
    throw new CliError('name cannot be provided when a selector is specified');
  if (!byName && !flags.all && !flags.selector)
    throw new CliError('resource(s) were provided, but no name was specified');
  const scope = {
    namespace: flags.allNamespaces ? undefined : context.namespace,
    labelSelector: flags.selector,
  };
  const targets: NamedTarget[] = [];
  for (const selection of selections) {
    if (byName) {
      const namespace = selection.type.namespaced ? context.namespace : undefined;
      targets.push(...selection.names.map((name) => ({ type: selection.type, name, namespace })));
      continue;
    }
    const { objects } = await fetchObjects(api, selection, scope);
    for (const object of objects)
      targets.push({
        type: selection.type,
        name: object.metadata.name ?? '',
        namespace: object.metadata.namespace,
        listed: object,
      });
  }
  return targets;
}

/** kubectl's "error when <doing> "<file>"" prefix for a target named in a manifest. */
export function duringFor(target: NamedTarget, doing: string): string | undefined {
  return target.source ? `error when ${doing} "${target.source}"` : undefined;
}
