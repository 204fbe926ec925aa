// The guest filesystem: the one place where a guest's paths meet the host's.
//
// WASI preview 1 and WASI 0.2 both bind to this interface, so the sandbox rules
// (no absolute paths, `..` never above a mount root, symlinks resolved inside
// the mount, read-only mounts, no renames or links across mounts) are written
// and tested once. Everything is synchronous: a guest runs synchronously on its
// worker thread, and so does every call it makes.

/** What a filesystem object is, in WASI 0.2's words (preview 1 maps them to numbers). */
export type FileType =
  | 'unknown'
  | 'block-device'
  | 'character-device'
  | 'directory'
  | 'fifo'
  | 'symbolic-link'
  | 'regular-file'
  | 'socket';

/** Attributes of a filesystem object. Times are nanoseconds since the Unix epoch. */
export interface FileStat {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly type: FileType;
  readonly nlink: bigint;
  /** Bytes for regular files; the target's length for symbolic links. */
  readonly size: bigint;
  readonly atimeNs: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** One directory entry. `.` and `..` are never listed. */
export interface DirEntry {
  readonly name: string;
  readonly type: FileType;
  /** Inode number; present only when asked for (it costs one lstat per entry). */
  readonly ino?: bigint;
}

/** A new value for a timestamp: leave it, take the current time, or set these nanoseconds. */
export type NewTime = 'unchanged' | 'now' | bigint;

/** Where `seek` counts from. */
export type Whence = 'set' | 'current' | 'end';

/** How `openAt` opens. Absent booleans are false. */
export interface OpenOptions {
  /** Data can be read through the handle. */
  readonly read?: boolean;
  /** Data can be written through the handle. */
  readonly write?: boolean;
  /** Writes at the cursor go to the end of the file (`O_APPEND`); implies write. */
  readonly append?: boolean;
  /** Create a regular file when nothing exists at the path. */
  readonly create?: boolean;
  /** With `create`: fail with `EEXIST` when something exists at the path. */
  readonly exclusive?: boolean;
  /** Truncate a regular file to zero bytes. */
  readonly truncate?: boolean;
  /** Fail with `ENOTDIR` unless the path names a directory. */
  readonly directory?: boolean;
  /** Follow a symbolic link in the last path component (resolved inside the mount). */
  readonly follow?: boolean;
  /** Writes complete with their data durable (`O_DSYNC`). */
  readonly dataSync?: boolean;
  /** Writes complete with data and metadata durable (`O_SYNC`). */
  readonly fileSync?: boolean;
}

/**
 * An open file or directory of a guest. Opaque to bindings: only the guest
 * filesystem that returned it can use it; any other value is `EBADF`.
 */
export interface FsHandle {
  /** Type of the object when it was opened. */
  readonly type: FileType;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Writes at the cursor append (see `setAppend`). */
  readonly append: boolean;
  /** True when the handle's mount refuses every mutation (`EROFS`). */
  readonly readOnly: boolean;
  /** True once `close` (or `closeAll`) has released it. */
  readonly closed: boolean;
}

/** A mount as the guest sees it: a directory already open at `guestPath`. */
export interface Preopen {
  /** Absolute guest path, e.g. `/data`. */
  readonly guestPath: string;
  readonly handle: FsHandle;
  readonly readOnly: boolean;
}

/**
 * A guest's filesystem: its mounts, and every operation on them. Each method
 * throws `FsError` (see errors.ts) with a POSIX-named code on failure and never
 * any other error for guest-caused conditions.
 *
 * Paths are relative to a directory handle, `/`-separated, and resolved by Skiff
 * one component at a time: absolute paths are refused (`ENOTCAPABLE`), `..` never
 * climbs above the mount root (`ENOTCAPABLE`), symbolic links are followed inside
 * the mount only (an absolute target or one leading out of the mount is
 * `ENOTCAPABLE`; more than 40 hops is `ELOOP`). A trailing `/` requires a directory.
 */
export interface GuestFileSystem {
  /** The mounts, in mount order, each already open as a directory. */
  readonly preopens: readonly Preopen[];

  /** Opens (or creates) a file or directory. The new handle's cursor is at 0. */
  openAt(dir: FsHandle, path: string, options: OpenOptions): FsHandle;
  /** Attributes of the object at `path`; of a final symlink itself unless `follow`. */
  statAt(dir: FsHandle, path: string, follow: boolean): FileStat;
  /** Creates a directory (mode 0777 less the process umask). */
  mkdirAt(dir: FsHandle, path: string): void;
  /** Removes a non-directory (`EISDIR` for a directory). */
  unlinkAt(dir: FsHandle, path: string): void;
  /** Removes an empty directory (`ENOTEMPTY` otherwise). */
  rmdirAt(dir: FsHandle, path: string): void;
  /** Renames within one mount (`EXDEV` across mounts); replaces the target as POSIX does. */
  renameAt(fromDir: FsHandle, fromPath: string, toDir: FsHandle, toPath: string): void;
  /** Creates a symbolic link at `path` holding `target` (absolute targets: `ENOTCAPABLE`). */
  symlinkAt(target: string, dir: FsHandle, path: string): void;
  /** Creates a hard link at `toPath` to the object at `fromPath` (`EXDEV` across mounts). */
  linkAt(
    fromDir: FsHandle,
    fromPath: string,
    follow: boolean,
    toDir: FsHandle,
    toPath: string,
  ): void;
  /** The target of the symbolic link at `path`, as stored. */
  readlinkAt(dir: FsHandle, path: string): string;
  /** Sets access and modification times of the object at `path`. */
  setTimesAt(dir: FsHandle, path: string, follow: boolean, atime: NewTime, mtime: NewTime): void;

  /**
   * Reads into `into`. Without `position`: at the cursor, advancing it. With one:
   * at that offset, cursor untouched. Returns the byte count (0 at end of file).
   */
  read(handle: FsHandle, into: Uint8Array, position?: bigint): number;
  /**
   * Writes `data`. Without `position`: at the cursor (the end for append handles),
   * advancing it. With an offset: there, cursor untouched (but an append handle
   * still appends, as pwrite does on Linux). With `'end'`: at the current end of
   * file, cursor untouched. Returns the byte count.
   */
  write(handle: FsHandle, data: Uint8Array, position?: bigint | 'end'): number;
  /** Moves the cursor of a regular file and returns it (`EINVAL` below 0). */
  seek(handle: FsHandle, offset: bigint, whence: Whence): bigint;
  /** Attributes of the open object. */
  stat(handle: FsHandle): FileStat;
  /** Truncates or zero-extends a regular file opened for writing. */
  setSize(handle: FsHandle, size: bigint): void;
  /** Sets access and modification times of the open object. */
  setTimes(handle: FsHandle, atime: NewTime, mtime: NewTime): void;
  /** Flushes data (and metadata unless `dataOnly`) to storage. */
  sync(handle: FsHandle, dataOnly: boolean): void;
  /** Entries of an open directory, sorted by name, without `.` and `..`. */
  readdir(handle: FsHandle, options?: { readonly inodes?: boolean }): DirEntry[];
  /** Turns append mode of a regular file on or off. */
  setAppend(handle: FsHandle, append: boolean): void;
  /** Releases the handle. A second close is `EBADF`. */
  close(handle: FsHandle): void;
  /** Releases every handle, preopens included. Call once the guest has ended. */
  closeAll(): void;
}
