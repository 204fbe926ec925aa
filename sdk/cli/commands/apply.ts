// `skiff apply -f`: kubectl's client-side apply. Each object is created (with
// the last-applied-configuration annotation) or patched with the three-way
// merge of kube/apply-merge.ts; `pod/x created|configured|unchanged` per
// object, in file order; failures are reported after the rest was applied,
// and make the command exit 1. With `--server-side`, each object is sent as
// a server-side apply instead (`pod/x serverside-applied`): the server merges
// it and tracks which manager owns which field.

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
  readonly serverSide?: boolean;
  readonly forceConflicts?: boolean;
  readonly fieldManager?: string;
}

/** The field managers kubectl names its applies after, in Skiff's name. */
const SERVER_SIDE_MANAGER = 'skiff';
const CLIENT_SIDE_MANAGER = 'skiff-client-side-apply';

/** What kubectl prints after an apply conflict. */
const CONFLICT_HINT = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).`;

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
    .option('--server-side', 'apply on the server, which merges and tracks who owns each field')
    .option('--force-conflicts', 'with --server-side: take over fields other managers own')
    .option(
      '--field-manager <name>',
      `the manager owning the applied fields (default "${SERVER_SIDE_MANAGER}", or "${CLIENT_SIDE_MANAGER}" without --server-side)`,
    )
    .action(
      kubeAction(async (flags: ApplyFlags) => {
        const dryRun = flags.dryRun ?? 'none';
        if (!['none', 'client', 'server'].includes(dryRun))
          throw new CliError(
            `Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`,
          );
        if (flags.forceConflicts && !flags.serverSide)
          throw new CliError('--force-conflicts only works with --server-side');
        if (flags.serverSide && dryRun === 'client')
          throw new CliError(
            "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)",
          );
        const manager =
          flags.fieldManager ?? (flags.serverSide ? SERVER_SIDE_MANAGER : CLIENT_SIDE_MANAGER);
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
          const mode = dryRun as 'none' | 'client' | 'server';
          const outcome = flags.serverSide
            ? await applyServerSide(context, target, manifest.source, mode, {
                manager,
                force: flags.forceConflicts === true,
              })
            : await applyOne(context, target, manifest.source, mode, manager);
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
  | { ok: true; result: 'created' | 'configured' | 'unchanged' | 'serverside-applied' }
  | { ok: false; message: string };

/** One object as a server-side apply: the server merges it and owns its fields for `manager`. */
async function applyServerSide(
  context: KubeContext,
  target: Target,
  source: string,
  dryRun: 'none' | 'client' | 'server',
  options: { readonly manager: string; readonly force: boolean },
): Promise<Outcome> {
  try {
    await context.api.resource(target.type).patch(target.name, target.object, 'apply', {
      namespace: target.namespace,
      fieldManager: options.manager,
      force: options.force,
      ...(dryRun === 'server' ? { dryRun: 'All' as const } : {}),
    });
    return { ok: true, result: 'serverside-applied' };
  } catch (error) {
    const conflict =
      error instanceof ApiError &&
      error.code === 409 &&
      (error.status.details?.causes ?? []).some((c) => c.reason === 'FieldManagerConflict');
    if (conflict) return { ok: false, message: `error: ${error.message}\n${CONFLICT_HINT}` };
    return { ok: false, message: formatKubeError(error, `error when applying "${source}"`) };
  }
}

async function applyOne(
  context: KubeContext,
  target: Target,
  source: string,
  dryRun: 'none' | 'client' | 'server',
  fieldManager: string,
): Promise<Outcome> {
  const client = context.api.resource(target.type);
  const applied = withLastApplied(target.object);
  const writeOptions = {
    namespace: target.namespace,
    fieldManager,
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
