// `skiff logs [-f] [-p] (POD | pod/NAME) [-c CONTAINER]`: kubectl logs. The
// pod is read first (NotFound as kubectl reports it), its container chosen as
// kubectl chooses it (-c, else the kubectl.kubernetes.io/default-container
// annotation, else the first container, saying so when there were others),
// then the log is streamed from the API server's pods/log to stdout.

import { once } from 'node:events';
import type { Command } from 'commander';
import type { Pod } from '../../../controlplane/api/generated/pod.js';
import { resourceTypeFor } from '../../../controlplane/api/resources.js';
import type { PodLogRequest } from '../../client/index.js';
import { readPodLogs } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { parseDuration } from '../kube/flag-values.js';
import { resolveType } from '../kube/resource-args.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface LogsFlags extends KubeFlags {
  readonly follow?: boolean;
  readonly previous?: boolean;
  readonly container?: string;
  readonly tail: string;
  readonly timestamps?: boolean;
  readonly since?: string;
  readonly sinceTime?: string;
  readonly limitBytes?: string;
}

/** kubectl's annotation naming the container `logs` and `exec` default to. */
const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

const USAGE =
  "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

/** The pod an argument names: `NAME`, or `pod/NAME` (any spelling of the pods type). */
export function podName(
  arg: string,
  refusal = (what: string) => `cannot get the logs from ${what}: skiff logs reads pods (pod/NAME)`,
): string {
  const slash = arg.indexOf('/');
  if (slash < 0) return arg;
  const type = resolveType(arg.slice(0, slash));
  const name = arg.slice(slash + 1);
  if (type.group !== '' || type.kind !== 'Pod') {
    const kind = type.group === '' ? type.plural : `${type.plural}.${type.group}`;
    throw new CliError(refusal(`${kind}/${name}`));
  }
  if (name === '') throw new CliError(USAGE);
  return name;
}

function wholeNumber(value: string, flag: string): number {
  if (!/^[+-]?\d+$/.test(value.trim())) {
    throw new CliError(
      `invalid argument "${value}" for "--${flag}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`,
    );
  }
  return Number(value);
}

/** The request the flags ask for (checked as kubectl checks them), less the container. */
function logRequest(flags: LogsFlags): PodLogRequest {
  const tail = wholeNumber(flags.tail, 'tail');
  if (tail < -1) throw new CliError('--tail must be greater than or equal to -1');
  const limitBytes =
    flags.limitBytes === undefined ? 0 : wholeNumber(flags.limitBytes, 'limit-bytes');
  if (limitBytes < 0) throw new CliError('--limit-bytes must be greater than 0');
  const sinceMs = flags.since === undefined ? 0 : parseDuration(flags.since, 'since');
  if (flags.sinceTime !== undefined && sinceMs !== 0) {
    throw new CliError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  }
  let sinceTime: string | undefined;
  if (flags.sinceTime !== undefined) {
    const parsed = Date.parse(flags.sinceTime);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(flags.sinceTime) || Number.isNaN(parsed)) {
      throw new CliError(
        `invalid argument "${flags.sinceTime}" for "--since-time" flag: not an RFC3339 time`,
      );
    }
    sinceTime = new Date(parsed).toISOString().replace(/\.\d+Z$/, 'Z');
  }
  return {
    ...(flags.follow ? { follow: true } : {}),
    ...(flags.previous ? { previous: true } : {}),
    ...(flags.timestamps ? { timestamps: true } : {}),
    ...(tail !== -1 ? { tailLines: tail } : {}),
    ...(limitBytes !== 0 ? { limitBytes } : {}),
    ...(sinceMs !== 0 ? { sinceSeconds: Math.round(sinceMs / 1000) } : {}),
    ...(sinceTime !== undefined ? { sinceTime } : {}),
  };
}

/** kubectl's list of a pod's containers: `a, b, setup (init)`. */
function allContainerNames(pod: Pod): string {
  return [
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

/** The container to read, chosen as kubectl chooses it. */
/** The pod `name` in the context's namespace (the API's NotFound when there is none). */
export async function getPod(context: KubeContext, name: string): Promise<Pod> {
  const podType = resourceTypeFor('v1', 'Pod');
  if (!podType) throw new Error('no resource type for v1 Pod');
  return context.api.resource<Pod>(podType).get(name, { namespace: context.namespace });
}

/** The container a command means: the one asked for, the pod's default-container annotation, or the first (saying so). */
export function containerOf(pod: Pod, name: string, requested: string | undefined): string {
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const known = [...containers, ...inits].map((c) => c.name);
  let container = requested;
  if (container === undefined) {
    const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
    if (annotated && known.includes(annotated)) container = annotated;
    else if (annotated) {
      process.stderr.write(`Default container name "${annotated}" not found in pod ${name}\n`);
    }
  }
  if (container === undefined) {
    container = containers[0]?.name;
    if (container === undefined) throw new CliError(`pod ${name} does not have any containers`);
    if (containers.length > 1 || inits.length > 0) {
      process.stderr.write(
        `Defaulted container "${container}" out of: ${allContainerNames(pod)}\n`,
      );
    }
  }
  if (!known.includes(container)) {
    throw new CliError(`container ${container} is not valid for pod ${name}`);
  }
  return container;
}

/** Writes `chunk` to stdout, waiting while stdout's buffer is full. */
async function print(chunk: Uint8Array): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}

/** Registers `skiff logs`. */
export function registerLogs(program: Command): void {
  withKubeFlags(
    program
      .command('logs')
      .description('Print the logs of a container in a pod (kubectl logs)')
      .argument('[pod]', 'POD or pod/NAME')
      .argument('[container]', 'the container (the same as -c)')
      .option('-f, --follow', 'stream the log as it is written')
      .option('-p, --previous', "the log of the container's previous run")
      .option('-c, --container <name>', 'the container (default: the only or first one)')
      .option('--tail <lines>', 'only the last lines (-1: all)', '-1')
      .option('--timestamps', 'prefix each line with its RFC3339 timestamp')
      .option('--since <duration>', 'only lines newer than this (5s, 2m, 3h)')
      .option('--since-time <time>', 'only lines at or after this RFC3339 time')
      .option('--limit-bytes <bytes>', 'stop after this many bytes'),
  ).action(
    kubeAction(async (pod: string | undefined, inline: string | undefined, flags: LogsFlags) => {
      if (pod === undefined)
        throw new CliError(`${USAGE}\nSee 'skiff logs -h' for help and examples.`);
      if (inline !== undefined && flags.container !== undefined) {
        throw new CliError('only one of -c or an inline [CONTAINER] arg is allowed');
      }
      const name = podName(pod);
      const request = logRequest(flags);
      const context = await kubeContext(flags);
      const container = containerOf(await getPod(context, name), name, inline ?? flags.container);
      const chunks = await readPodLogs(context.api.transport, context.namespace, name, {
        ...request,
        container,
      });
      for await (const chunk of chunks) await print(chunk);
    }),
  );
}
