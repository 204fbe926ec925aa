// `skiff cordon|uncordon|drain NODE`: kubectl's node maintenance commands.
// cordon sets spec.unschedulable (the scheduler then skips the node);
// drain cordons, then deletes the node's pods gracefully and waits for them
// to go (kubectl evicts; Skiff has no PodDisruptionBudgets, so a delete is
// what an eviction would do). Like kubectl, drain refuses pods no controller
// would recreate unless --force.

import type { Command } from 'commander';
import type { Node, Pod } from '../../../controlplane/api/generated/index.js';
import { resourceTypeForKind, type ResourceType } from '../../../controlplane/api/resources.js';
import { CliError } from '../cli-error.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface DrainFlags extends KubeFlags {
  readonly force?: boolean;
  readonly ignoreDaemonsets?: boolean;
  readonly gracePeriod: string;
  readonly timeout: string;
}

const nodesOf = (context: KubeContext) =>
  context.api.resource<Node>(resourceTypeForKind('Node') as ResourceType);
const podsOf = (context: KubeContext) =>
  context.api.resource<Pod>(resourceTypeForKind('Pod') as ResourceType);

/** Sets spec.unschedulable; says "already" when nothing changes, as kubectl. */
async function setUnschedulable(context: KubeContext, name: string, value: boolean): Promise<void> {
  const nodes = nodesOf(context);
  const node = await nodes.get(name);
  const word = value ? 'cordoned' : 'uncordoned';
  if ((node.spec?.unschedulable ?? false) === value) {
    process.stdout.write(`node/${name} already ${word}\n`);
    return;
  }
  await nodes.patch(name, { spec: { unschedulable: value ? true : null } }, 'merge');
  process.stdout.write(`node/${name} ${word}\n`);
}

function controllerOf(pod: Pod): string | undefined {
  return pod.metadata.ownerReferences?.find((o) => o.controller)?.kind;
}

/** Parses `30s`, `5m`, `1h` or plain seconds; 0 means forever (kubectl's --timeout). */
function parseDuration(text: string, flag: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text);
  if (!match) throw new CliError(`invalid ${flag} "${text}": expected a duration like 30s or 5m`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * unit;
}

async function drain(context: KubeContext, name: string, flags: DrainFlags): Promise<void> {
  const timeoutMs = parseDuration(flags.timeout, '--timeout');
  const grace = Number(flags.gracePeriod);
  await setUnschedulable(context, name, true);
  const pods = podsOf(context);
  const onNode = (await pods.list({ fieldSelector: `spec.nodeName=${name}` })).items.filter(
    (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  const daemons = onNode.filter((p) => controllerOf(p) === 'DaemonSet');
  const unmanaged = onNode.filter((p) => controllerOf(p) === undefined);
  const problems: string[] = [];
  if (unmanaged.length > 0 && !flags.force)
    problems.push(
      `cannot delete Pods that declare no controller (use --force to override): ${unmanaged.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}`,
    );
  if (daemons.length > 0 && !flags.ignoreDaemonsets)
    problems.push(
      `cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemons.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}`,
    );
  if (problems.length > 0)
    throw new CliError(`unable to drain node "${name}" due to error: ${problems.join(', ')}`);
  const evicted = onNode.filter((p) => controllerOf(p) !== 'DaemonSet');
  for (const pod of evicted) {
    process.stdout.write(`evicting pod ${pod.metadata.namespace}/${pod.metadata.name}\n`);
    await pods.delete(pod.metadata.name ?? '', {
      namespace: pod.metadata.namespace ?? 'default',
      ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}),
    });
  }
  const deadline = timeoutMs === 0 ? Infinity : Date.now() + timeoutMs;
  const left = new Set(evicted.map((p) => p.metadata.uid));
  while (left.size > 0) {
    const now = (await pods.list({ fieldSelector: `spec.nodeName=${name}` })).items;
    for (const pod of evicted) {
      if (!left.has(pod.metadata.uid)) continue;
      if (!now.some((p) => p.metadata.uid === pod.metadata.uid)) {
        left.delete(pod.metadata.uid);
        process.stdout.write(`pod/${pod.metadata.name} evicted\n`);
      }
    }
    if (left.size === 0) break;
    if (Date.now() > deadline)
      throw new CliError(`error when waiting for pods to be deleted on node ${name}: timed out`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  process.stdout.write(`node/${name} drained\n`);
}

/** Registers `skiff cordon`, `skiff uncordon` and `skiff drain`. */
export function registerCordon(program: Command): void {
  for (const [verb, value] of [
    ['cordon', true],
    ['uncordon', false],
  ] as const) {
    withKubeFlags(
      program
        .command(verb)
        .description(value ? 'Mark a node unschedulable' : 'Mark a node schedulable again')
        .argument('<node>', 'the node'),
    ).action(
      kubeAction(async (name: string, flags: KubeFlags) => {
        await setUnschedulable(await kubeContext(flags), name.replace(/^nodes?\//, ''), value);
      }),
    );
  }
  withKubeFlags(
    program
      .command('drain')
      .description('Cordon a node, then delete its pods gracefully and wait for them to go')
      .argument('<node>', 'the node')
      .option('--force', 'also delete pods no controller manages')
      .option('--ignore-daemonsets', 'leave DaemonSet-managed pods')
      .option('--grace-period <seconds>', "each pod's grace period; -1: the pod's own", '-1')
      .option('--timeout <duration>', 'give up after this long (0: never)', '0s'),
  ).action(
    kubeAction(async (name: string, flags: DrainFlags) => {
      await drain(await kubeContext(flags), name.replace(/^nodes?\//, ''), flags);
    }),
  );
}
