// `-f FILE|DIR|-` (repeatable) and `-R`, shared by apply, create and delete.

import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { readManifests, type ManifestRead } from './manifests.js';

/** `-f` and `-R`, as commander parses them. */
export interface ManifestFlags {
  readonly filename?: string[];
  readonly recursive?: boolean;
}

/** Adds -f and -R to `command`. */
export function manifestOptions(command: Command): Command {
  return command
    .option(
      '-f, --filename <file>',
      'a file, a directory of manifests, or - for stdin (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('-R, --recursive', 'read the directories given with -f recursively');
}

/** The manifests -f names; a CliError when there is no -f. */
export async function readManifestFlags(flags: ManifestFlags): Promise<ManifestRead> {
  const files = flags.filename ?? [];
  if (files.length === 0) throw new CliError('must specify one of -f and -k');
  return readManifests(files, { recursive: flags.recursive, stdin: readStdin });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
