// Operations on guest paths relative to an open directory. Each resolves the
// path with resolve.ts, checks that the directory it ended in is still inside
// the mount, and hands the kernel exactly one component under that directory.

import fs from 'node:fs';
import { FsError } from './errors.js';
import type { HandleMode, OpenHandle } from './handle.js';
import {
  O_APPEND,
  O_CREAT,
  O_DIRECTORY,
  O_DSYNC,
  O_EXCL,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_RDONLY,
  O_RDWR,
  O_SYNC,
  O_TRUNC,
  O_WRONLY,
  childPath,
  closeQuietly,
  hostCall,
} from './host.js';
import { type Resolution, resolvePath } from './resolve.js';
import { fileTypeOf, toFileStat } from './stat.js';
import { needsCurrentTimes, timesToApply } from './times.js';
import type { FileStat, NewTime, OpenOptions } from './types.js';

/** A freshly opened host fd with what it was opened for. */
export interface Opened {
  readonly fd: number;
  readonly hostFlags: number;
  readonly mode: HandleMode;
}

/** Resolves `path` under `dir`, checks the containing directory, runs `op`, releases. */
function withResolved<T>(
  dir: OpenHandle,
  path: string,
  follow: boolean,
  op: (at: Resolution) => T,
): T {
  const at = resolvePath(dir.mount, dir.fd, path, follow);
  try {
    dir.mount.assertContains(at.dirFd);
    return op(at);
  } finally {
    at.release();
  }
}

function refuseIfReadOnly(...dirs: OpenHandle[]): void {
  for (const dir of dirs) {
    if (dir.readOnly) throw new FsError('EROFS', `mount ${dir.mount.guestPath} is read-only`);
  }
}

/** The last component, or `error` when the path names the directory itself. */
function nameOf(at: Resolution, error: FsError): string {
  if (at.name === undefined) throw error;
  return at.name;
}

function hostOpenFlags(options: OpenOptions, mustBeDirectory: boolean): number {
  const writable = options.write === true || options.append === true;
  const access = options.read === true && writable ? O_RDWR : writable ? O_WRONLY : O_RDONLY;
  let flags = access | O_NOFOLLOW | O_NONBLOCK;
  if (options.create === true) flags |= O_CREAT;
  if (options.exclusive === true) flags |= O_EXCL;
  if (options.truncate === true) flags |= O_TRUNC;
  if (options.append === true) flags |= O_APPEND;
  if (options.directory === true || mustBeDirectory) flags |= O_DIRECTORY;
  if (options.dataSync === true) flags |= O_DSYNC;
  if (options.fileSync === true) flags |= O_SYNC;
  return flags;
}

/**
 * See `GuestFileSystem.openAt`. The final component is opened with O_NOFOLLOW
 * (a symlink to follow was already expanded by the walk) and O_NONBLOCK (so a
 * FIFO cannot hang the guest's thread in open); the new fd must then lie inside
 * the mount by its real path.
 */
export function openAt(dir: OpenHandle, path: string, options: OpenOptions): Opened {
  const mutates =
    options.write === true ||
    options.append === true ||
    options.create === true ||
    options.truncate === true;
  if (mutates) refuseIfReadOnly(dir);
  if (options.create === true && options.directory === true) {
    throw new FsError('EINVAL', 'cannot create a directory with open');
  }
  return withResolved(dir, path, options.follow === true, (at) => {
    if (at.name === undefined && options.create === true && options.exclusive === true) {
      throw new FsError('EEXIST');
    }
    if (at.mustBeDirectory && options.create === true) throw new FsError('EISDIR');
    const flags = hostOpenFlags(options, at.mustBeDirectory);
    const target = childPath(at.dirFd, at.name ?? '.');
    const fd = hostCall(() => fs.openSync(target, flags, 0o666));
    try {
      const st = hostCall(() => fs.fstatSync(fd));
      dir.mount.assertContains(fd);
      const mode: HandleMode = {
        type: fileTypeOf(st),
        readable: options.read === true,
        writable: options.write === true || options.append === true,
        append: options.append === true,
      };
      return { fd, hostFlags: flags, mode };
    } catch (err) {
      closeQuietly(fd);
      throw err;
    }
  });
}

/** See `GuestFileSystem.statAt`. */
export function statAt(dir: OpenHandle, path: string, follow: boolean): FileStat {
  return withResolved(dir, path, follow, ({ dirFd, name }) => {
    const st =
      name === undefined
        ? hostCall(() => fs.fstatSync(dirFd, { bigint: true }))
        : hostCall(() => fs.lstatSync(childPath(dirFd, name), { bigint: true }));
    return toFileStat(st);
  });
}

/** See `GuestFileSystem.mkdirAt`. */
export function mkdirAt(dir: OpenHandle, path: string): void {
  refuseIfReadOnly(dir);
  withResolved(dir, path, false, (at) => {
    const name = nameOf(at, new FsError('EEXIST'));
    hostCall(() => fs.mkdirSync(childPath(at.dirFd, name), 0o777));
  });
}

