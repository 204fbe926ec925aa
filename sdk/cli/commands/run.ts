// `skiff run`: run one Wasm program in a sandbox of its own, like `docker run`.
//
// Exit status follows docker run: the guest's exit code; 125 when the program
// could not be run at all (bad flag, missing or invalid file, unsupported
// imports); 128+N when a signal ended it.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { CommanderError, Option } from 'commander';
import {
  QuantityError,
  formatBytes,
  parseByteQuantity,
} from '../../../controlplane/api/quantity.js';
import type {
  ContainerHandle,
  ContainerSpec,
  EnvVar,
  Mount,
  PodSandbox,
  ResolvedImage,
  StopSignal,
} from '../../../runtime/index.js';
import {
  RuntimeError,
  VirtualPodNetwork,
  WasmRuntime,
  parsePublication,
  publishPort,
  looksLikeWasmFile,
  resolveWasmFile,
} from '../../../runtime/index.js';
import { imageReference, withImageStore } from '../image-context.js';
import type { PortPublication, PublishedPort } from '../../../runtime/index.js';
import { CliError, RUN_ERROR_EXIT_CODE } from '../cli-error.js';
import { cacheDir } from '../paths.js';

interface RunFlags {
  readonly pull: string;
  readonly name?: string;
  readonly hostname?: string;
  readonly env: string[];
  readonly volume: string[];
  readonly memory?: string;
  readonly publish: string[];
  readonly interactive?: boolean;
  readonly workdir?: string;
  readonly stopTimeout: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a Wasm module or component in a new sandbox')
    .argument('<image>', 'a .wasm file, or an image reference (pulled when missing)')
    .argument('[args...]', 'arguments for the guest (argv[1:])')
    .option('--name <name>', 'container name')
    .option('--hostname <name>', 'hostname the guest sees (HOSTNAME)')
    .option(
      '-e, --env <NAME=value>',
      'set an environment variable (NAME alone copies it from here)',
      collect,
      [],
    )
    .option('-v, --volume <HOST:GUEST[:ro]>', 'mount a host directory', collect, [])
    .option('-m, --memory <quantity>', 'memory limit, e.g. 64Mi or 1Gi')
    .option(
      '-p, --publish <[IP:]HOST:CONTAINER>',
      'publish a container port on the host',
      collect,
      [],
    )
    .option('-i, --interactive', 'pass standard input to the guest')
    .option('-w, --workdir <dir>', 'working directory inside the guest')
    .addOption(new Option('--stop-timeout <seconds>', 'grace period when stopping').default('10'))
    .addOption(
      new Option('--pull <policy>', 'pull an image: missing, always or never')
        .choices(['missing', 'always', 'never'])
        .default('missing'),
    )
    .passThroughOptions()
    .exitOverride((error) => {
      // Flag errors are run errors, as with `docker run` (exit 125).
      if (error.exitCode === 0) throw error;
      throw new CommanderError(RUN_ERROR_EXIT_CODE, error.code, error.message);
    })
    .action(async (file: string, args: string[], flags: RunFlags) => {
      process.exitCode = await run(file, args, flags);
    });
}

