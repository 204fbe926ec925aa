// `skiff delete`: by manifest (-f), by name, by selector (-l) or --all, as
// kubectl delete: `pod "x" deleted` per object, then (unless --wait=false) a
// wait until each is really gone (a pod's graceful deletion takes its grace
// period, finalizers hold an object until they are removed).

import type { Command } from 'commander';
import type { DeleteOptions } from '../../../controlplane/api/cluster-api.js';
import type { KubeObject, Status } from '../../../controlplane/api/types.js';
import { ApiError } from '../../../controlplane/api/errors.js';
import { CliError } from '../cli-error.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { parseDuration } from '../kube/flag-values.js';
import { manifestOptions } from '../kube/manifest-flags.js';
import { collectTargets, duringFor, type TargetFlags } from '../kube/named-targets.js';
import { qualifiedKind } from '../kube/object-printer.js';
import { UNBOUNDED_WAIT_MS, waitUntilGone, type DeletedObject } from '../kube/wait-gone.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

interface DeleteFlags extends KubeFlags, TargetFlags {
  readonly gracePeriod?: string;
  readonly now?: boolean;
  readonly force?: boolean;
  readonly ignoreNotFound?: boolean;
  readonly wait: boolean;
  readonly timeout: string;
  readonly cascade?: string | boolean;
}

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
        const victims = await collectTargets(context.api, args, flags, context, 'delete', failures);
        const deleted: DeletedObject[] = [];
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
            failures.push(formatKubeError(error, duringFor(victim, 'deleting')));
          }
        }
        if (victims.length === 0 && failures.length === 0)
          process.stdout.write('No resources found\n');
        if (flags.wait) failures.push(...(await waitUntilGone(context.api, deleted, timeoutMs)));
        reportFailures(failures);
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
