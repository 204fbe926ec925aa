// `skiff create namespace|configmap|secret generic|deployment|service`:
// kubectl's generators. Each makes its object from flags (kube/generators.ts)
// and creates it, or with --dry-run=client prints it only (the way manifests
// are started: `--dry-run=client -o yaml > app.yaml`).

import type { Command } from 'commander';
import { servedTypeFor } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { withLastApplied } from '../kube/apply-merge.js';
import {
  configMapObject,
  deploymentObject,
  namespaceObject,
  readDataSources,
  secretObject,
  serviceObject,
  type DataSources,
  type ServiceKind,
} from '../kube/generators.js';
import { parseWriteOutput, printWritten } from '../kube/write-output.js';
import { kubeContext, withKubeFlags, kubeAction, type KubeFlags } from './kube-context.js';

interface GeneratorFlags extends KubeFlags {
  readonly dryRun?: string;
  readonly output?: string;
  readonly saveConfig?: boolean;
}

interface SourceFlags extends GeneratorFlags {
  readonly fromLiteral?: string[];
  readonly fromFile?: string[];
  readonly fromEnvFile?: string[];
  readonly type?: string;
}

interface DeploymentFlags extends GeneratorFlags {
  readonly image?: string[];
  readonly replicas: string;
  readonly port?: string;
}

interface ServiceFlags extends GeneratorFlags {
  readonly tcp?: string[];
  readonly nodePort?: string;
}

const repeatable = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the generators under `create`. */
export function registerGenerators(create: Command): void {
  generator(create, 'namespace', 'Create a namespace', '<name>')
    .alias('ns')
    .action(
      kubeAction(async (name: string, _flags: GeneratorFlags, command: Command) => {
        await createGenerated(command, namespaceObject(name));
      }),
    );

  sources(generator(create, 'configmap', 'Create a config map from literals, files or env files'))
    .alias('cm')
    .action(
      kubeAction(async (name: string, flags: SourceFlags, command: Command) => {
        const entries = await readDataSources(sourcesOf(flags), `ConfigMap "${name}"`);
        await createGenerated(command, configMapObject(name, entries));
      }),
    );

  const secret = create.command('secret').description('Create a secret (kubectl create secret)');
  sources(generator(secret, 'generic', 'Create a secret from literals, files or env files'))
    .option('--type <type>', 'the secret type', 'Opaque')
    .action(
      kubeAction(async (name: string, flags: SourceFlags, command: Command) => {
        const entries = await readDataSources(sourcesOf(flags), `Secret "${name}"`);
        await createGenerated(command, secretObject(name, entries, flags.type));
      }),
    );

  generator(create, 'deployment', 'Create a deployment running the given images')
    .alias('deploy')
    .option('--image <image>', 'an image to run (repeatable: a container each)', repeatable)
    .option('--replicas <count>', 'the number of replicas', '1')
    .option('--port <port>', 'the port the containers expose')
    .argument('[command...]', 'after --: the command of the containers')
    .action(
      kubeAction(async (name: string, command: string[], flags: DeploymentFlags, self: Command) => {
        const images = flags.image ?? [];
        if (images.length === 0) throw new CliError('required flag(s) "image" not set');
        const replicas = Number(flags.replicas);
        if (!Number.isInteger(replicas) || replicas < 0)
          throw new CliError(
            `invalid --replicas "${flags.replicas}": a number of replicas (0 or more)`,
          );
        const port = flags.port === undefined ? undefined : Number(flags.port);
        if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
          throw new CliError(`invalid --port "${flags.port}": a port is a number from 1 to 65535`);
        await createGenerated(self, deploymentObject(name, { images, replicas, port, command }));
      }),
    );

  const service = create.command('service').alias('svc').description('Create a service');
  for (const kind of ['clusterip', 'nodeport'] as const satisfies readonly ServiceKind[]) {
    const command = generator(
      service,
      kind,
      `Create a ${kind === 'clusterip' ? 'ClusterIP' : 'NodePort'} service`,
    ).option(
      '--tcp <port[:target]>',
      'a port and the target port it forwards to (repeatable)',
      repeatable,
    );
    if (kind === 'nodeport') command.option('--node-port <port>', 'the node port to ask for');
    command.action(
      kubeAction(async (name: string, flags: ServiceFlags, self: Command) => {
        const nodePort = flags.nodePort === undefined ? undefined : Number(flags.nodePort);
        await createGenerated(self, serviceObject(name, kind, flags.tcp ?? [], nodePort));
      }),
    );
  }
}

/** A generator subcommand with the flags they all share. */
function generator(
  parent: Command,
  name: string,
  description: string,
  argument = '<name>',
): Command {
  return withKubeFlags(parent.command(name))
    .description(
      `${description} (kubectl create ${parent.name() === 'create' ? '' : `${parent.name()} `}${name})`,
    )
    .argument(argument, 'the name of the object')
    .option(
      '--dry-run <mode>',
      'none, client (print only) or server (check on the server, store nothing)',
      'none',
    )
    .option('-o, --output <format>', 'print the object: yaml, json or name')
    .option('--save-config', 'record the object in the last-applied annotation, for skiff apply');
}

function sources(command: Command): Command {
  return command
    .option('--from-literal <key=value>', 'a key and its value (repeatable)', repeatable)
    .option(
      '--from-file <[key=]path>',
      'a file (its name the key), or a directory of them (repeatable)',
      repeatable,
    )
    .option('--from-env-file <path>', 'a file of KEY=VALUE lines (repeatable)', repeatable);
}

function sourcesOf(flags: SourceFlags): DataSources {
  return { literals: flags.fromLiteral, files: flags.fromFile, envFiles: flags.fromEnvFile };
}

/** Creates `object` (or, with --dry-run=client, prints it), as the command's flags say. */
async function createGenerated(command: Command, generated: KubeObject): Promise<void> {
  // Global flags written before `create` (`skiff -n x create ...`) land on the parents.
  const flags = command.optsWithGlobals<GeneratorFlags>();
  const output = parseWriteOutput(flags.output);
  const dryRun = flags.dryRun ?? 'none';
  if (!['none', 'client', 'server'].includes(dryRun))
    throw new CliError(`Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  const type = servedTypeFor(generated.apiVersion, generated.kind);
  if (!type) throw new CliError(`the server doesn't have a resource type "${generated.kind}"`);
  let object = flags.saveConfig ? withLastApplied(generated) : generated;
  if (type.namespaced && flags.namespace)
    object = { ...object, metadata: { ...object.metadata, namespace: flags.namespace } };
  if (dryRun === 'client') {
    printWritten(type, object, 'created (dry run)', output);
    return;
  }
  const context = await kubeContext(flags);
  const created = await context.api.resource(type).create(object, {
    namespace: type.namespaced ? context.namespace : undefined,
    ...(dryRun === 'server' ? { dryRun: 'All' as const } : {}),
  });
  printWritten(type, created, dryRun === 'server' ? 'created (server dry run)' : 'created', output);
}
