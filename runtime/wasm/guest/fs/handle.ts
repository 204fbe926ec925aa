// The concrete handle behind the opaque `FsHandle` the bindings hold.

import { FsError } from './errors.js';
import type { MountRoot } from './mount-root.js';
import type { FileType, FsHandle } from './types.js';

/** What a handle was opened for. */
export interface HandleMode {
  readonly type: FileType;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly append: boolean;
}

/** An open host fd, the mount it belongs to, and the guest-visible cursor. */
export class OpenHandle implements FsHandle {
  #fd: number;
  #hostFlags: number;
  #mode: HandleMode;
  /** Cursor for reads and writes without an explicit offset (Node has no lseek). */
  position = 0n;

  constructor(
    fd: number,
    hostFlags: number,
    readonly mount: MountRoot,
    mode: HandleMode,
  ) {
    this.#fd = fd;
    this.#hostFlags = hostFlags;
    this.#mode = mode;
  }

  get type(): FileType {
    return this.#mode.type;
  }
  get readable(): boolean {
    return this.#mode.readable;
  }
  get writable(): boolean {
    return this.#mode.writable;
  }
  get append(): boolean {
    return this.#mode.append;
  }
  get readOnly(): boolean {
    return this.mount.readOnly;
  }
  /** The flags the host fd was opened with. */
  get hostFlags(): number {
    return this.#hostFlags;
  }
  get closed(): boolean {
    return this.#fd < 0;
  }

  /** The host fd; `EBADF` once closed. */
  get fd(): number {
    if (this.#fd < 0) throw new FsError('EBADF', 'handle is closed');
    return this.#fd;
  }

  /** Swaps in a reopened fd with new flags and mode (append toggling); returns the old fd. */
  replace(fd: number, hostFlags: number, mode: HandleMode): number {
    const old = this.fd;
    this.#fd = fd;
    this.#hostFlags = hostFlags;
    this.#mode = mode;
    return old;
  }

  /** Marks the handle closed and returns the fd the caller must close. */
  release(): number {
    const fd = this.fd;
    this.#fd = -1;
    return fd;
  }
}
