// `skiff set image TYPE/NAME CONTAINER=IMAGE...`: kubectl set image. The
// containers (and init containers) are found by name in the object's pod
// spec (`*` means all of them) and changed with a strategic merge patch keyed
// by name, so nothing else in the object is touched.

import type { Command } from 'commander';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { isObject, type JsonObject } from '../kube/json-values.js';
import { manifestOptions } from '../kube/manifest-flags.js';
import { collectTargets, duringFor, type TargetFlags } from '../kube/named-targets.js';
import { parseDryRun, parseWriteOutput, printWritten } from '../kube/write-output.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

interface SetImageFlags extends KubeFlags, TargetFlags {
  readonly dryRun?: string;
  readonly output?: string;
}

/** Registers `skiff set` (its `image` command). */
export function registerSet(program: Command): void {
  const set = program
    .command('set')
    .description('Change fields of existing resources (kubectl set)');
  withKubeFlags(manifestOptions(set.command('image')))
    .description('Change the images of containers (kubectl set image)')
    .argument(
      '<args...>',
      'TYPE NAME... or TYPE/NAME..., then CONTAINER=IMAGE... (* for every container)',
    )
    .option('-l, --selector <selector>', 'change the objects matching this label selector')
    .option('--all', 'change every object of the types in the namespace')
    .option('--dry-run <mode>', 'server: check the change, store nothing')
    .option('-o, --output <format>', 'print the changed objects: yaml, json or name')
    .action(
      kubeAction(async (args: string[], flags: SetImageFlags) => {
        const images = new Map<string, string>();
        const resources: string[] = [];
        for (const arg of args) {
          const equals = arg.indexOf('=');
          if (equals > 0) images.set(arg.slice(0, equals), arg.slice(equals + 1));
          else resources.push(arg);
        }
        if (images.size === 0) throw new CliError('at least one image update is required');
        const dryRun = parseDryRun(flags.dryRun);
        const output = parseWriteOutput(flags.output);
        const context = await kubeContext(flags);
        const failures: string[] = [];
        const targets = await collectTargets(
          context.api,
          resources,
          flags,
          context,
          'set',
          failures,
        );
        for (const target of targets) {
          try {
            const client = context.api.resource(target.type);
            const live = await client.get(target.name, { namespace: target.namespace });
            const patch = imagePatch(live, images);
            const changed = await client.patch(target.name, patch, 'strategic', {
              namespace: target.namespace,
              ...(dryRun ? { dryRun: 'All' as const } : {}),
            });
            printWritten(
              target.type,
              changed,
              `image updated${dryRun ? ' (server dry run)' : ''}`,
              output,
            );
          } catch (error) {
            failures.push(formatKubeError(error, duringFor(target, 'setting the image of')));
          }
        }
        reportFailures(failures);
      }),
    );
}

/** Where a kind keeps its pod spec, as a path of fields. */
function podSpecPath(kind: string): readonly string[] | undefined {
  if (kind === 'Pod') return ['spec'];
  if (
    [
      'Deployment',
      'ReplicaSet',
      'StatefulSet',
      'DaemonSet',
      'Job',
      'ReplicationController',
    ].includes(kind)
  )
    return ['spec', 'template', 'spec'];
  if (kind === 'CronJob') return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  return undefined;
}

/**
 * The strategic merge patch setting `images` (container name, or `*`, →
 * image) in `live`'s pod spec; a CliError when the kind has none or a named
 * container is not there.
 */
export function imagePatch(live: KubeObject, images: ReadonlyMap<string, string>): JsonObject {
  const at = podSpecPath(live.kind);
  if (!at)
    throw new CliError(
      `${live.kind} "${live.metadata.name ?? ''}": the object is not a pod or does not have a pod template`,
    );
  let spec: unknown = live;
  for (const field of at) spec = isObject(spec) ? spec[field] : undefined;
  const podSpec = isObject(spec) ? spec : {};
  const changes: Record<string, { name: string; image: string }[]> = {};
  const matched = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = Array.isArray(podSpec[list]) ? podSpec[list] : [];
    for (const container of containers) {
      if (!isObject(container) || typeof container['name'] !== 'string') continue;
      const name = container['name'];
      const image = images.get(name) ?? images.get('*');
      if (image === undefined) continue;
      matched.add(name);
      (changes[list] ??= []).push({ name, image });
    }
  }
  for (const name of images.keys())
    if (name !== '*' && !matched.has(name))
      throw new CliError(`unable to find container named "${name}"`);
  let patch: JsonObject = changes;
  for (const field of [...at].reverse()) patch = { [field]: patch };
  return patch;
}
