// The control plane's credentials, kept in its data directory: an admin
// bearer token (`admin-token`) and a node-join token (`node-token`), random
// 32 bytes each, created at first start (mode 0600) and reused afterwards.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The tokens of a control plane. */
export interface ControlPlaneTokens {
  /** Everything is allowed to it (kubeconfig's user). */
  readonly admin: string;
  /** What node agents join with (today: the same rights; authorization is on the roadmap). */
  readonly node: string;
}

/** File names inside the data directory. */
export const ADMIN_TOKEN_FILE = 'admin-token';
export const NODE_TOKEN_FILE = 'node-token';

/** A new token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Reads the token in `file`, or creates it; a concurrent creator's token wins (exclusive create). */
async function ensureToken(file: string): Promise<string> {
  try {
    await writeFile(file, `${newToken()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const token = (await readFile(file, 'utf8')).trim();
  if (token.length < 16) {
    throw new Error(
      `${file} holds no usable token (at least 16 characters); delete it to have a new one made`,
    );
  }
  return token;
}

/** The tokens of `dataDir` (created with the directory, mode 0700, at first start). */
export async function ensureTokens(dataDir: string): Promise<ControlPlaneTokens> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  return {
    admin: await ensureToken(path.join(dataDir, ADMIN_TOKEN_FILE)),
    node: await ensureToken(path.join(dataDir, NODE_TOKEN_FILE)),
  };
}
