// Where the CLI keeps its state when not told otherwise.

import os from 'node:os';
import path from 'node:path';

/** `$SKIFF_HOME`, or `~/.skiff`. */
export function skiffHome(): string {
  return process.env.SKIFF_HOME ?? path.join(os.homedir(), '.skiff');
}

/** Caches that can be deleted at any time (transpiled components, ...). */
export function cacheDir(): string {
  return path.join(skiffHome(), 'cache');
}
