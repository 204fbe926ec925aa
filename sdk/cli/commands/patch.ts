// `skiff patch`: kubectl patch. A strategic merge (the default), JSON merge or
// JSON patch, given as JSON or YAML (-p or --patch-file), sent for each named
// object; `patched (no change)` when the server wrote nothing.

import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { PatchType } from '../../../controlplane/api/cluster-api.js';
import { CliError } from '../cli-error.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { deepEqual } from '../kube/json-values.js';
import { manifestOptions } from '../kube/manifest-flags.js';
import { collectTargets, duringFor, type TargetFlags } from '../kube/named-targets.js';
import { parseDryRun, parseWriteOutput, printWritten } from '../kube/write-output.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

interface PatchFlags extends KubeFlags, TargetFlags {
  readonly patch?: string;
  readonly patchFile?: string;
  readonly type: string;
  readonly subresource?: string;
  readonly dryRun?: string;
  readonly output?: string;
}

const PATCH_TYPES: readonly PatchType[] = ['json', 'merge', 'strategic'];

/** Registers `skiff patch`. */
export function registerPatch(program: Command): void {
  withKubeFlags(manifestOptions(program.command('patch')))
    .description('Update fields of resources with a patch (kubectl patch)')
    .argument('[resources...]', 'TYPE NAME... or TYPE/NAME...')
    .option('-p, --patch <patch>', 'the patch, in JSON or YAML')
    .option('--patch-file <file>', 'a file holding the patch')
    .option('--type <type>', 'strategic, merge (RFC 7386) or json (RFC 6902)', 'strategic')
    .option('--subresource <name>', 'patch the status subresource instead of the object')
    .option('--dry-run <mode>', 'server: check and show the result, store nothing')
    .option('-o, --output <format>', 'print the patched object: yaml, json or name')
    .action(
      kubeAction(async (args: string[], flags: PatchFlags) => {
        const type = patchTypeOf(flags.type);
        const patch = await patchOf(flags);
        if (flags.subresource !== undefined && flags.subresource !== 'status')
          throw new CliError(
            `invalid subresource value: "${flags.subresource}". Must be one of [status]`,
          );
        const dryRun = parseDryRun(flags.dryRun);
        const output = parseWriteOutput(flags.output);
        const context = await kubeContext(flags);
        const failures: string[] = [];
        const targets = await collectTargets(context.api, args, flags, context, 'patch', failures);
        for (const target of targets) {
          try {
            const client = context.api.resource(target.type);
            const before = await client.get(target.name, { namespace: target.namespace });
            const patched = await client.patch(target.name, patch, type, {
              namespace: target.namespace,
              ...(flags.subresource === 'status' ? { subresource: 'status' as const } : {}),
              ...(dryRun ? { dryRun: 'All' as const } : {}),
            });
            // As kubectl decides it: the object answered differs from the one read
            // (a write changes at least its resourceVersion; a dry run, what it would change).
            const verb = !deepEqual(before, patched)
              ? `patched${dryRun ? ' (server dry run)' : ''}`
              : 'patched (no change)';
            printWritten(target.type, patched, verb, output);
          } catch (error) {
            failures.push(formatKubeError(error, duringFor(target, 'patching')));
          }
        }
        reportFailures(failures);
      }),
    );
}

function patchTypeOf(text: string): PatchType {
  const type = PATCH_TYPES.find((candidate) => candidate === text.toLowerCase());
  if (!type)
    throw new CliError(`--type must be one of [json merge strategic], not "${text.toLowerCase()}"`);
  return type;
}

/** The patch -p or --patch-file holds, parsed (YAML is a superset of JSON, as kubectl reads it). */
async function patchOf(flags: PatchFlags): Promise<unknown> {
  if (flags.patch !== undefined && flags.patchFile !== undefined)
    throw new CliError('--patch and --patch-file are mutually exclusive');
  const text =
    flags.patchFile !== undefined ? await readPatchFile(flags.patchFile) : (flags.patch ?? '');
  if (text.trim() === '')
    throw new CliError('must specify --patch or --patch-file containing the contents of the patch');
  try {
    return parse(text) as unknown;
  } catch (error) {
    // The parser's first line says what is wrong; the rest draws the text again.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new CliError(`unable to parse "${text}": ${message}`);
  }
}

async function readPatchFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `unable to read patch file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
