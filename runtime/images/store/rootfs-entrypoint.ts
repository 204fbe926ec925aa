// The `.wasm` file a wasi/wasm rootfs image runs: its config's Entrypoint[0],
// looked up inside the unpacked rootfs the way the guest would see it.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ImageConfigFile } from '../oci/types.js';
import { InvalidImageError } from './image-store-types.js';
import { resolveInRoot } from './layers/rootfs-paths.js';

const WASM_MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d]);

/** `sha256:<hex>` of a file's bytes, streamed. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The host path of the entrypoint of `config` inside `rootfs`: Entrypoint[0],
 * relative paths against WorkingDir, symlinks followed inside the rootfs only.
 * Throws InvalidImageError (naming `what`) unless it is a regular file that
 * starts with WebAssembly's magic bytes.
 */
export async function locateEntrypoint(
  rootfs: string,
  config: ImageConfigFile,
  what: string,
): Promise<string> {
  const entrypoint = config.config?.Entrypoint?.[0];
  if (entrypoint === undefined)
    throw new InvalidImageError(`${what}: the config has no Entrypoint`);
  let file: string;
  try {
    file = await resolveInRoot(rootfs, entrypoint, config.config?.WorkingDir || '/');
  } catch (error) {
    throw new InvalidImageError(`${what}: Entrypoint ${entrypoint}: ${(error as Error).message}`);
  }
  // resolveInRoot cannot leave the root; this guards that promise.
  const relative = path.relative(rootfs, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new InvalidImageError(`${what}: Entrypoint ${entrypoint} leaves the root filesystem`);
  }
  const stats = await lstat(file).catch(() => undefined);
  if (!stats?.isFile()) {
    throw new InvalidImageError(`${what}: Entrypoint ${entrypoint} is not a file in the image`);
  }
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(WASM_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead !== head.length || !head.equals(WASM_MAGIC)) {
      throw new InvalidImageError(`${what}: Entrypoint ${entrypoint} is not WebAssembly`);
    }
  } finally {
    await handle.close();
  }
  return file;
}
