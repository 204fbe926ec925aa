// What a write command (patch, replace, scale, edit) prints for each object:
// kubectl's `deployment.apps/web patched` line, or with -o the object the
// server answered with (yaml, json) or its name.

import type { ResourceType } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { withTypeMeta } from './fetch.js';
import { formatValue, objectName, withoutManagedFields } from './object-printer.js';

/** The -o formats of a write command; undefined: kubectl's line. */
export type WriteOutput = 'yaml' | 'json' | 'name' | undefined;

/** `-o`'s value checked; a CliError worded as kubectl's for any other. */
export function parseWriteOutput(text: string | undefined): WriteOutput {
  if (text === undefined || text === '') return undefined;
  if (text === 'yaml' || text === 'json' || text === 'name') return text;
  throw new CliError(
    `unable to match a printer suitable for the output format "${text}", allowed formats are: json,name,yaml`,
  );
}

/** `--dry-run`'s value: none or server (client-side dry runs need the object locally: not offered). */
export function parseDryRun(text: string | undefined): boolean {
  const mode = text ?? 'none';
  if (mode === 'none') return false;
  if (mode === 'server') return true;
  throw new CliError(`Invalid dry-run value (${mode}). Must be "none" or "server".`);
}

/** Prints the outcome of a write of `object` (`verb`: patched, replaced, ...). */
export function printWritten(
  type: ResourceType,
  object: KubeObject,
  verb: string,
  output: WriteOutput,
): void {
  const name = object.metadata.name ?? '';
  if (output === 'name') process.stdout.write(`${objectName(type, name)}\n`);
  else if (output)
    process.stdout.write(formatValue(withoutManagedFields(withTypeMeta(object, type)), output));
  else process.stdout.write(`${objectName(type, name)} ${verb}\n`);
}
