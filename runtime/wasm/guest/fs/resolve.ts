// Guest path resolution, one component at a time, the way openat(2) walks with
// RESOLVE_BENEATH: the host kernel is never handed more than one guest-chosen
// component, and never one that is a symlink it would follow.
//
// Each intermediate directory is opened with O_DIRECTORY|O_NOFOLLOW relative to
// the previous one (see host.ts for the /proc magic-link trick). Symlinks are
// read and expanded here: relative targets continue from the link's directory,
// absolute targets are refused, and `..` is tracked on a stack of open
// directories so it can never climb above the mount root.

import fs from 'node:fs';
import { FsError, toFsError } from './errors.js';
import { childPath, closeQuietly, hasCode, hostCall, openChildDirectory } from './host.js';
import type { MountRoot } from './mount-root.js';

/** Linux's limit (MAXSYMLINKS): more hops than this is ELOOP. */
export const MAX_SYMLINK_HOPS = 40;

/** PATH_MAX on Linux, in bytes including the terminating NUL. */
const MAX_PATH_BYTES = 4096;

/** Where a guest path led: a directory open on the host and a last component in it. */
export interface Resolution {
  /** Open directory that holds `name` (or that the path names, when `name` is undefined). */
  readonly dirFd: number;
  /** Last component (never `.`, `..` or containing `/`); undefined when the path names `dirFd`. */
  readonly name: string | undefined;
  /** The path ended in `/`: whatever it names must be (or become) a directory. */
  readonly mustBeDirectory: boolean;
  /** Closes the directories the walk opened. Call exactly once. */
  release(): void;
}

interface StackEntry {
  readonly fd: number;
  readonly owned: boolean;
}

/**
 * Resolves `guestPath` relative to directory fd `baseFd` of `mount`.
 *
 * With `follow`, a symlink in the last component is expanded too (as it always
 * is when the path ends in `/`); otherwise the last component is returned as is
 * and may itself be a symlink. The last component need not exist. Throws
 * `FsError`: ENOENT/ENOTDIR for missing or non-directory intermediates,
 * ENOTCAPABLE for absolute paths, absolute symlink targets and `..` above the
 * mount root, ELOOP past 40 symlinks, EINVAL for NUL bytes.
 */
export function resolvePath(
  mount: MountRoot,
  baseFd: number,
  guestPath: string,
  follow: boolean,
): Resolution {
  if (guestPath.length === 0) throw new FsError('ENOENT', 'empty path');
  if (guestPath.includes('\0')) throw new FsError('EINVAL', 'path contains a NUL byte');
  if (Buffer.byteLength(guestPath) >= MAX_PATH_BYTES) throw new FsError('ENAMETOOLONG');
  if (guestPath.startsWith('/')) {
    throw new FsError('ENOTCAPABLE', `absolute path ${guestPath} is not allowed`);
  }
  const walk = new Walk(mount, baseFd);
  try {
    return walk.run(guestPath, follow);
  } catch (err) {
    walk.releaseAll();
    throw toFsError(err);
  }
}

/** One resolution in progress: the stack of open directories and the pending components. */
class Walk {
  readonly #mount: MountRoot;
  readonly #stack: StackEntry[];
  readonly #pending: string[] = [];
  #hops = 0;
  #mustBeDirectory = false;

  constructor(mount: MountRoot, baseFd: number) {
    this.#mount = mount;
    this.#stack = [{ fd: baseFd, owned: false }];
  }

