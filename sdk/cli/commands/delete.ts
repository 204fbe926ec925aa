// `skiff delete`: by manifest (-f), by name, by selector (-l) or --all, as
// kubectl delete: `pod "x" deleted` per object, then (unless --wait=false) a
// wait until each is really gone (a pod's graceful deletion takes its grace
// period, finalizers hold an object until they are removed).

import type { Command } from 'commander';
import type { DeleteOptions } from '../../../controlplane/api/cluster-api.js';
import type { KubeObject, Status } from '../../../controlplane/api/types.js';
import { ApiError } from '../../../controlplane/api/errors.js';
import type { ResourceType } from '../../../controlplane/api/resources.js';
import type { HttpClusterApi } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { formatKubeError } from '../kube/errors.js';
import { fetchObjects } from '../kube/fetch.js';
import { parseDuration } from '../kube/flag-values.js';
import { manifestOptions, readManifestFlags, type ManifestFlags } from '../kube/manifest-flags.js';
import { targetOf } from '../kube/manifest-target.js';
import { qualifiedKind } from '../kube/object-printer.js';
import { parseResourceArgs } from '../kube/resource-args.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

interface DeleteFlags extends KubeFlags, ManifestFlags {
  readonly selector?: string;
  readonly all?: boolean;
  readonly allNamespaces?: boolean;
  readonly gracePeriod?: string;
  readonly now?: boolean;
  readonly force?: boolean;
  readonly ignoreNotFound?: boolean;
  readonly wait: boolean;
  readonly timeout: string;
  readonly cascade?: string | boolean;
}

/** One object to delete, and the file it was named in (for messages). */
interface Victim {
  readonly type: ResourceType;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly source?: string;
}

/** A deleted object to wait for: gone once its name is free or taken by another uid. */
interface Deleted extends Victim {
  readonly uid?: string;
}

/** kubectl's wait when --timeout is 0: a week, i.e. until the object is gone. */
const UNBOUNDED_WAIT_MS = 7 * 24 * 3600 * 1000;

const PROPAGATION: Readonly<Record<string, DeleteOptions['propagationPolicy']>> = {
  background: 'Background',
  true: 'Background',
  foreground: 'Foreground',
  orphan: 'Orphan',
  false: 'Orphan',
};

/** Registers `skiff delete`. */
export function registerDelete(program: Command): void {
  withKubeFlags(manifestOptions(program.command('delete')))
    .description(
      'Delete resources by file, by name, by label selector, or all of a type (kubectl delete)',
    )
    .argument('[resources...]', 'TYPE [NAME...] or TYPE/NAME...')
    .option('-l, --selector <selector>', 'delete the objects matching this label selector')
    .option('--all', 'delete every object of the types in the namespace')
    .option('-A, --all-namespaces', 'with -l or --all: in every namespace')
    .option(
      '--grace-period <seconds>',
      'seconds the pods get to stop (-1: their own setting)',
      '-1',
    )
    .option('--now', 'stop at once (grace period 1)')
    .option('--force', 'with --grace-period=0: remove at once, without waiting for the node')
    .option('--ignore-not-found', 'treat "not found" as a success')
    .option(
      '--cascade',
      '--cascade=background (the default), =foreground (dependents first) or =orphan (keep them)',
    )
    .option('--wait', 'wait until the objects are gone (--wait=false: do not)', true)
    .option('--timeout <duration>', 'give up waiting after this long (30s, 5m; 0: a week)', '0s')
    .action(
      kubeAction(async (args: string[], flags: DeleteFlags) => {
        const options = deleteOptions(flags);
        const timeoutMs = parseDuration(flags.timeout, 'timeout') || UNBOUNDED_WAIT_MS;
        const context = await kubeContext(flags);
        const failures: string[] = [];
        const victims = await collectVictims(context.api, args, flags, { ...context }, failures);
        const deleted: Deleted[] = [];
        for (const victim of victims) {
          try {
            const answer = await context.api
              .resource(victim.type)
              .delete(victim.name, { ...options, namespace: victim.namespace });
            const forced =
              options.gracePeriodSeconds === 0 && flags.force ? 'force deleted' : 'deleted';
            process.stdout.write(`${qualifiedKind(victim.type)} "${victim.name}" ${forced}\n`);
            // A Status answer means the object is already gone; an object, that it is going.
            if (!isStatus(answer)) deleted.push({ ...victim, uid: answer.metadata.uid });
          } catch (error) {
            if (flags.ignoreNotFound && error instanceof ApiError && error.code === 404) continue;
            failures.push(
              formatKubeError(
                error,
                victim.source ? `error when deleting "${victim.source}"` : undefined,
              ),
            );
          }
        }
        if (victims.length === 0 && failures.length === 0)
          process.stdout.write('No resources found\n');
        if (flags.wait) failures.push(...(await waitUntilGone(context.api, deleted, timeoutMs)));
        for (const failure of failures) process.stderr.write(failure + '\n');
        if (failures.length > 0) process.exitCode = 1;
      }),
    );
}

