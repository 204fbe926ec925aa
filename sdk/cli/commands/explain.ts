// `skiff explain TYPE[.FIELD...]`: kubectl explain, from the JSON Schemas the
// server validates with (see kube/explain.ts).

import type { Command } from 'commander';
import { KIND_SCHEMA_IDS } from '../../../controlplane/api/generated/schemas.js';
import { apiVersionOf } from '../../../controlplane/api/resources.js';
import { CliError } from '../cli-error.js';
import { explain, ExplainError } from '../kube/explain.js';
import { resolveType } from '../kube/resource-args.js';
import { kubeAction } from './kube-context.js';

interface ExplainFlags {
  readonly recursive?: boolean;
  readonly apiVersion?: string;
}

/** Registers `skiff explain`. */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description(
      'Describe the fields of a resource type (kubectl explain): pods, pods.spec.containers',
    )
    .argument('<type.field>', 'a type (pods, deploy, ...), then field names joined by dots')
    .option('--recursive', 'print every field, nested ones indented, without descriptions')
    .option('--api-version <group/version>', 'the API version of the type (the served one only)')
    .action(
      kubeAction(async (target: string, flags: ExplainFlags) => {
        // `deployments.apps.spec` reads as type `deployments.apps`, as in kubectl.
        const [typePart = '', ...fields] = target.split('.');
        let typeName = typePart;
        let fieldPath = fields;
        for (let i = fields.length; i > 0; i--) {
          const candidate = [typePart, ...fields.slice(0, i)].join('.');
          if (isType(candidate)) {
            typeName = candidate;
            fieldPath = fields.slice(i);
            break;
          }
        }
        const type = resolveType(typeName);
        const apiVersion = apiVersionOf(type);
        if (flags.apiVersion !== undefined && flags.apiVersion !== apiVersion) {
          throw new CliError(
            `couldn't find resource for "${flags.apiVersion}, Kind=${type.kind}": ${type.kind} is served as ${apiVersion}`,
          );
        }
        const schemaId = KIND_SCHEMA_IDS[type.kind];
        if (!schemaId) throw new CliError(`${type.kind} has no schema to explain`);
        try {
          process.stdout.write(
            explain({
              kind: type.kind,
              apiVersion,
              schemaId,
              fieldPath,
              recursive: flags.recursive === true,
            }),
          );
        } catch (error) {
          if (error instanceof ExplainError) throw new CliError(error.message);
          throw error;
        }
      }),
    );
}

function isType(name: string): boolean {
  try {
    resolveType(name);
    return true;
  } catch {
    return false;
  }
}
