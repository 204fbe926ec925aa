// `skiff scale --replicas=N`: kubectl scale, through the scale subresource of
// each named object (deployments, replica sets). --current-replicas and
// --resource-version are preconditions checked against the Scale read first;
// without them a write that races another is read and written again.

import type { Command } from 'commander';
import { ApiError } from '../../../controlplane/api/errors.js';
import type { Scale } from '../../../controlplane/api/cluster-api.js';
import { CliError } from '../cli-error.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { manifestOptions } from '../kube/manifest-flags.js';
import {
  collectTargets,
  duringFor,
  type NamedTarget,
  type TargetFlags,
} from '../kube/named-targets.js';
import { objectName } from '../kube/object-printer.js';
import { parseDryRun } from '../kube/write-output.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface ScaleFlags extends KubeFlags, TargetFlags {
  readonly replicas?: string;
  readonly currentReplicas?: string;
  readonly resourceVersion?: string;
  readonly dryRun?: string;
}

/** What the scale must find before it writes (kubectl's ScalePrecondition). */
interface Preconditions {
  readonly replicas?: number;
  readonly resourceVersion?: string;
}

/** Attempts at a scale without preconditions that keeps losing races. */
const ATTEMPTS = 5;

/** Registers `skiff scale`. */
export function registerScale(program: Command): void {
  withKubeFlags(manifestOptions(program.command('scale')))
    .description('Set the number of replicas of deployments and replica sets (kubectl scale)')
    .argument('[resources...]', 'TYPE NAME... or TYPE/NAME...')
    .option('--replicas <count>', 'the new number of replicas')
    .option('--current-replicas <count>', 'scale only if the object has this many replicas now')
    .option('--resource-version <version>', 'scale only if the object is at this resourceVersion')
    .option('-l, --selector <selector>', 'scale the objects matching this label selector')
    .option('--all', 'scale every object of the types in the namespace')
    .option('--dry-run <mode>', 'server: check the change, store nothing')
    .action(
      kubeAction(async (args: string[], flags: ScaleFlags) => {
        const replicas = countOf(flags.replicas);
        if (replicas === undefined)
          throw new CliError(
            '--replicas=COUNT is required, and COUNT must be greater than or equal to 0',
          );
        const preconditions: Preconditions = {
          replicas: countOf(flags.currentReplicas, '--current-replicas'),
          resourceVersion: flags.resourceVersion || undefined,
        };
        const dryRun = parseDryRun(flags.dryRun);
        const context = await kubeContext(flags);
        const failures: string[] = [];
        const targets = await collectTargets(context.api, args, flags, context, 'scale', failures);
        for (const target of targets) {
          try {
            await scaleOne(context, target, replicas, preconditions, dryRun);
            const suffix = dryRun ? ' (server dry run)' : '';
            process.stdout.write(`${objectName(target.type, target.name)} scaled${suffix}\n`);
          } catch (error) {
            failures.push(formatKubeError(error, duringFor(target, 'scaling')));
          }
        }
        if (targets.length === 0 && failures.length === 0)
          process.stdout.write('No resources found\n');
        reportFailures(failures);
      }),
    );
}

/** A replica count flag (undefined when absent); a CliError when it is not a count. */
function countOf(text: string | undefined, flag = '--replicas'): number | undefined {
  if (text === undefined) return undefined;
  const count = Number(text);
  if (text.trim() === '' || !Number.isInteger(count) || count < 0) {
    if (flag === '--replicas') return undefined;
    throw new CliError(`invalid ${flag} "${text}": must be a number of replicas (0 or more)`);
  }
  return count;
}

async function scaleOne(
  context: KubeContext,
  target: NamedTarget,
  replicas: number,
  preconditions: Preconditions,
  dryRun: boolean,
): Promise<void> {
  const client = context.api.resource(target.type);
  const options = { namespace: target.namespace, ...(dryRun ? { dryRun: 'All' as const } : {}) };
  const pinned =
    preconditions.replicas !== undefined || preconditions.resourceVersion !== undefined;
  for (let attempt = 1; ; attempt++) {
    const scale = await client.getScale(target.name, { namespace: target.namespace });
    checkPreconditions(scale, preconditions);
    try {
      await client.updateScale(target.name, { ...scale, spec: { replicas } }, options);
      return;
    } catch (error) {
      const raced = error instanceof ApiError && error.code === 409;
      if (!raced || pinned || attempt >= ATTEMPTS) throw error;
    }
  }
}

function checkPreconditions(scale: Scale, preconditions: Preconditions): void {
  const current = scale.spec.replicas ?? 0;
  if (preconditions.replicas !== undefined && preconditions.replicas !== current)
    throw new CliError(`Expected replicas to be ${preconditions.replicas}, was ${current}`);
  const version = scale.metadata.resourceVersion ?? '';
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== version)
    throw new CliError(
      `Expected resource version to be ${preconditions.resourceVersion}, was ${version}`,
    );
}
