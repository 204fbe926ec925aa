// Applies tar entries to a root filesystem under construction, refusing
// anything that could write outside it. The rootfs is a fresh directory only
// this writer touches, so checks made with lstat stay true while it works;
// even so, files are created with O_EXCL | O_NOFOLLOW and no path this writer
// uses ever goes through a symlink.

import { constants } from 'node:fs';
import { chmod, link, lstat, mkdir, open, readdir, rm, symlink } from 'node:fs/promises';
import type { Header } from 'tar-stream';
import { UnsafeEntryError, entryComponents, hostPath, symlinkStaysInside } from './rootfs-paths.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_WHITEOUT = '.wh..wh..opq';
const CREATE_FILE =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Modes as stored: setuid, setgid and sticky bits are dropped (nothing here
 * runs as another user), and the owner can always read files and manage
 * directories, so the agent can serve and later delete what it unpacked even
 * when it does not run as root.
 */
const fileMode = (mode: number | undefined): number => ((mode ?? 0o644) & 0o777) | 0o400;
const directoryMode = (mode: number | undefined): number => ((mode ?? 0o755) & 0o777) | 0o700;

async function lstatOrUndefined(file: string) {
  try {
    return await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the entries of successive layers into `root` (a fresh, empty directory). */
export class RootfsWriter {
  /** Paths (`a/b/c`) written by the current layer; whiteouts only hide lower layers. */
  #written = new Set<string>();
  /** Every ancestor directory of a path in #written. */
  #touched = new Set<string>();

  constructor(readonly root: string) {}

  /** Starts the next layer: whiteouts from now on apply to everything written so far. */
  beginLayer(): void {
    this.#written = new Set();
    this.#touched = new Set();
  }

  /**
   * Applies one entry, consuming `body` for regular files. Throws
   * UnsafeEntryError for entries that are refused: absolute or `..` names,
   * symlinks leaving the rootfs, hard links to anything but an extracted
   * regular file inside it, devices and FIFOs, paths through a symlink.
   */
  async apply(header: Header, body: AsyncIterable<Uint8Array>): Promise<void> {
    // tar-stream consumes pax and GNU long-name headers itself; an unknown
    // type flag arrives as null, whatever its declared type says.
    const type: string = header.type ?? 'unknown';
    const components = entryComponents(header.name);
    const base = components.at(-1);
    if (base === undefined) {
      // `./` itself: the rootfs root exists already and keeps its own mode.
      if (type === 'directory') return;
      throw new UnsafeEntryError(`a ${type} entry names the root directory`);
    }
    if (base.startsWith(WHITEOUT_PREFIX)) return this.#whiteout(components.slice(0, -1), base);
    switch (type) {
      case 'directory':
        return this.#directory(components, header.mode);
      case 'file':
      case 'contiguous-file':
        return this.#file(components, header.mode, body);
      case 'symlink':
        return this.#symlink(components, header.linkname ?? '');
      case 'link':
        return this.#hardLink(components, header.linkname ?? '');
      case 'character-device':
      case 'block-device':
      case 'fifo':
        throw new UnsafeEntryError(`${type} entries are not allowed`);
      default:
        throw new UnsafeEntryError(`unsupported entry type ${type}`);
    }
  }

  async #directory(components: string[], mode: number | undefined): Promise<void> {
    await this.#parents(components, true);
    const target = hostPath(this.root, components);
    const existing = await lstatOrUndefined(target);
    if (!existing?.isDirectory()) {
      if (existing) await rm(target, { recursive: true, force: true });
      await mkdir(target);
    }
    await chmod(target, directoryMode(mode));
    this.#markWritten(components);
  }

  async #file(
    components: string[],
    mode: number | undefined,
    body: AsyncIterable<Uint8Array>,
  ): Promise<void> {
    const target = await this.#replaceable(components);
    const handle = await open(target, CREATE_FILE, fileMode(mode));
    try {
      await handle.chmod(fileMode(mode));
      for await (const chunk of body) {
        // write(2) may take less than asked; loop until the chunk is on disk.
        for (let done = 0; done < chunk.length;) {
          done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
        }
      }
    } finally {
      await handle.close();
    }
    this.#markWritten(components);
  }

  async #symlink(components: string[], target: string): Promise<void> {
    if (!symlinkStaysInside(components, target)) {
      throw new UnsafeEntryError(`symlink to "${target}" leaves the root filesystem`);
    }
    await symlink(target, await this.#replaceable(components));
    this.#markWritten(components);
  }

  async #hardLink(components: string[], linkName: string): Promise<void> {
    let targetComponents: string[];
    try {
      targetComponents = entryComponents(linkName);
    } catch {
      throw new UnsafeEntryError(`hard link to "${linkName}", outside the root filesystem`);
    }
    if (targetComponents.length === 0)
      throw new UnsafeEntryError('hard link to the root directory');
    if (targetComponents.join('/') === components.join('/')) {
      throw new UnsafeEntryError('hard link to itself');
    }
    const exists = await this.#parents(targetComponents, false);
    const source = hostPath(this.root, targetComponents);
    const stats = exists ? await lstatOrUndefined(source) : undefined;
    if (!stats) throw new UnsafeEntryError(`hard link to "${linkName}", which is not extracted`);
    // Only regular files: a link to a symlink would be followed by some link(2)s.
    if (!stats.isFile()) {
      throw new UnsafeEntryError(`hard link to "${linkName}", which is not a regular file`);
    }
    await link(source, await this.#replaceable(components));
    this.#markWritten(components);
  }

  /** `.wh.<name>` removes `<name>` from lower layers; `.wh..wh..opq` empties the directory of them. */
  async #whiteout(directory: string[], base: string): Promise<void> {
    if (base === OPAQUE_WHITEOUT) {
      await this.#parents(directory, true);
      const dir = hostPath(this.root, directory);
      const existing = await lstatOrUndefined(dir);
      if (!existing) await mkdir(dir, { mode: 0o755 });
      else if (!existing.isDirectory()) {
        // A symlink here would make the deletions below happen elsewhere.
        throw new UnsafeEntryError('opaque whiteout in something that is not a directory');
      }
      return this.#removeLower(directory);
    }
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === '' || name === '.' || name === '..') {
      throw new UnsafeEntryError(`whiteout of "${name}"`);
    }
    const victim = [...directory, name];
    if (this.#written.has(victim.join('/'))) return;
    if (!(await this.#parents(victim, false))) return;
    await rm(hostPath(this.root, victim), { recursive: true, force: true });
  }

  /** Deletes what lower layers put under `directory`, keeping this layer's entries. */
  async #removeLower(directory: string[]): Promise<void> {
    const dir = hostPath(this.root, directory);
    for (const name of await readdir(dir)) {
      const child = [...directory, name];
      const key = child.join('/');
      const stats = await lstat(hostPath(this.root, child));
      if (stats.isDirectory() && (this.#written.has(key) || this.#touched.has(key))) {
        await this.#removeLower(child);
      } else if (!this.#written.has(key)) {
        // rm never follows symlinks: it removes the link, not what it names.
        await rm(hostPath(this.root, child), { recursive: true, force: true });
      }
    }
  }

  /**
   * Checks the directories above `components`: none may be a symlink (writing
   * through one could land anywhere) or a non-directory. With `create`,
   * missing ones are made (tar archives often omit parent entries); without,
   * returns false when one is missing.
   */
  async #parents(components: readonly string[], create: boolean): Promise<boolean> {
    for (let i = 1; i < components.length; i++) {
      const parent = components.slice(0, i);
      const dir = hostPath(this.root, parent);
      const stats = await lstatOrUndefined(dir);
      if (stats?.isSymbolicLink()) {
        throw new UnsafeEntryError(`the path goes through the symlink "${parent.join('/')}"`);
      }
      if (stats && !stats.isDirectory()) {
        throw new UnsafeEntryError(`"${parent.join('/')}" is not a directory`);
      }
      if (!stats) {
        if (!create) return false;
        await mkdir(dir, { mode: 0o755 });
      }
    }
    return true;
  }

  /** Prepares `components` for a new non-directory: parents made, anything there removed. */
  async #replaceable(components: string[]): Promise<string> {
    await this.#parents(components, true);
    const target = hostPath(this.root, components);
    await rm(target, { recursive: true, force: true });
    return target;
  }

  #markWritten(components: readonly string[]): void {
    this.#written.add(components.join('/'));
    for (let i = 1; i < components.length; i++) this.#touched.add(components.slice(0, i).join('/'));
  }
}
