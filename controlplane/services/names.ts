// Names the server makes up: `metadata.generateName` plus a random suffix,
// as Kubernetes' SimpleNameGenerator does (its alphabet has no vowels, so no
// words, and no look-alike characters).

import { randomInt } from 'node:crypto';

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIX_LENGTH = 5;
/** A DNS label is at most 63 characters; the prefix is cut to leave room for the suffix. */
const MAX_PREFIX_LENGTH = 63 - SUFFIX_LENGTH;

/** `prefix` + 5 random characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix.slice(0, MAX_PREFIX_LENGTH) + suffix;
}

/** How many names a create tries before reporting AlreadyExists (Kubernetes retries 7 times since 1.30). */
export const GENERATE_NAME_ATTEMPTS = 8;
