// The GuestFileSystem implementation: owns the guest's open handles (so it can
// refuse foreign or closed ones and close everything at the end) and dispatches
// to path-ops.ts and handle-ops.ts.

import type { Mount } from '../../../runtime.js';
import { FsError } from './errors.js';
import { OpenHandle } from './handle.js';
import {
  readHandle,
  readHandleDirectory,
  seekHandle,
  setHandleAppend,
  setHandleSize,
  setHandleTimes,
  statHandle,
  syncHandle,
  writeHandle,
} from './handle-ops.js';
import { O_DIRECTORY, O_RDONLY, assertProcFdSupport, closeQuietly } from './host.js';
import { MountRoot } from './mount-root.js';
import * as paths from './path-ops.js';
import type {
  DirEntry,
  FileStat,
  FsHandle,
  GuestFileSystem,
  NewTime,
  OpenOptions,
  Preopen,
  Whence,
} from './types.js';

/** Tunables of a guest filesystem. */
export interface GuestFileSystemOptions {
  /**
   * Most handles (preopens included) one guest may hold open; more is `EMFILE`.
   * Host fds are shared by every guest of the agent process, so one guest must
   * not be able to exhaust them. Default 1024.
   */
  readonly maxOpenHandles?: number;
}

const DEFAULT_MAX_OPEN_HANDLES = 1024;

export class HostGuestFileSystem implements GuestFileSystem {
  readonly preopens: readonly Preopen[];
  readonly #open = new Set<OpenHandle>();
  readonly #maxOpen: number;

  constructor(mounts: readonly Mount[], options: GuestFileSystemOptions = {}) {
    this.#maxOpen = options.maxOpenHandles ?? DEFAULT_MAX_OPEN_HANDLES;
    if (mounts.length > 0) assertProcFdSupport();
    const preopens: Preopen[] = [];
    try {
      for (const mount of mounts) {
        if (!mount.guestPath.startsWith('/')) {
          throw new FsError('EINVAL', `mount guest path must be absolute: ${mount.guestPath}`);
        }
        const { root, fd } = MountRoot.open(mount);
        const handle = new OpenHandle(fd, O_RDONLY | O_DIRECTORY, root, {
          type: 'directory',
          readable: true,
          writable: false,
          append: false,
        });
        this.#open.add(handle);
        preopens.push({ guestPath: mount.guestPath, handle, readOnly: mount.readOnly });
      }
    } catch (err) {
      this.closeAll();
      throw err;
    }
    this.preopens = preopens;
  }

  openAt(dir: FsHandle, path: string, options: OpenOptions): FsHandle {
    const base = this.#directory(dir);
    if (this.#open.size >= this.#maxOpen) throw new FsError('EMFILE');
    const opened = paths.openAt(base, path, options);
    const handle = new OpenHandle(opened.fd, opened.hostFlags, base.mount, opened.mode);
    this.#open.add(handle);
    return handle;
  }

  statAt(dir: FsHandle, path: string, follow: boolean): FileStat {
    return paths.statAt(this.#directory(dir), path, follow);
  }

  mkdirAt(dir: FsHandle, path: string): void {
    paths.mkdirAt(this.#directory(dir), path);
  }

  unlinkAt(dir: FsHandle, path: string): void {
    paths.unlinkAt(this.#directory(dir), path);
  }

  rmdirAt(dir: FsHandle, path: string): void {
    paths.rmdirAt(this.#directory(dir), path);
  }

  renameAt(fromDir: FsHandle, fromPath: string, toDir: FsHandle, toPath: string): void {
    paths.renameAt(this.#directory(fromDir), fromPath, this.#directory(toDir), toPath);
  }

  symlinkAt(target: string, dir: FsHandle, path: string): void {
    paths.symlinkAt(target, this.#directory(dir), path);
  }

  linkAt(
    fromDir: FsHandle,
    fromPath: string,
    follow: boolean,
    toDir: FsHandle,
    toPath: string,
  ): void {
    paths.linkAt(this.#directory(fromDir), fromPath, follow, this.#directory(toDir), toPath);
  }

  readlinkAt(dir: FsHandle, path: string): string {
    return paths.readlinkAt(this.#directory(dir), path);
  }

  setTimesAt(dir: FsHandle, path: string, follow: boolean, atime: NewTime, mtime: NewTime): void {
    paths.setTimesAt(this.#directory(dir), path, follow, atime, mtime);
  }

  read(handle: FsHandle, into: Uint8Array, position?: bigint): number {
    return readHandle(this.#handle(handle), into, position);
  }

  write(handle: FsHandle, data: Uint8Array, position?: bigint | 'end'): number {
    return writeHandle(this.#handle(handle), data, position);
  }

  seek(handle: FsHandle, offset: bigint, whence: Whence): bigint {
    return seekHandle(this.#handle(handle), offset, whence);
  }

  stat(handle: FsHandle): FileStat {
    return statHandle(this.#handle(handle));
  }

  setSize(handle: FsHandle, size: bigint): void {
    setHandleSize(this.#handle(handle), size);
  }

  setTimes(handle: FsHandle, atime: NewTime, mtime: NewTime): void {
    setHandleTimes(this.#handle(handle), atime, mtime);
  }

  sync(handle: FsHandle, dataOnly: boolean): void {
    syncHandle(this.#handle(handle), dataOnly);
  }

  readdir(handle: FsHandle, options?: { readonly inodes?: boolean }): DirEntry[] {
    return readHandleDirectory(this.#handle(handle), options?.inodes === true);
  }

  setAppend(handle: FsHandle, append: boolean): void {
    setHandleAppend(this.#handle(handle), append);
  }

  close(handle: FsHandle): void {
    const open = this.#handle(handle);
    this.#open.delete(open);
    closeQuietly(open.release());
  }

  closeAll(): void {
    for (const handle of this.#open) closeQuietly(handle.release());
    this.#open.clear();
  }

  /** `handle` as this guest's open handle, or `EBADF`. */
  #handle(handle: FsHandle): OpenHandle {
    if (!(handle instanceof OpenHandle) || !this.#open.has(handle)) {
      throw new FsError('EBADF', 'not an open handle of this guest');
    }
    return handle;
  }

  /** `handle` as this guest's open directory, or `EBADF`/`ENOTDIR`. */
  #directory(handle: FsHandle): OpenHandle {
    const open = this.#handle(handle);
    if (open.type !== 'directory') throw new FsError('ENOTDIR', 'not a directory handle');
    return open;
  }
}