/** See `GuestFileSystem.unlinkAt`. */
export function unlinkAt(dir: OpenHandle, path: string): void {
  refuseIfReadOnly(dir);
  withResolved(dir, path, false, (at) => {
    const name = nameOf(at, new FsError('EISDIR'));
    if (at.mustBeDirectory) throw new FsError('EISDIR');
    hostCall(() => fs.unlinkSync(childPath(at.dirFd, name)));
  });
}

/** See `GuestFileSystem.rmdirAt`. */
export function rmdirAt(dir: OpenHandle, path: string): void {
  refuseIfReadOnly(dir);
  withResolved(dir, path, false, (at) => {
    const name = nameOf(at, new FsError('EINVAL', 'cannot remove . or ..'));
    hostCall(() => fs.rmdirSync(childPath(at.dirFd, name)));
  });
}

function refuseAcrossMounts(from: OpenHandle, to: OpenHandle): void {
  if (from.mount !== to.mount)
    throw new FsError('EXDEV', 'source and target are in different mounts');
}

/** See `GuestFileSystem.renameAt`. */
export function renameAt(
  fromDir: OpenHandle,
  fromPath: string,
  toDir: OpenHandle,
  toPath: string,
): void {
  refuseIfReadOnly(fromDir, toDir);
  refuseAcrossMounts(fromDir, toDir);
  withResolved(fromDir, fromPath, false, (from) => {
    const fromName = nameOf(from, new FsError('EBUSY', 'cannot rename . or ..'));
    withResolved(toDir, toPath, false, (to) => {
      const toName = nameOf(to, new FsError('EBUSY', 'cannot replace . or ..'));
      hostCall(() => fs.renameSync(childPath(from.dirFd, fromName), childPath(to.dirFd, toName)));
    });
  });
}

/** See `GuestFileSystem.symlinkAt`. */
export function symlinkAt(target: string, dir: OpenHandle, path: string): void {
  refuseIfReadOnly(dir);
  if (target.length === 0) throw new FsError('ENOENT', 'empty symlink target');
  if (target.includes('\0')) throw new FsError('EINVAL', 'symlink target contains a NUL byte');
  if (target.startsWith('/')) {
    throw new FsError('ENOTCAPABLE', `absolute symlink target ${target} is not allowed`);
  }
  withResolved(dir, path, false, (at) => {
    const name = nameOf(at, new FsError('EEXIST'));
    hostCall(() => fs.symlinkSync(target, childPath(at.dirFd, name)));
  });
}

/** See `GuestFileSystem.linkAt`. */
export function linkAt(
  fromDir: OpenHandle,
  fromPath: string,
  follow: boolean,
  toDir: OpenHandle,
  toPath: string,
): void {
  refuseIfReadOnly(fromDir, toDir);
  refuseAcrossMounts(fromDir, toDir);
  withResolved(fromDir, fromPath, follow, (from) => {
    const fromName = nameOf(from, new FsError('EPERM', 'cannot hard-link a directory'));
    withResolved(toDir, toPath, false, (to) => {
      const toName = nameOf(to, new FsError('EEXIST'));
      // link(2) does not follow a symlink in its source: with `follow` the walk
      // already replaced it by its (in-mount) target.
      hostCall(() => fs.linkSync(childPath(from.dirFd, fromName), childPath(to.dirFd, toName)));
    });
  });
}

/** See `GuestFileSystem.readlinkAt`. */
export function readlinkAt(dir: OpenHandle, path: string): string {
  return withResolved(dir, path, false, (at) => {
    const name = nameOf(at, new FsError('EINVAL', 'not a symbolic link'));
    return hostCall(() => fs.readlinkSync(childPath(at.dirFd, name)));
  });
}

/** See `GuestFileSystem.setTimesAt`. */
export function setTimesAt(
  dir: OpenHandle,
  path: string,
  follow: boolean,
  atime: NewTime,
  mtime: NewTime,
): void {
  refuseIfReadOnly(dir);
  withResolved(dir, path, follow, (at) => {
    if (at.name === undefined) {
      const current = needsCurrentTimes(atime, mtime)
        ? hostCall(() => fs.fstatSync(at.dirFd, { bigint: true }))
        : undefined;
      const [a, m] = timesToApply(atime, mtime, current);
      hostCall(() => fs.futimesSync(at.dirFd, a, m));
      return;
    }
    // lutimes never follows: a symlink to follow was already expanded by the walk.
    const target = childPath(at.dirFd, at.name);
    const current = needsCurrentTimes(atime, mtime)
      ? hostCall(() => fs.lstatSync(target, { bigint: true }))
      : undefined;
    const [a, m] = timesToApply(atime, mtime, current);
    hostCall(() => fs.lutimesSync(target, a, m));
  });
}