  run(guestPath: string, follow: boolean): Resolution {
    this.#mustBeDirectory = guestPath.endsWith('/');
    this.#push(guestPath);
    let name: string | undefined;
    while (this.#pending.length > 0) {
      const component = this.#pending.pop() as string;
      const last = this.#pending.length === 0;
      name = undefined;
      if (component === '.') continue;
      if (component === '..') {
        this.#climb();
        continue;
      }
      if (last) {
        if (!follow && !this.#mustBeDirectory) {
          name = component;
          break;
        }
        if (this.#expandIfSymlink(component, true)) continue;
        name = component;
        break;
      }
      this.#descend(component);
    }
    const stack = this.#stack;
    let released = false;
    return {
      dirFd: this.#top,
      name,
      mustBeDirectory: this.#mustBeDirectory,
      release: () => {
        if (released) return;
        released = true;
        for (const entry of stack) if (entry.owned) closeQuietly(entry.fd);
      },
    };
  }

  /** Closes every directory this walk opened (on failure). */
  releaseAll(): void {
    for (const entry of this.#stack) if (entry.owned) closeQuietly(entry.fd);
    this.#stack.length = 0;
  }

  get #top(): number {
    return (this.#stack[this.#stack.length - 1] as StackEntry).fd;
  }

  /** Queues the components of `relative` so that its first one is processed next. */
  #push(relative: string): void {
    const parts = relative.split('/').filter((part) => part !== '');
    for (let i = parts.length - 1; i >= 0; i--) this.#pending.push(parts[i] as string);
  }

  /** Enters intermediate directory `component`, expanding it first if it is a symlink. */
  #descend(component: string): void {
    try {
      this.#stack.push({ fd: openChildDirectory(this.#top, component), owned: true });
      return;
    } catch (err) {
      // O_DIRECTORY|O_NOFOLLOW says ENOTDIR (or ELOOP) for symlinks and files alike.
      if (!hasCode(err, 'ENOTDIR', 'ELOOP')) throw err;
    }
    if (!this.#expandIfSymlink(component, false)) {
      throw new FsError('ENOTDIR', `${component} is not a directory`);
    }
  }

  /**
   * When `component` of the top directory is a symlink, queues its target in its
   * place and returns true. For the last component, also enforces a trailing `/`.
   */
  #expandIfSymlink(component: string, last: boolean): boolean {
    const at = childPath(this.#top, component);
    const st = fs.lstatSync(at, { throwIfNoEntry: false });
    if (st === undefined) {
      if (last) return false;
      throw new FsError('ENOENT', `${component} does not exist`);
    }
    if (!st.isSymbolicLink()) {
      if (last && this.#mustBeDirectory && !st.isDirectory()) {
        throw new FsError('ENOTDIR', `${component} is not a directory`);
      }
      return false;
    }
    this.#hops += 1;
    if (this.#hops > MAX_SYMLINK_HOPS) throw new FsError('ELOOP', 'too many symbolic links');
    const target = hostCall(() => fs.readlinkSync(at));
    if (target.length === 0) throw new FsError('ENOENT', `${component} is an empty symlink`);
    if (target.startsWith('/')) {
      throw new FsError('ENOTCAPABLE', `symlink ${component} points to absolute path ${target}`);
    }
    if (last && target.endsWith('/')) this.#mustBeDirectory = true;
    this.#push(target);
    return true;
  }

  /** Processes `..`: back down the stack, or to the real parent of the walk's base. */
  #climb(): void {
    if (this.#stack.length > 1) {
      const entry = this.#stack.pop() as StackEntry;
      if (entry.owned) closeQuietly(entry.fd);
      return;
    }
    const base = this.#stack[0] as StackEntry;
    if (this.#mount.isRoot(base.fd)) {
      // A mount at the guest's `/` behaves like a chroot (`/..` is `/`); any
      // other mount's parent is not part of it.
      if (this.#mount.guestPath === '/') return;
      throw new FsError('ENOTCAPABLE', `.. leads above mount ${this.#mount.guestPath}`);
    }
    const parent = hostCall(() => openChildDirectory(base.fd, '..'));
    try {
      this.#mount.assertContains(parent);
    } catch (err) {
      closeQuietly(parent);
      throw err;
    }
    if (base.owned) closeQuietly(base.fd);
    this.#stack[0] = { fd: parent, owned: true };
  }
}
