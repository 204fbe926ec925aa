// `skiff login` and `skiff logout` without the command line: credentials are
// checked against the registry before they are stored, so a typo is reported
// at login rather than at the next pull.

import type { RegistryCredentials } from '../distribution/authenticator.js';
import type { RegistryClientOptions } from '../distribution/client-types.js';
import { registryClient } from '../distribution/registry-client.js';
import { removeCredentials, saveCredentials } from './config-file.js';

/** Where to store credentials and how to reach the registry to check them. */
export interface LoginOptions extends Omit<RegistryClientOptions, 'credentials'> {
  /** The config file (see credentialsFile). */
  readonly file: string;
  readonly signal?: AbortSignal;
}

/**
 * Verifies `credentials` against `registry` (`GET /v2/` with the registry's
 * auth flow), then stores them in `options.file`. Throws the RegistryError
 * (e.g. 401 with "check your credentials") and stores nothing when the
 * registry refuses them or cannot be reached.
 */
export async function login(
  registry: string,
  credentials: RegistryCredentials,
  options: LoginOptions,
): Promise<void> {
  const { file, signal, ...clientOptions } = options;
  await registryClient(registry, { ...clientOptions, credentials }).ping({ signal });
  await saveCredentials(file, registry, credentials);
}

/** Forgets the credentials for `registry`; false when none were stored. */
export function logout(registry: string, file: string): Promise<boolean> {
  return removeCredentials(file, registry);
}
