// `skiff wait --for=...`: kubectl wait. Each object the arguments name is
// read, then watched (by name, from the revision read) until it meets the
// condition, or the time (--timeout, shared by all of them) runs out:
// `deployment.apps/web condition met` per object, exit 1 on any failure.

import type { Command } from 'commander';
import { ApiError } from '../../../controlplane/api/errors.js';
import type { KubeObject, Status } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { withTypeMeta } from '../kube/fetch.js';
import { parseDuration } from '../kube/flag-values.js';
import { manifestOptions } from '../kube/manifest-flags.js';
import { collectTargets, type NamedTarget, type TargetFlags } from '../kube/named-targets.js';
import { objectMeets, parseWaitCondition, type WaitCondition } from '../kube/wait-conditions.js';
import { UNBOUNDED_WAIT_MS } from '../kube/wait-gone.js';
import { parseWriteOutput, printWritten } from '../kube/write-output.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface WaitFlags extends KubeFlags, TargetFlags {
  readonly for?: string;
  readonly timeout: string;
  readonly output?: string;
}

/** Registers `skiff wait`. */
export function registerWait(program: Command): void {
  withKubeFlags(manifestOptions(program.command('wait')))
    .description('Wait until resources meet a condition, or are created or deleted (kubectl wait)')
    .argument('[resources...]', 'TYPE NAME... or TYPE/NAME..., or TYPE with -l or --all')
    .option(
      '--for <condition>',
      "delete, create, condition=TYPE[=STATUS] or jsonpath='{PATH}'[=VALUE]",
    )
    .option(
      '--timeout <duration>',
      'how long to wait in all (0: check once; negative: a week)',
      '30s',
    )
    .option('-l, --selector <selector>', 'wait for the objects matching this label selector')
    .option('--all', 'wait for every object of the types in the namespace')
    .option('-A, --all-namespaces', 'with -l or --all: in every namespace')
    .option('-o, --output <format>', 'print the objects instead: yaml, json or name')
    .action(
      kubeAction(async (args: string[], flags: WaitFlags) => {
        const condition = parseWaitCondition(flags.for);
        const output = parseWriteOutput(flags.output);
        const timeoutMs = timeoutOf(flags.timeout);
        const context = await kubeContext(flags);
        const failures: string[] = [];
        const targets = await collectTargets(context.api, args, flags, context, 'wait', failures);
        if (targets.length === 0 && failures.length === 0 && condition.kind !== 'delete')
          throw new CliError('no matching resources found');
        const deadline = Date.now() + timeoutMs;
        for (const target of targets) {
          try {
            const met = await waitFor(context, target, condition, deadline, timeoutMs === 0);
            if (met) printWritten(target.type, met, 'condition met', output);
            else if (met === undefined) failures.push(notMet(target, condition, timeoutMs === 0));
          } catch (error) {
            failures.push(formatKubeError(error));
          }
        }
        reportFailures(failures);
      }),
    );
}

/** kubectl's --timeout: 0 checks once, a negative one waits a week. */
function timeoutOf(text: string): number {
  if (text.trim().startsWith('-')) return UNBOUNDED_WAIT_MS;
  return parseDuration(text, 'timeout');
}

function notMet(target: NamedTarget, condition: WaitCondition, once: boolean): string {
  const name = `${target.type.plural}/${target.name}`;
  if (once) return `error: condition not met for ${name}`;
  if (condition.kind === 'create') return 'error: timed out waiting for the condition';
  return `error: timed out waiting for the condition on ${name}`;
}

/**
 * Waits for one object: the object that met the condition (for a deletion,
 * the last one seen), null when there is nothing to say (an object already
 * gone when a deletion is awaited), undefined when time ran out.
 */
async function waitFor(
  context: KubeContext,
  target: NamedTarget,
  condition: WaitCondition,
  deadline: number,
  once: boolean,
): Promise<KubeObject | null | undefined> {
  const client = context.api.resource(target.type);
  const options = { namespace: target.namespace, fieldSelector: `metadata.name=${target.name}` };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
  try {
    for (;;) {
      const list = await client.list(options);
      const found = list.items[0];
      let last: KubeObject | undefined = found && withTypeMeta(found, target.type);
      // An object already gone when its deletion is awaited: what was listed of
      // it when a selector found it, else (a name) nothing to print, as kubectl.
      if (decide(condition, last)) return last ?? target.listed ?? null;
      // A condition of an object that is not there is an error, as in kubectl (its get's 404).
      if (last === undefined && (condition.kind === 'condition' || condition.kind === 'jsonpath'))
        last = withTypeMeta(
          await client.get(target.name, { namespace: target.namespace }),
          target.type,
        );
      if (once || abort.signal.aborted) return undefined;
      const watchOptions = { ...options, resourceVersion: list.metadata.resourceVersion };
      try {
        for await (const event of client.watch(watchOptions, abort.signal)) {
          if (event.type === 'BOOKMARK') continue;
          if (event.type === 'ERROR') {
            const status = event.object as Status;
            // 410: the revision was compacted; read the object again.
            if (status.code === 410) break;
            throw new ApiError(status);
          }
          const object = withTypeMeta(event.object as KubeObject, target.type);
          if (event.type === 'DELETED') {
            if (condition.kind === 'delete') return object;
            last = undefined;
          } else {
            last = object;
            if (decide(condition, last)) return last;
          }
        }
      } catch (error) {
        if (abort.signal.aborted) return undefined;
        throw error;
      }
      if (abort.signal.aborted) return undefined;
      // The watch ended (the server's timeout, or a compacted revision): read again.
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/** Whether the object as last seen (undefined: absent) meets the condition; only a deletion is met by absence. */
function decide(condition: WaitCondition, object: KubeObject | undefined): boolean {
  if (condition.kind === 'delete') return object === undefined;
  return object !== undefined && objectMeets(condition, object);
}
