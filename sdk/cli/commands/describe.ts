// `skiff describe TYPE [NAME...]` or `-f FILE`: kubectl describe. Without names, every
// object of the type in the namespace (or matching -l) is described; with
// `TYPE NAME` and no object of that name, every object whose name starts
// with NAME is, as kubectl does (`describe pods kubia` finds kubia-7d5f...).

import type { Command } from 'commander';
import { conversionOf } from '../../../controlplane/api/conversion/index.js';
import { ApiError } from '../../../controlplane/api/errors.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { describeObject } from '../kube/describe.js';
import { reportKubeError } from '../kube/errors.js';
import { fetchObjects, type Fetched, type Scope } from '../kube/fetch.js';
import { manifestOptions, type ManifestFlags } from '../kube/manifest-flags.js';
import { manifestSelections } from '../kube/manifest-selections.js';
import { parseResourceArgs, type ResourceSelection } from '../kube/resource-args.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface DescribeFlags extends KubeFlags, ManifestFlags {
  readonly selector?: string;
  readonly allNamespaces?: boolean;
}

/** Registers `skiff describe`. */
export function registerDescribe(program: Command): void {
  withKubeFlags(
    manifestOptions(program.command('describe'))
      .description(
        'Show details of a resource or group of resources, with their events (kubectl describe)',
      )
      .argument('[resources...]', 'TYPE [NAME_PREFIX...] or TYPE/NAME..., or -f FILE')
      .option('-l, --selector <selector>', 'describe the objects matching this label selector')
      .option('-A, --all-namespaces', 'describe across all namespaces'),
  ).action(
    kubeAction(async (args: string[], flags: DescribeFlags) => {
      const fromFiles = (flags.filename ?? []).length > 0;
      const fromArgs = fromFiles ? undefined : parseResourceArgs(requireArgs(args), 'describe');
      if (flags.allNamespaces && (fromFiles || fromArgs?.some((s) => s.names.length > 0)))
        throw new CliError('a resource cannot be retrieved by name across all namespaces');
      const context = await kubeContext(flags);
      const { selections: named, errors: unread } = fromArgs
        ? { selections: fromArgs, errors: [] }
        : await manifestSelections(flags, args, context);
      // Described as stored, as kubectl's describers read a kind in one version
      // whatever version a manifest names (an autoscaling/v1 HPA as v2).
      const selections = named.map((s) => ({ ...s, type: conversionOf(s.type)?.stored ?? s.type }));
      const scope: Scope = {
        namespace: flags.allNamespaces ? undefined : context.namespace,
        labelSelector: flags.selector,
      };
      // Only `TYPE NAME` falls back to a prefix match, as in kubectl.
      const prefixable = !fromFiles && args.length === 2 && !args.some((a) => a.includes('/'));
      let described = 0;
      const errors: unknown[] = [];
      for (const selection of selections) {
        const { objects, errors: failed } = prefixable
          ? await fetchWithPrefix(context, selection, scope)
          : await fetchObjects(context.api, selection, scope);
        errors.push(...failed);
        for (const object of objects) {
          const text = await describeObject(context.api, object);
          process.stdout.write((described++ > 0 ? '\n\n' : '') + text);
        }
      }
      for (const error of errors) reportKubeError(error);
      for (const error of unread) process.stderr.write(`${error}\n`);
      if (unread.length > 0) process.exitCode = 1;
      if (described === 0 && errors.length === 0 && unread.length === 0) {
        process.stderr.write(
          scope.namespace === undefined
            ? 'No resources found\n'
            : `No resources found in ${scope.namespace} namespace.\n`,
        );
      }
    }),
  );
}

/** Resource arguments, which `describe` needs unless -f names the objects. */
function requireArgs(args: string[]): string[] {
  if (args.length > 0) return args;
  throw new CliError(
    'You must specify the type of resource to describe. Use "skiff api-resources" for a complete list of supported resources.',
  );
}

/** The named object, else the objects whose names start with the name; else the NotFound. */
async function fetchWithPrefix(
  context: KubeContext,
  selection: ResourceSelection,
  scope: Scope,
): Promise<Fetched> {
  const fetched = await fetchObjects(context.api, selection, scope);
  const [prefix] = selection.names;
  const [error] = fetched.errors;
  if (prefix === undefined || !(error instanceof ApiError && error.code === 404)) return fetched;
  const listed = await fetchObjects(context.api, { type: selection.type, names: [] }, scope);
  const matching = listed.objects.filter((object: KubeObject) =>
    (object.metadata.name ?? '').startsWith(prefix),
  );
  return matching.length > 0 ? { objects: matching, errors: [] } : fetched;
}