async function run(file: string, args: string[], flags: RunFlags): Promise<number> {
  const memoryLimitBytes = flags.memory === undefined ? undefined : parseMemory(flags.memory);
  const stopTimeoutSeconds = Number(flags.stopTimeout);
  if (!Number.isFinite(stopTimeoutSeconds) || stopTimeoutSeconds < 0) {
    throw new CliError(
      `invalid --stop-timeout "${flags.stopTimeout}": not a number of seconds`,
      RUN_ERROR_EXIT_CODE,
    );
  }
  const publications = flags.publish.map(parsePublishFlag);
  const env = flags.env.map(parseEnvFlag);
  const mounts = flags.volume.map(parseVolumeFlag);
  // One container: its worker starts booting now, while the module loads and
  // compiles, and none is kept warm for a next one.
  const runtime = new WasmRuntime({ cacheDir: cacheDir(), pool: { warm: 0, maxIdle: 0 } });
  runtime.pool.prewarm(1);
  const image = await resolveImage(file, flags.pull).catch(async (error: unknown) => {
    await runtime.close();
    return asRunError(error);
  });
  const name =
    flags.name ??
    path
      .basename(file, '.wasm')
      .replace(/^.*\//, '')
      .replace(/[:@].*$/, '');
  const network = new VirtualPodNetwork('127.0.0.1');
  const sandbox: PodSandbox = {
    id: randomBytes(16).toString('hex'),
    name,
    namespace: 'default',
    hostname: flags.hostname ?? randomBytes(6).toString('hex'),
    network,
  };
  const spec: ContainerSpec = {
    name,
    image,
    // Like docker run: no arguments means the image's Cmd.
    ...(args.length > 0 ? { args } : {}),
    env,
    mounts,
    ports: publications.map((p) => ({ containerPort: p.containerPort, protocol: 'TCP' as const })),
    resources: memoryLimitBytes === undefined ? {} : { memoryLimitBytes },
    ...(flags.workdir ? { workingDir: flags.workdir } : {}),
    ...(flags.interactive ? { stdin: process.stdin } : {}),
  };

  const published: PublishedPort[] = [];
  try {
    const handle = await runtime.start(spec, sandbox).catch(asRunError);
    for (const publication of publications) {
      published.push(
        await publishPort(network, publication).catch((error: unknown) => {
          void handle.stop({ signal: 'SIGKILL' });
          throw new CliError(
            `cannot publish port ${describe(publication)}: ${messageOf(error)}`,
            RUN_ERROR_EXIT_CODE,
          );
        }),
      );
    }
    for (const port of published) {
      const { host, port: hostPort } = port.address();
      process.stderr.write(
        `skiff: serving ${file} on http://${host}:${hostPort} (container port ${port.publication.containerPort})\n`,
      );
    }
    const removeSignalHandlers = forwardSignals(handle, stopTimeoutSeconds * 1000);
    const output = copyOutput(handle);
    const result = await handle.wait();
    await output;
    removeSignalHandlers();
    if (result.reason === 'OOMKilled' || (result.message && result.reason !== 'Completed')) {
      const limit =
        memoryLimitBytes === undefined ? '' : ` (limit ${formatBytes(memoryLimitBytes)})`;
      process.stderr.write(`skiff: ${name}: ${result.reason}: ${result.message ?? ''}${limit}\n`);
    }
    return result.exitCode;
  } finally {
    await Promise.all(published.map((port) => port.close()));
    await runtime.close();
  }
}

/** A .wasm file, or an image from the local store (pulled per `pull`). */
async function resolveImage(ref: string, pull: string): Promise<ResolvedImage> {
  if (looksLikeWasmFile(ref)) return resolveWasmFile(ref);
  const reference = imageReference(ref);
  return withImageStore(async (store) => {
    let image = pull === 'always' ? undefined : await store.get(reference);
    if (!image && pull === 'never')
      throw new CliError(`${ref}: not in the local store and --pull=never`, RUN_ERROR_EXIT_CODE);
    if (!image) {
      const { pullWithProgress } = await import('./pull-push.js');
      image = await pullWithProgress(store, reference);
    }
    if (image.kind === 'oci') {
      throw new CliError(
        `${ref} is a ${image.platform.os}/${image.platform.architecture} image: it needs the Docker runtime, which Skiff does not have yet`,
        RUN_ERROR_EXIT_CODE,
      );
    }
    return store.resolve(image);
  });
}

/** The first SIGINT/SIGTERM stops the guest gracefully; a second one kills it. */
function forwardSignals(handle: ContainerHandle, graceMs: number): () => void {
  let stopping = false;
  const onSignal = (signal: StopSignal) => {
    void handle.stop(stopping ? { signal: 'SIGKILL' } : { signal, graceMs });
    stopping = true;
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

/** Streams the guest's stdout and stderr to ours until it exits. */
async function copyOutput(handle: ContainerHandle): Promise<void> {
  for await (const chunk of handle.logs({ follow: true })) {
    const target = chunk.stream === 'stdout' ? process.stdout : process.stderr;
    if (!target.write(chunk.data)) await new Promise((resolve) => target.once('drain', resolve));
  }
}

function parseMemory(text: string): number {
  let bytes: number;
  try {
    bytes = parseByteQuantity(text);
  } catch (error) {
    const reason = error instanceof QuantityError ? error.message : messageOf(error);
    throw new CliError(`invalid --memory "${text}": ${reason}`, RUN_ERROR_EXIT_CODE);
  }
  if (bytes < 65536) {
    const hint = /^\d+m$/.test(text)
      ? ` (m is milli in Kubernetes quantities; did you mean ${text}i?)`
      : '';
    throw new CliError(
      `invalid --memory "${text}": below the 64Ki minimum${hint}`,
      RUN_ERROR_EXIT_CODE,
    );
  }
  return bytes;
}

function parsePublishFlag(text: string): PortPublication {
  try {
    return parsePublication(text);
  } catch (error) {
    throw new CliError(`invalid --publish "${text}": ${messageOf(error)}`, RUN_ERROR_EXIT_CODE);
  }
}

function parseEnvFlag(text: string): EnvVar {
  const at = text.indexOf('=');
  const name = at < 0 ? text : text.slice(0, at);
  if (!/^[^=\0]+$/.test(name))
    throw new CliError(`invalid --env "${text}": empty variable name`, RUN_ERROR_EXIT_CODE);
  return { name, value: at < 0 ? (process.env[name] ?? '') : text.slice(at + 1) };
}

function parseVolumeFlag(text: string): Mount {
  const parts = text.split(':');
  const [hostPath, guestPath, mode = 'rw'] = parts;
  if (parts.length > 3 || !hostPath || !guestPath || (mode !== 'ro' && mode !== 'rw')) {
    throw new CliError(
      `invalid --volume "${text}": expected HOST:GUEST[:ro|rw]`,
      RUN_ERROR_EXIT_CODE,
    );
  }
  if (!guestPath.startsWith('/')) {
    throw new CliError(
      `invalid --volume "${text}": the guest path must be absolute`,
      RUN_ERROR_EXIT_CODE,
    );
  }
  return { hostPath: path.resolve(hostPath), guestPath, readOnly: mode === 'ro' };
}

function describe(publication: PortPublication): string {
  return `${publication.hostIP}:${publication.hostPort}:${publication.containerPort}`;
}

function asRunError(error: unknown): never {
  if (error instanceof RuntimeError || error instanceof CliError) {
    throw new CliError(error.message, RUN_ERROR_EXIT_CODE);
  }
  throw error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
