// `skiff label` and `skiff annotate`: kubectl's `KEY=VALUE` and `KEY-`
// arguments, applied to each selected object with a merge patch. Changing an
// existing key needs --overwrite, as in kubectl.

import { CliError } from '../cli-error.js';
import type { KubeContext } from '../commands/kube-context.js';
import { formatKubeError } from './errors.js';
import { fetchObjects } from './fetch.js';
import { objectName } from './object-printer.js';
import { parseResourceArgs } from './resource-args.js';

/** What to set and what to remove. */
export interface MetadataChanges {
  readonly set: Readonly<Record<string, string>>;
  readonly remove: readonly string[];
}

/** Splits kubectl's arguments: `k=v` and `k-` are changes, the rest name resources. */
export function splitChangeArgs(args: readonly string[]): {
  resources: string[];
  changes: MetadataChanges;
} {
  const resources: string[] = [];
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals > 0) set[arg.slice(0, equals)] = arg.slice(equals + 1);
    else if (arg.endsWith('-') && arg.length > 1) remove.push(arg.slice(0, -1));
    else resources.push(arg);
  }
  for (const key of remove) {
    if (key in set)
      throw new CliError(
        `can not both modify and remove the following key(s) in the same command: ${key}`,
      );
  }
  return { resources, changes: { set, remove } };
}

/** The flags label and annotate share. */
export interface EditFlags {
  readonly overwrite?: boolean;
  readonly selector?: string;
  readonly all?: boolean;
}

/**
 * Applies `args` to `field` of each selected object, printing
 * `pod/x labeled` (or `annotated`) and collecting per-object failures, which
 * are printed after; returns their number.
 */
export async function editMetadata(
  context: KubeContext,
  field: 'labels' | 'annotations',
  args: readonly string[],
  flags: EditFlags,
): Promise<number> {
  const noun = field === 'labels' ? 'label' : 'annotation';
  const { resources, changes } = splitChangeArgs(args);
  if (Object.keys(changes.set).length === 0 && changes.remove.length === 0)
    throw new CliError(`at least one ${noun} update is required`);
  const selections = parseResourceArgs(resources, noun === 'label' ? 'label' : 'annotate');
  const byName = selections.some((s) => s.names.length > 0);
  if (!byName && !flags.all && !flags.selector)
    throw new CliError('resource(s) were provided, but no name was specified');
  const failures: string[] = [];
  const scope = { namespace: context.namespace, labelSelector: flags.selector };
  for (const selection of selections) {
    const { objects, errors } = await fetchObjects(context.api, selection, scope);
    failures.push(...errors.map((error) => formatKubeError(error)));
    for (const object of objects) {
      const name = object.metadata.name ?? '';
      const current = object.metadata[field] ?? {};
      const patch: Record<string, string | null> = {};
      const clashes = Object.entries(changes.set).filter(
        ([key, value]) => key in current && current[key] !== value,
      );
      if (clashes.length > 0 && !flags.overwrite) {
        const [key, old] = [clashes[0]?.[0] ?? '', current[clashes[0]?.[0] ?? ''] ?? ''];
        failures.push(`error: '${key}' already has a value (${old}), and --overwrite is false`);
        continue;
      }
      for (const [key, value] of Object.entries(changes.set))
        if (current[key] !== value) patch[key] = value;
      for (const key of changes.remove) {
        if (key in current) patch[key] = null;
        // kubectl says so for labels only; annotate is silent about absent keys.
        else if (field === 'labels') process.stdout.write(`label "${key}" not found.\n`);
      }
      const changed = Object.keys(patch).length > 0;
      try {
        if (changed) {
          await context.api
            .resource(selection.type)
            .patch(name, { metadata: { [field]: patch } }, 'merge', {
              namespace: object.metadata.namespace,
            });
        }
      } catch (error) {
        failures.push(formatKubeError(error));
        continue;
      }
      process.stdout.write(
        `${objectName(selection.type, name)} ${outcome(field, changed, patch)}\n`,
      );
    }
  }
  for (const failure of failures) process.stderr.write(failure + '\n');
  return failures.length;
}

/** kubectl's words: labeled, unlabeled, not labeled; annotated whatever happened. */
function outcome(
  field: 'labels' | 'annotations',
  changed: boolean,
  patch: Record<string, string | null>,
): string {
  if (field === 'annotations') return 'annotated';
  if (!changed) return 'not labeled';
  return Object.values(patch).every((value) => value === null) ? 'unlabeled' : 'labeled';
}
