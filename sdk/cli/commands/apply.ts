// `skiff apply -f`: kubectl's client-side apply. Each object is created (with
// the last-applied-configuration annotation) or patched with the three-way
// merge of kube/apply-merge.ts; `pod/x created|configured|unchanged` per
// object, in file order; failures are reported after the rest was applied,
// and make the command exit 1.

import type { Command } from 'commander';
import { ApiError } from '../../../controlplane/api/errors.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { LAST_APPLIED_ANNOTATION, planApply, withLastApplied } from '../kube/apply-merge.js';
import { formatKubeError } from '../kube/errors.js';
import { targetOf, type Target } from '../kube/manifest-target.js';
import { readManifestFlags, type ManifestFlags, manifestOptions } from '../kube/manifest-flags.js';
import { objectName } from '../kube/object-printer.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface ApplyFlags extends KubeFlags, ManifestFlags {
  readonly dryRun?: string;
}

/** Conflicts (someone wrote between our GET and PATCH) are retried this many times, as kubectl does. */
const MAX_CONFLICT_RETRIES = 5;

/** Registers `skiff apply`. */
export function registerApply(program: Command): void {
  withKubeFlags(manifestOptions(program.command('apply')))
    .description('Apply a configuration to resources from files or stdin (kubectl apply)')
    .option(
      '--dry-run <mode>',
      'none, client (send nothing) or server (validate on the server, store nothing)',
      'none',
    )
    .action(
      kubeAction(async (flags: ApplyFlags) => {
        const dryRun = flags.dryRun ?? 'none';
        if (!['none', 'client', 'server'].includes(dryRun))
          throw new CliError(
            `Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`,
          );
        const { manifests, errors } = await readManifestFlags(flags);
        const context = await kubeContext(flags);
        const failures: string[] = [];
        for (const manifest of manifests) {
          let target: Target;
          try {
            target = targetOf(manifest, context);
          } catch (error) {
            failures.push(formatKubeError(error));
            continue;
          }
          const outcome = await applyOne(
            context,
            target,
            manifest.source,
            dryRun as 'none' | 'client' | 'server',
          );
          if (outcome.ok)
            process.stdout.write(
              `${objectName(target.type, target.name)} ${outcome.result}${suffix(dryRun)}\n`,
            );
          else failures.push(outcome.message);
        }
        for (const error of [...errors.map((e) => `error: ${e}`), ...failures])
          process.stderr.write(error + '\n');
        if (errors.length + failures.length > 0) process.exitCode = 1;
      }),
    );
}

function suffix(dryRun: string): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
}

type Outcome =
  { ok: true; result: 'created' | 'configured' | 'unchanged' } | { ok: false; message: string };

async function applyOne(
  context: KubeContext,
  target: Target,
  source: string,
  dryRun: 'none' | 'client' | 'server',
): Promise<Outcome> {
  const client = context.api.resource(target.type);
  const applied = withLastApplied(target.object);
  const writeOptions = {
    namespace: target.namespace,
    ...(dryRun === 'server' ? { dryRun: 'All' as const } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    let live: KubeObject;
    try {
      live = await client.get(target.name, { namespace: target.namespace });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) {
        return {
          ok: false,
          message: formatKubeError(
            error,
            `error when retrieving current configuration of ${objectName(target.type, target.name)} from "${source}"`,
          ),
        };
      }
      if (dryRun === 'client') return { ok: true, result: 'created' };
      try {
        await client.create(applied, writeOptions);
        return { ok: true, result: 'created' };
      } catch (createError) {
        return {
          ok: false,
          message: formatKubeError(createError, `error when creating "${source}"`),
        };
      }
    }
    if (attempt === 0 && !live.metadata.annotations?.[LAST_APPLIED_ANNOTATION]) {
      process.stderr.write(
        `Warning: resource ${target.type.plural}/${target.name} is missing the ${LAST_APPLIED_ANNOTATION} annotation which is required by skiff apply. skiff apply should only be used on resources created declaratively by either skiff create --save-config or skiff apply. The missing annotation will be patched automatically.\n`,
      );
    }
    const { patch } = planApply(applied, live);
    if (!patch) return { ok: true, result: 'unchanged' };
    if (dryRun === 'client') return { ok: true, result: 'configured' };
    try {
      await client.patch(target.name, patch, 'merge', writeOptions);
      return { ok: true, result: 'configured' };
    } catch (error) {
      if (
        error instanceof ApiError &&
        error.code === 409 &&
        error.reason === 'Conflict' &&
        attempt < MAX_CONFLICT_RETRIES
      )
        continue;
      return { ok: false, message: formatKubeError(error, `error when patching "${source}"`) };
    }
  }
}
