// `skiff replace -f`: kubectl replace. Each manifest's object replaces the
// live one whole (compare-and-set when it carries a resourceVersion); with
// --force the live object is deleted, waited for, and created again.

import type { Command } from 'commander';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { ApiError } from '../../../controlplane/api/errors.js';
import { CliError } from '../cli-error.js';
import { withLastApplied } from '../kube/apply-merge.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { parseDuration } from '../kube/flag-values.js';
import { manifestOptions, readManifestFlags, type ManifestFlags } from '../kube/manifest-flags.js';
import { targetOf, type Target } from '../kube/manifest-target.js';
import { qualifiedKind } from '../kube/object-printer.js';
import { UNBOUNDED_WAIT_MS, waitUntilGone } from '../kube/wait-gone.js';
import { parseDryRun, parseWriteOutput, printWritten } from '../kube/write-output.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface ReplaceFlags extends KubeFlags, ManifestFlags {
  readonly force?: boolean;
  readonly gracePeriod: string;
  readonly timeout: string;
  readonly saveConfig?: boolean;
  readonly dryRun?: string;
  readonly output?: string;
}

/** Registers `skiff replace`. */
export function registerReplace(program: Command): void {
  withKubeFlags(manifestOptions(program.command('replace')))
    .description('Replace resources by the objects of files or stdin (kubectl replace)')
    .option('--force', 'delete the objects, wait until they are gone, and create them again')
    .option('--grace-period <seconds>', 'with --force: seconds the pods get to stop', '-1')
    .option('--timeout <duration>', 'with --force: how long to wait for the deletion', '0s')
    .option('--save-config', 'record the configuration in the last-applied annotation')
    .option('--dry-run <mode>', 'server: check the replacement, store nothing')
    .option('-o, --output <format>', 'print the stored object: yaml, json or name')
    .action(
      kubeAction(async (flags: ReplaceFlags) => {
        const dryRun = parseDryRun(flags.dryRun);
        const output = parseWriteOutput(flags.output);
        const grace = Number(flags.gracePeriod);
        if (!Number.isInteger(grace))
          throw new CliError(`invalid --grace-period "${flags.gracePeriod}"`);
        const timeoutMs = parseDuration(flags.timeout, 'timeout') || UNBOUNDED_WAIT_MS;
        const { manifests, errors } = await readManifestFlags(flags);
        const context = await kubeContext(flags);
        const failures = errors.map((error) => `error: ${error}`);
        for (const manifest of manifests) {
          try {
            const target = targetOf(manifest, context);
            const object = flags.saveConfig ? withLastApplied(target.object) : target.object;
            const client = context.api.resource(target.type);
            const options = {
              namespace: target.namespace,
              ...(dryRun ? { dryRun: 'All' as const } : {}),
            };
            let replaced: KubeObject;
            if (flags.force && !dryRun) {
              const recreate = await forceReplace(context, target, object, grace, timeoutMs);
              if (typeof recreate === 'string') {
                failures.push(recreate);
                continue;
              }
              replaced = recreate;
            } else replaced = await client.update(object, options);
            printWritten(
              target.type,
              replaced,
              dryRun ? 'replaced (server dry run)' : 'replaced',
              output,
            );
          } catch (error) {
            failures.push(formatKubeError(error, `error when replacing "${manifest.source}"`));
          }
        }
        reportFailures(failures);
      }),
    );
}

/**
 * kubectl replace --force: deletes the live object (a missing one is fine),
 * waits until it is gone and creates `object`; the created object, or the
 * message of a wait that timed out.
 */
async function forceReplace(
  context: KubeContext,
  target: Target,
  object: KubeObject,
  grace: number,
  timeoutMs: number,
): Promise<KubeObject | string> {
  const client = context.api.resource(target.type);
  const { namespace } = target;
  try {
    const answer = await client.delete(target.name, {
      namespace,
      ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}),
    });
    process.stdout.write(`${qualifiedKind(target.type)} "${target.name}" deleted\n`);
    const uid = answer.kind === 'Status' ? undefined : (answer as KubeObject).metadata.uid;
    const pending = [{ type: target.type, name: target.name, namespace, uid }];
    const [timedOut] = await waitUntilGone(context.api, pending, timeoutMs);
    if (timedOut !== undefined) return timedOut;
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 404)) throw error;
  }
  return client.create(withoutServerFields(object), { namespace });
}

/** The object without the fields that named the deleted one (a create with a resourceVersion is refused). */
function withoutServerFields(object: KubeObject): KubeObject {
  const metadata = { ...object.metadata };
  delete metadata.resourceVersion;
  delete metadata.uid;
  return { ...object, metadata };
}
