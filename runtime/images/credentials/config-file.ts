// Registry credentials in a Docker-compatible config file
// (`<skiffHome>/config.json`): `{"auths": {"<registry>": {"auth": base64("user:pass")}}}`.
//
// Docker's format, so the file can be shared with tools that read it (skopeo,
// crane, `docker login` output copied over). Keys are compared after
// normalising them the way Docker does (`https://index.docker.io/v1/` is
// `docker.io`; a scheme or path around a host is ignored). Fields Skiff does
// not use are kept when the file is rewritten.
//
// The file holds passwords: it is written with mode 0600, atomically (a temp
// file in the same directory, fsynced, then renamed over it), so a crash never
// leaves it half written and it is never readable by others, even briefly.
// Concurrent writers are not merged: the last rename wins.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RegistryCredentials } from '../distribution/authenticator.js';
import { DEFAULT_REGISTRY } from '../oci/reference.js';

/** The key Docker writes for Docker Hub. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** An `auths` entry as Docker writes it (`auth`) or as some tools do (`username`/`password`). */
interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  [field: string]: unknown;
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  [field: string]: unknown;
}

/** A malformed config file; the message names it. */
export class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
}

/** The config file under a Skiff home directory. */
export function credentialsFile(skiffHome: string): string {
  return path.join(skiffHome, 'config.json');
}

/**
 * The registry a config key names: `https://index.docker.io/v1/` → `docker.io`,
 * `http://127.0.0.1:5000/v2/` → `127.0.0.1:5000`, `Registry.Example` → `registry.example`.
 */
export function normalizeRegistry(key: string): string {
  const host = key
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DEFAULT_REGISTRY : host;
}

/**
 * The credentials in `file`, by normalised registry name. A missing file has
 * none; an unreadable entry is skipped; malformed JSON is a CredentialsFileError.
 */
export async function loadCredentials(file: string): Promise<Map<string, RegistryCredentials>> {
  const config = await readConfig(file);
  const found = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const credentials = decodeEntry(entry);
    if (credentials) found.set(normalizeRegistry(key), credentials);
  }
  return found;
}

/** The credentials stored in `file` for `registry` (any spelling of its key), if any. */
export async function credentialsFor(
  file: string,
  registry: string,
): Promise<RegistryCredentials | undefined> {
  return (await loadCredentials(file)).get(normalizeRegistry(registry));
}

/** Stores credentials for `registry`, replacing any it had (under any spelling of its key). */
export async function saveCredentials(
  file: string,
  registry: string,
  credentials: RegistryCredentials,
): Promise<void> {
  if (credentials.username.includes(':')) {
    throw new CredentialsFileError(`a username cannot contain ":" (${file})`);
  }
  const config = await readConfig(file);
  const auths = withoutRegistry(config.auths ?? {}, registry);
  const key = normalizeRegistry(registry) === DEFAULT_REGISTRY ? DOCKER_HUB_KEY : registry;
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  auths[key] = { auth };
  await writeConfig(file, { ...config, auths });
}

/** Forgets the credentials for `registry`; false when there were none. */
export async function removeCredentials(file: string, registry: string): Promise<boolean> {
  const config = await readConfig(file);
  const auths = config.auths ?? {};
  const kept = withoutRegistry(auths, registry);
  if (Object.keys(kept).length === Object.keys(auths).length) return false;
  await writeConfig(file, { ...config, auths: kept });
  return true;
}

function withoutRegistry(
  auths: Record<string, AuthEntry>,
  registry: string,
): Record<string, AuthEntry> {
  const wanted = normalizeRegistry(registry);
  return Object.fromEntries(
    Object.entries(auths).filter(([key]) => normalizeRegistry(key) !== wanted),
  );
}

function decodeEntry(entry: AuthEntry): RegistryCredentials | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    // The username cannot hold a colon; the password can.
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

async function readConfig(file: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  if (text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CredentialsFileError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CredentialsFileError(`${file} is not a JSON object`);
  }
  const { auths } = json as ConfigFile;
  if (
    auths !== undefined &&
    (typeof auths !== 'object' || auths === null || Array.isArray(auths))
  ) {
    throw new CredentialsFileError(`${file}: "auths" is not an object`);
  }
  return json as ConfigFile;
}

async function writeConfig(file: string, config: ConfigFile): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  // `wx` refuses an existing file, so nobody can have prepared the temp name for us.
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(config, null, '\t')}\n`);
    await handle.chmod(0o600); // the umask may have narrowed it; never widened
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}
