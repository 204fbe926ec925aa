// Unpacks an image's layers into `<rootfsDir>/<name>`, all or nothing: layers
// are applied in order into a fresh `<name>.tmp-<random>` directory, checked,
// and only then renamed into place. A directory under its final name is
// therefore always complete and checked, and is reused as it is.

import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LayerToApply } from './apply-layer.js';
import { applyLayer } from './apply-layer.js';
import { RootfsWriter } from './rootfs-writer.js';

export type { LayerToApply } from './apply-layer.js';

/** The suffix of in-progress unpacks; whatever carries it after a crash is garbage. */
export const UNPACK_TEMP_MARKER = '.tmp-';

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Makes `<rootfsDir>/<name>` hold `layers` applied in order and returns its
 * path and what `check` returned. `check` sees the complete tree (a fresh one
 * before it is published, or the existing one) and throws to reject it; a
 * rejected fresh tree is deleted. Concurrent calls for one name are safe: the
 * first rename wins and the others discard their copy.
 */
export async function unpackRootfs<T>(
  rootfsDir: string,
  name: string,
  layers: readonly LayerToApply[],
  check: (root: string) => Promise<T>,
): Promise<{ root: string; checked: T }> {
  const root = path.join(rootfsDir, name);
  if (await isDirectory(root)) return { root, checked: await check(root) };
  await mkdir(rootfsDir, { recursive: true });
  const temp = path.join(
    rootfsDir,
    `${name}${UNPACK_TEMP_MARKER}${randomBytes(6).toString('hex')}`,
  );
  await mkdir(temp, { mode: 0o755 });
  try {
    const writer = new RootfsWriter(temp);
    for (const layer of layers) {
      // Layers apply in order, each as soon as it has arrived, so a pull
      // unpacks early layers while later ones still download.
      await layer.ready;
      await applyLayer(writer, layer);
    }
    const checked = await check(temp);
    try {
      await rename(temp, root);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Another unpack of the same image won the race; its tree is as good.
      await rm(temp, { recursive: true, force: true });
    }
    return { root, checked };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
