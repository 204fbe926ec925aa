// `skiff diff -f`: kubectl diff. For each object of the manifests, what the
// cluster holds and what applying the manifest would leave (asked of the
// server as a dry run of the same apply: client-side by default, server-side
// with --server-side), written as two trees and compared with `diff -u -N`
// (or $KUBECTL_EXTERNAL_DIFF). Exit 0: no differences; 1: differences;
// above 1: an error, as kubectl diff.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ApiError } from '../../../controlplane/api/errors.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { planApply, withLastApplied } from '../kube/apply-merge.js';
import { writeDiffTrees, type DiffPair } from '../kube/diff-files.js';
import { formatKubeError } from '../kube/errors.js';
import { manifestOptions, readManifestFlags, type ManifestFlags } from '../kube/manifest-flags.js';
import { targetOf, type Target } from '../kube/manifest-target.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface DiffFlags extends KubeFlags, ManifestFlags {
  readonly serverSide?: boolean;
  readonly forceConflicts?: boolean;
  readonly fieldManager?: string;
}

/** The exit code of a diff that failed (kubectl: above 1). */
const ERROR_EXIT = 2;

/** Registers `skiff diff`. */
export function registerDiff(program: Command): void {
  withKubeFlags(manifestOptions(program.command('diff')))
    .description('Show what applying files or stdin would change (kubectl diff)')
    .option('--server-side', 'compare with a server-side apply instead of a client-side one')
    .option('--force-conflicts', 'with --server-side: as if taking over fields others own')
    .option('--field-manager <name>', 'the manager of a --server-side apply', 'skiff')
    .action(
      kubeAction(async (flags: DiffFlags) => {
        if (flags.forceConflicts && !flags.serverSide)
          throw new CliError('--force-conflicts only works with --server-side');
        const { manifests, errors } = await readManifestFlags(flags);
        const context = await kubeContext(flags);
        const failures = errors.map((error) => `error: ${error}`);
        const pairs: DiffPair[] = [];
        for (const manifest of manifests) {
          try {
            const target = targetOf(manifest, context);
            const live = await liveOf(context, target);
            const merged = await mergedOf(context, target, live, flags);
            pairs.push({ ...target, live, merged });
          } catch (error) {
            failures.push(formatKubeError(error, `error when diffing "${manifest.source}"`));
          }
        }
        for (const failure of failures) process.stderr.write(failure + '\n');
        const code = await compare(pairs);
        process.exitCode = failures.length > 0 ? ERROR_EXIT : code;
      }),
    );
}

async function liveOf(context: KubeContext, target: Target): Promise<KubeObject | undefined> {
  try {
    return await context.api
      .resource(target.type)
      .get(target.name, { namespace: target.namespace });
  } catch (error) {
    if (error instanceof ApiError && error.code === 404) return undefined;
    throw error;
  }
}

/** What applying `target` would leave, from the server's dry run of that apply. */
async function mergedOf(
  context: KubeContext,
  target: Target,
  live: KubeObject | undefined,
  flags: DiffFlags,
): Promise<KubeObject> {
  const client = context.api.resource(target.type);
  const options = { namespace: target.namespace, dryRun: 'All' as const };
  if (flags.serverSide)
    return client.patch(target.name, target.object, 'apply', {
      ...options,
      fieldManager: flags.fieldManager ?? 'skiff',
      force: flags.forceConflicts === true,
    });
  const applied = withLastApplied(target.object);
  if (!live) return client.create(applied, options);
  const { patch } = planApply(applied, live);
  return patch ? client.patch(target.name, patch, 'merge', options) : live;
}

/** Writes both trees and runs the diff program on them; its verdict as an exit code. */
async function compare(pairs: readonly DiffPair[]): Promise<number> {
  const liveDir = await mkdtemp(path.join(os.tmpdir(), 'LIVE-'));
  const mergedDir = await mkdtemp(path.join(os.tmpdir(), 'MERGED-'));
  try {
    await writeDiffTrees(pairs, liveDir, mergedDir);
    const program = process.env['KUBECTL_EXTERNAL_DIFF']?.trim() || 'diff -u -N';
    const code = await run(`${program} "$1" "$2"`, liveDir, mergedDir);
    if (code > 1)
      process.stderr.write(`error: the diff program "${program}" failed (exit ${code})\n`);
    return code > 1 ? ERROR_EXIT : code;
  } finally {
    await rm(liveDir, { recursive: true, force: true });
    await rm(mergedDir, { recursive: true, force: true });
  }
}

/** Runs `script` in the shell with the two directories as $1 and $2; its exit code. */
function run(script: string, first: string, second: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script, 'skiff-diff', first, second], { stdio: 'inherit' });
    child.on('error', () => resolve(ERROR_EXIT));
    child.on('close', (code) => resolve(code ?? ERROR_EXIT));
  });
}
