// Host primitives the guest filesystem is built on (Linux).
//
// Node has no openat/mkdirat/renameat/... . Linux gives the same thing through
// /proc: `/proc/self/fd/N` is a "magic link" that the kernel follows straight to
// the object open as fd N, without re-reading any path, so `/proc/self/fd/N/name`
// names `name` inside that exact directory even if it was renamed since. Every
// operation below therefore touches at most one guest-chosen component, relative
// to a directory fd that Skiff resolved itself.

import fs from 'node:fs';
import { FsError, systemErrorCode, toFsError } from './errors.js';

const PROC_FD = '/proc/self/fd/';

export const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY } =
  fs.constants;
export const { O_NOFOLLOW, O_NONBLOCK, O_DSYNC, O_SYNC } = fs.constants;

/** The path through which the kernel reaches open fd `fd` itself. */
export function fdPath(fd: number): string {
  return PROC_FD + String(fd);
}

/** The path of `name` (one component, no `/`) inside open directory `dirFd`. */
export function childPath(dirFd: number, name: string): string {
  return `${PROC_FD}${String(dirFd)}/${name}`;
}

/**
 * Opens child `name` of `dirFd` as a directory, refusing to follow a symlink.
 * Throws the raw Node error: callers tell "a symlink" from "not a directory".
 */
export function openChildDirectory(dirFd: number, name: string): number {
  return fs.openSync(childPath(dirFd, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
}

/** Closes `fd`, ignoring errors: used on paths that are already failing. */
export function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Nothing useful to do: the fd is gone either way.
  }
}

/** Runs `op` and turns any Node error it throws into an `FsError`. */
export function hostCall<T>(op: () => T): T {
  try {
    return op();
  } catch (err) {
    throw toFsError(err);
  }
}

/** True when the Node error `err` has system error code `code`. */
export function hasCode(err: unknown, ...codes: string[]): boolean {
  const code = systemErrorCode(err);
  return code !== undefined && codes.includes(code);
}

const DELETED_SUFFIX = ' (deleted)';

/**
 * The canonical host path of what `fd` has open, as `fs.realpathSync` on its
 * /proc link reports it, or undefined when it has none any more (deleted).
 *
 * Reading the magic link gives the kernel's own path for the open object, which
 * is already canonical (no symlinks, no `..`): the same answer as realpath in
 * one syscall instead of one per component. Only a name that happens to end in
 * " (deleted)" needs realpath to tell it from an unlinked object.
 */
export function realPathOfFd(fd: number): string | undefined {
  try {
    const linked = fs.readlinkSync(fdPath(fd));
    if (!linked.endsWith(DELETED_SUFFIX)) return linked;
    return fs.realpathSync.native(fdPath(fd));
  } catch {
    return undefined;
  }
}

/**
 * Checks once that the /proc magic links this module depends on work. Without
 * them there is no race-free way to resolve paths, so the guest filesystem
 * refuses to start rather than fall back to something weaker.
 */
export function assertProcFdSupport(): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync('/', O_RDONLY | O_DIRECTORY);
    fs.statSync(childPath(fd, '.'));
  } catch (err) {
    throw new FsError('ENOTSUP', `the guest filesystem needs Linux /proc/self/fd: ${String(err)}`);
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}