/** True for the Status a DELETE answers with when the object is gone at once. */
function isStatus(answer: KubeObject | Status): answer is Status {
  return answer.kind === 'Status';
}

/** kubectl's DeleteOptions from the flags: grace period, --now, --force, --cascade. */
function deleteOptions(flags: DeleteFlags): DeleteOptions {
  // A bare --cascade is background, as kubectl's NoOptDefVal makes it.
  const cascade =
    flags.cascade === undefined || flags.cascade === true ? 'background' : String(flags.cascade);
  const propagationPolicy = PROPAGATION[cascade];
  if (!propagationPolicy)
    throw new CliError(
      `invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan"`,
    );
  let grace = Number(flags.gracePeriod ?? '-1');
  if (!Number.isInteger(grace)) throw new CliError(`invalid --grace-period "${flags.gracePeriod}"`);
  if (flags.now) {
    if (grace !== -1) throw new CliError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (flags.force && grace === -1) grace = 0;
  if (grace === 0 && !flags.force) {
    // kubectl's rule: 0 without --force means "as soon as possible", which is 1.
    grace = 1;
  }
  if (grace === 0) {
    process.stderr.write(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n',
    );
  }
  return { propagationPolicy, ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}) };
}

/** The objects the arguments name; failures to find them go to `failures`. */
async function collectVictims(
  api: HttpClusterApi,
  args: readonly string[],
  flags: DeleteFlags,
  context: { readonly namespace: string; readonly namespaceFlag: boolean },
  failures: string[],
): Promise<Victim[]> {
  const files = flags.filename ?? [];
  if (files.length > 0) {
    if (args.length > 0)
      throw new CliError(
        'when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well',
      );
    const { manifests, errors } = await readManifestFlags(flags);
    failures.push(...errors.map((error) => `error: ${error}`));
    return manifests.flatMap((manifest) => {
      try {
        const target = targetOf(manifest, context);
        return [
          {
            type: target.type,
            name: target.name,
            namespace: target.namespace,
            source: manifest.source,
          },
        ];
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
  const selections = parseResourceArgs(args, 'delete');
  const byName = selections.some((s) => s.names.length > 0);
  if (byName && (flags.all || flags.selector))
    throw new CliError('name cannot be provided when a selector is specified');
  if (!byName && !flags.all && !flags.selector) {
    throw new CliError('resource(s) were provided, but no name was specified');
  }
  const scope = {
    namespace: flags.allNamespaces ? undefined : context.namespace,
    labelSelector: flags.selector,
  };
  const victims: Victim[] = [];
  for (const selection of selections) {
    if (byName) {
      const namespace = selection.type.namespaced ? context.namespace : undefined;
      victims.push(...selection.names.map((name) => ({ type: selection.type, name, namespace })));
      continue;
    }
    const { objects } = await fetchObjects(api, selection, scope);
    for (const object of objects)
      victims.push({
        type: selection.type,
        name: object.metadata.name ?? '',
        namespace: object.metadata.namespace,
      });
  }
  return victims;
}

/**
 * Polls until each deleted object is gone (not found, or its name taken by a
 * new object); the messages of those still there after `timeoutMs`.
 */
async function waitUntilGone(
  api: HttpClusterApi,
  deleted: readonly Deleted[],
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const pending = [...deleted];
  while (pending.length > 0) {
    for (let index = pending.length - 1; index >= 0; index--) {
      const victim = pending[index];
      if (!victim) continue;
      try {
        const live = await api
          .resource(victim.type)
          .get(victim.name, { namespace: victim.namespace });
        if (victim.uid && live.metadata.uid !== victim.uid) pending.splice(index, 1);
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) pending.splice(index, 1);
        else return [formatKubeError(error)];
      }
    }
    if (pending.length === 0) break;
    if (Date.now() >= deadline) {
      return pending.map(
        (victim) =>
          `error: timed out waiting for the condition on ${victim.type.plural}/${victim.name}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return [];
}
