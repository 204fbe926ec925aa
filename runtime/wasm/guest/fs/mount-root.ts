// One mount's host side: its canonical root and the check that an open fd lies
// inside it.

import fs from 'node:fs';
import path from 'node:path';
import type { Mount } from '../../../runtime.js';
import { FsError } from './errors.js';
import { O_DIRECTORY, O_RDONLY, closeQuietly, hostCall, realPathOfFd } from './host.js';

/** A mount with what path resolution needs to keep guests inside it. */
export class MountRoot {
  readonly guestPath: string;
  readonly readOnly: boolean;
  /** `fs.realpathSync` of the mount's host path: every object must lie under it. */
  readonly realPath: string;
  readonly #rootDev: bigint;
  readonly #rootIno: bigint;

  /** Opens the mount's root directory; returns it with its fd (owned by the caller). */
  static open(mount: Mount): { root: MountRoot; fd: number } {
    if (!path.isAbsolute(mount.hostPath)) {
      throw new FsError('EINVAL', `mount host path must be absolute: ${mount.hostPath}`);
    }
    const fd = hostCall(() => fs.openSync(mount.hostPath, O_RDONLY | O_DIRECTORY));
    try {
      const realPath = realPathOfFd(fd);
      if (realPath === undefined) throw new FsError('ENOENT', `mount ${mount.hostPath} vanished`);
      const st = hostCall(() => fs.fstatSync(fd, { bigint: true }));
      return { root: new MountRoot(mount, realPath, st.dev, st.ino), fd };
    } catch (err) {
      closeQuietly(fd);
      throw err;
    }
  }

  private constructor(mount: Mount, realPath: string, dev: bigint, ino: bigint) {
    this.guestPath = mount.guestPath;
    this.readOnly = mount.readOnly;
    this.realPath = realPath;
    this.#rootDev = dev;
    this.#rootIno = ino;
  }

  /** True when directory fd `fd` is this mount's root (where `..` must stop). */
  isRoot(fd: number): boolean {
    const st = fs.fstatSync(fd, { bigint: true });
    return st.dev === this.#rootDev && st.ino === this.#rootIno;
  }

  /**
   * Throws `ENOTCAPABLE` unless what `fd` has open lies inside this mount, by
   * its real host path. Catches what a component-wise walk cannot: a directory
   * moved out of the mount by someone else after the guest opened it.
   */
  assertContains(fd: number): void {
    const real = realPathOfFd(fd);
    if (real === undefined) throw new FsError('ENOENT', 'the object was removed');
    if (
      real === this.realPath ||
      real.startsWith(this.realPath === '/' ? '/' : this.realPath + '/')
    ) {
      return;
    }
    throw new FsError('ENOTCAPABLE', `${real} is outside mount ${this.guestPath}`);
  }
}
