// `skiff explain TYPE[.FIELD...]`: kubectl explain, from the JSON Schemas the
// server validates with (see kube/explain.ts).

import type { Command } from 'commander';
import { KIND_SCHEMA_IDS } from '../../../controlplane/api/generated/schemas.js';
import { conversionOf } from '../../../controlplane/api/conversion/index.js';
import {
  apiVersionOf,
  CONVERTED_TYPES,
  type ResourceType,
} from '../../../controlplane/api/resources.js';
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
    .option(
      '--api-version <group/version>',
      'the API version to explain the type in (autoscaling/v1, ...)',
    )
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
        const { apiVersion, schemaId } = formOf(type, flags.apiVersion);
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

/**
 * The form to explain: the type's as named, or the one `requested` names —
 * a version the kind is also served in by conversion (autoscaling/v1 HPAs,
 * events.k8s.io/v1 Events), or its stored version.
 */
function formOf(
  type: ResourceType,
  requested: string | undefined,
): { apiVersion: string; schemaId: string } {
  const conversion = conversionOf(type);
  const stored = conversion?.stored ?? type;
  const forms = [
    { apiVersion: apiVersionOf(type), schemaId: conversion?.schemaId },
    { apiVersion: apiVersionOf(stored), schemaId: KIND_SCHEMA_IDS[stored.kind] },
    ...servedForms(stored),
  ];
  const form = forms.find((f) => f.apiVersion === (requested ?? apiVersionOf(type)));
  if (!form) {
    const served = [...new Set(forms.map((f) => f.apiVersion))].join(', ');
    throw new CliError(
      `couldn't find resource for "${requested ?? ''}, Kind=${type.kind}": ${type.kind} is served as ${served}`,
    );
  }
  const schemaId = form.schemaId ?? KIND_SCHEMA_IDS[type.kind];
  if (!schemaId) throw new CliError(`${type.kind} has no schema to explain`);
  return { apiVersion: form.apiVersion, schemaId };
}

/** The forms a stored type is also served in, by conversion. */
function servedForms(stored: ResourceType): { apiVersion: string; schemaId: string }[] {
  return CONVERTED_TYPES.flatMap((served) => {
    const conversion = conversionOf(served);
    if (conversion?.stored !== stored) return [];
    return [{ apiVersion: apiVersionOf(served), schemaId: conversion.schemaId }];
  });
}

function isType(name: string): boolean {
  try {
    resolveType(name);
    return true;
  } catch {
    return false;
  }
}
