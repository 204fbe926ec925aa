// What the image commands share: the node's image store under SKIFF_HOME,
// registry clients with stored credentials, and reference parsing that fails
// as a CLI error.

import path from 'node:path';
import type { RegistryClient } from '../../runtime/images/distribution/index.js';
import type { ImageReference } from '../../runtime/images/oci/reference.js';
import { ReferenceError, parseReference } from '../../runtime/images/oci/reference.js';
import type { LocalImageStore } from '../../runtime/images/store/index.js';
import { CliError } from './cli-error.js';
import { skiffHome } from './paths.js';

/** `<SKIFF_HOME>/images`: the store `skiff pull/build/images` share. */
export function imageStoreDir(): string {
  return path.join(skiffHome(), 'images');
}

export async function openImageStore(): Promise<LocalImageStore> {
  const { createImageStore } = await import('../../runtime/images/store/index.js');
  return createImageStore(imageStoreDir());
}

/** Runs `job` with the store open, closing it after. */
export async function withImageStore<T>(job: (store: LocalImageStore) => Promise<T>): Promise<T> {
  const store = await openImageStore();
  try {
    return await job(store);
  } finally {
    await store.close();
  }
}

/** Parses an image reference, or fails naming it. */
export function imageReference(text: string): ImageReference {
  try {
    return parseReference(text);
  } catch (error) {
    if (error instanceof ReferenceError) throw new CliError(error.message);
    throw error;
  }
}

/** Registries given with --insecure, plus SKIFF_INSECURE_REGISTRIES (comma-separated). */
export function insecureRegistries(flag: readonly string[] = []): string[] {
  const fromEnv = (process.env.SKIFF_INSECURE_REGISTRIES ?? '').split(',').filter(Boolean);
  return [...flag, ...fromEnv];
}

/** A client for `registry` with the credentials `skiff login` stored for it. */
export async function clientFor(
  registry: string,
  insecure: readonly string[] = [],
): Promise<RegistryClient> {
  const { registryClient } = await import('../../runtime/images/distribution/index.js');
  const { credentialsFile, credentialsFor } =
    await import('../../runtime/images/credentials/index.js');
  const credentials = await credentialsFor(credentialsFile(skiffHome()), registry);
  return registryClient(registry, {
    insecure: insecureRegistries(insecure),
    ...(credentials ? { credentials } : {}),
  });
}

/** Turns the image libraries' errors into one-line CLI errors. */
export function asCliError(error: unknown, exitCode = 1): never {
  if (error instanceof CliError) throw error;
  if (error instanceof Error && error.name !== 'Error' && error.name !== 'TypeError') {
    throw new CliError(error.message, exitCode);
  }
  throw error;
}

export const collect = (value: string, previous: string[]): string[] => [...previous, value];
