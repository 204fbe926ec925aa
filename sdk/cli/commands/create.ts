// `skiff create -f`: creates each object of the manifests, failing (per
// object) with AlreadyExists when it exists, as kubectl create does.
// --save-config records the last-applied-configuration for a later apply.
// `create namespace|configmap|secret generic|deployment|service` make their
// object from flags instead (create-generators.ts).

import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { withLastApplied } from '../kube/apply-merge.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { readManifestFlags, manifestOptions, type ManifestFlags } from '../kube/manifest-flags.js';
import { targetOf } from '../kube/manifest-target.js';
import { objectName } from '../kube/object-printer.js';
import { registerGenerators } from './create-generators.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

interface CreateFlags extends KubeFlags, ManifestFlags {
  readonly saveConfig?: boolean;
}

/** Registers `skiff create`. */
export function registerCreate(program: Command): void {
  const create = program.command('create');
  registerGenerators(create);
  withKubeFlags(manifestOptions(create))
    .description(
      'Create resources from files or stdin, or one from flags: namespace, configmap, secret, deployment, service (kubectl create)',
    )
    .argument('[kind...]', 'namespace, configmap, secret, deployment or service: see their help')
    .option(
      '--save-config',
      'record the configuration in the last-applied annotation, for skiff apply',
    )
    .action(
      kubeAction(async (kind: string[], flags: CreateFlags) => {
        if (kind[0] !== undefined)
          throw new CliError(`unknown command "${kind[0]}" for "skiff create"`);
        const { manifests, errors } = await readManifestFlags(flags);
        const context = await kubeContext(flags);
        const failures = errors.map((error) => `error: ${error}`);
        for (const manifest of manifests) {
          try {
            // generateName objects have no name yet: the server gives them one.
            const target = targetOf(manifest, context, true);
            const object = flags.saveConfig ? withLastApplied(target.object) : target.object;
            const created = await context.api
              .resource(target.type)
              .create(object, { namespace: target.namespace });
            process.stdout.write(
              `${objectName(target.type, created.metadata.name ?? target.name)} created\n`,
            );
          } catch (error) {
            const during =
              error instanceof CliError ? undefined : `error when creating "${manifest.source}"`;
            failures.push(formatKubeError(error, during));
          }
        }
        reportFailures(failures);
      }),
    );
}
