// Paths inside an unpacked root filesystem, checked without trusting the
// filesystem: archive names are normalised lexically (no absolute paths, no
// `..`), symlink targets are resolved lexically against the link's directory,
// and lookups that must follow symlinks do it chroot-style, one component at a
// time, so nothing ever resolves to a host path outside the rootfs.

import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';

/** Why an archive entry is refused; the layer code adds the layer digest and entry name. */
export class UnsafeEntryError extends Error {
  override readonly name = 'UnsafeEntryError';
}

/** Symlink hops a chroot-style lookup follows before giving up (Linux's limit). */
const MAX_SYMLINK_HOPS = 40;

/**
 * The components of an archive entry name, relative to the rootfs root; an
 * empty array for the root itself (`./`). Throws UnsafeEntryError for absolute
 * names, any `..` component, and NUL bytes. A leading `./` is fine (the way
 * `tar -C dir .` writes names).
 */
export function entryComponents(name: string): string[] {
  if (name.includes('\0')) throw new UnsafeEntryError('the name contains a NUL byte');
  if (name.startsWith('/')) throw new UnsafeEntryError('absolute path');
  const components = name.split('/').filter((part) => part !== '' && part !== '.');
  // `a/../b` is refused too, not normalised: no legitimate layer needs it, and
  // lexical normalisation would disagree with the kernel if `a` were a symlink.
  if (components.includes('..')) throw new UnsafeEntryError('path with a ".." component');
  return components;
}

/**
 * True when a symlink at `linkComponents` with target `target` stays inside the
 * rootfs: the target is resolved against the link's directory (an absolute
 * target against the rootfs root, as inside a chroot) and must never climb
 * above the root on the way.
 */
export function symlinkStaysInside(linkComponents: readonly string[], target: string): boolean {
  if (target.length === 0 || target.includes('\0')) return false;
  const resolved = target.startsWith('/') ? [] : linkComponents.slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.length === 0) return false;
      resolved.pop();
    } else {
      resolved.push(part);
    }
  }
  return true;
}

/** The host path of `components` under `root` (no filesystem access). */
export function hostPath(root: string, components: readonly string[]): string {
  return path.join(root, ...components);
}

/**
 * Looks `guestPath` up inside `root` the way a process chrooted there would:
 * relative paths start at `cwd`, every symlink (absolute or relative) is
 * followed inside the root, and `..` at the root stays at the root. Returns
 * the host path of what it names (which need not exist for its last
 * component) or throws when a loop or more than 40 hops are found.
 */
export async function resolveInRoot(root: string, guestPath: string, cwd = '/'): Promise<string> {
  const start = guestPath.startsWith('/') ? guestPath : `${cwd}/${guestPath}`;
  const pending = start.split('/').reverse();
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.pop();
    if (part === undefined || part === '' || part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = hostPath(root, [...resolved, part]);
    let isSymlink = false;
    try {
      isSymlink = (await lstat(candidate)).isSymbolicLink();
    } catch {
      // A missing component: the rest cannot be symlinks either.
    }
    if (!isSymlink) {
      resolved.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) {
      throw new UnsafeEntryError(`too many levels of symbolic links in ${guestPath}`);
    }
    const target = await readlink(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    pending.push(...target.split('/').reverse());
  }
  return hostPath(root, resolved);
}
