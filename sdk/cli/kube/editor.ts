// Running the user's editor on a file, as kubectl edit does: $KUBE_EDITOR,
// else $EDITOR, else vi, through the shell (so `code --wait` or `sed -i ...`
// work as written), with the terminal handed over until it exits.

import { spawnSync } from 'node:child_process';
import { CliError } from '../cli-error.js';

/** The editor command kubectl would run. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env['KUBE_EDITOR']?.trim() || env['EDITOR']?.trim() || 'vi';
}

/** Runs the editor on `file` and waits for it; a CliError when it fails. */
export function runEditor(file: string, editor = editorCommand()): void {
  // The path goes in as $1, never spliced into the command line.
  const result = spawnSync('sh', ['-c', `${editor} "$1"`, 'skiff-edit', file], {
    stdio: 'inherit',
  });
  if (result.error || result.status !== 0)
    throw new CliError(`there was a problem with the editor "${editor}"`);
}
