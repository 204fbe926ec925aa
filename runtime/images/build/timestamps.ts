// The times a build writes. Layer entries always get a fixed mtime (so layer
// digests depend only on content); the config's `created` is the build's time
// unless SOURCE_DATE_EPOCH (the reproducible-builds convention BuildKit also
// follows) or the caller fixes it, which makes whole images reproducible.

import { BuildError } from './errors.js';

/** The times one build uses. */
export interface BuildTimes {
  /** The config's and new history entries' `created` (RFC 3339). */
  readonly created: string;
  /** The mtime of every layer entry: SOURCE_DATE_EPOCH, or the Unix epoch. */
  readonly mtime: Date;
}

/**
 * The times for a build: `created` wins, then SOURCE_DATE_EPOCH (whole
 * seconds) from `env`, then the current time. Throws BuildError for a
 * SOURCE_DATE_EPOCH that is not a non-negative integer.
 */
export function buildTimes(
  created: Date | undefined,
  env: NodeJS.ProcessEnv = process.env,
): BuildTimes {
  const epochText = env.SOURCE_DATE_EPOCH;
  let epoch: Date | undefined;
  if (epochText !== undefined && epochText !== '') {
    if (!/^\d+$/.test(epochText)) {
      throw new BuildError(`SOURCE_DATE_EPOCH=${epochText}: expected whole seconds since 1970`);
    }
    epoch = new Date(Number(epochText) * 1000);
  }
  const when = created ?? epoch ?? new Date();
  return { created: when.toISOString().replace('.000Z', 'Z'), mtime: epoch ?? new Date(0) };
}
