// `wasi:filesystem/types.descriptor` over the guest filesystem. Paths are
// resolved by the guest filesystem (sandbox rules live there); this class adds
// 0.2's descriptor flags: a descriptor without `mutate-directory` refuses to
// change anything through it, one without `read`/`write` refuses that I/O.

import type {
  Advice,
  DescriptorFlags,
  Descriptor as DescriptorApi,
  DescriptorStat,
  DescriptorType,
  InputStream,
  MetadataHashValue,
  NewTimestamp,
  OpenFlags,
  OutputStream,
  PathFlags,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-filesystem-types';
import type { FileStat, FsHandle, GuestFileSystem } from '../../fs/index.js';
import type { StreamFactory } from '../provider-types.js';
import { MAX_CHUNK_BYTES, clampLength, failWith, symbolDispose } from '../wit.js';
import { toDescriptorStat, toNewTime } from './conversions.js';
import { DirectoryEntryStream } from './directory-entry-stream.js';
import { fsCall } from './error-code.js';
import { fileSink, fileSource } from './file-streams.js';

/** What every descriptor of one guest shares. */
export interface DescriptorContext {
  readonly fs: GuestFileSystem;
  readonly streams: StreamFactory;
  readonly metadataHash: (stat: FileStat) => MetadataHashValue;
}

const follows = (flags: PathFlags): boolean => flags.symlinkFollow === true;

export class Descriptor implements DescriptorApi {
  readonly #context: DescriptorContext;
  readonly #handle: FsHandle;
  readonly #flags: DescriptorFlags;
  readonly #ownsHandle: boolean;

  /**
   * Host side only (guests get descriptors from preopens and `open-at`).
   * `ownsHandle`: dropping the descriptor closes the handle (false for preopens,
   * which the guest filesystem keeps open for the guest's whole life).
   */
  constructor(
    context: DescriptorContext,
    handle: FsHandle,
    flags: DescriptorFlags,
    ownsHandle: boolean,
  ) {
    this.#context = context;
    this.#handle = handle;
    this.#flags = { ...flags };
    this.#ownsHandle = ownsHandle;
  }

  get #fs(): GuestFileSystem {
    return this.#context.fs;
  }

  /** `read-only` unless this descriptor may change what is under it. */
  #requireMutate(): void {
    if (this.#flags.mutateDirectory !== true) failWith('read-only');
  }

  #requireRead(): void {
    if (this.#flags.read !== true) failWith('bad-descriptor');
    if (this.#handle.type === 'directory') failWith('is-directory');
  }

  #requireWrite(): void {
    if (this.#flags.write !== true) failWith('bad-descriptor');
    if (this.#handle.type === 'directory') failWith('is-directory');
  }

  readViaStream(offset: bigint): InputStream {
    this.#requireRead();
    // The StreamFactory contract: its objects are this provider set's wasi:io classes.
    return this.#context.streams.inputStream(
      fileSource(this.#fs, this.#handle, offset),
    ) as InputStream;
  }

  writeViaStream(offset: bigint): OutputStream {
    this.#requireWrite();
    const sink = fileSink(this.#fs, this.#handle, offset);
    return this.#context.streams.outputStream(sink) as OutputStream;
  }

  appendViaStream(): OutputStream {
    this.#requireWrite();
    const sink = fileSink(this.#fs, this.#handle, 'append');
    return this.#context.streams.outputStream(sink) as OutputStream;
  }

  advise(_offset: bigint, _length: bigint, _advice: Advice): void {
    // Only a hint, and Node offers no posix_fadvise to pass it on.
    fsCall(() => this.#fs.stat(this.#handle));
  }

  syncData(): void {
    fsCall(() => this.#fs.sync(this.#handle, true));
  }

  sync(): void {
    fsCall(() => this.#fs.sync(this.#handle, false));
  }

  getFlags(): DescriptorFlags {
    fsCall(() => this.#fs.stat(this.#handle)); // bad-descriptor once closed
    return { ...this.#flags };
  }

  getType(): DescriptorType {
    return fsCall(() => this.#fs.stat(this.#handle)).type;
  }

  setSize(size: bigint): void {
    this.#requireWrite();
    fsCall(() => this.#fs.setSize(this.#handle, size));
  }

  setTimes(dataAccessTimestamp: NewTimestamp, dataModificationTimestamp: NewTimestamp): void {
    // Changing metadata needs a directory that may be mutated, or a file open for writing.
    if (this.#handle.type === 'directory') this.#requireMutate();
    else if (this.#handle.readOnly) failWith('read-only');
    else if (this.#flags.write !== true) failWith('not-permitted');
    const [atime, mtime] = [toNewTime(dataAccessTimestamp), toNewTime(dataModificationTimestamp)];
    fsCall(() => this.#fs.setTimes(this.#handle, atime, mtime));
  }

  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    this.#requireRead();
    const buffer = new Uint8Array(clampLength(length, MAX_CHUNK_BYTES));
    const count = fsCall(() => this.#fs.read(this.#handle, buffer, offset));
    return [buffer.subarray(0, count), count < buffer.length];
  }

  write(buffer: Uint8Array, offset: bigint): bigint {
    this.#requireWrite();
    return BigInt(fsCall(() => this.#fs.write(this.#handle, buffer, offset)));
  }

  readDirectory(): DirectoryEntryStream {
    return new DirectoryEntryStream(fsCall(() => this.#fs.readdir(this.#handle)));
  }

  createDirectoryAt(path: string): void {
    this.#requireMutate();
    fsCall(() => this.#fs.mkdirAt(this.#handle, path));
  }

  stat(): DescriptorStat {
    return toDescriptorStat(fsCall(() => this.#fs.stat(this.#handle)));
  }

  statAt(pathFlags: PathFlags, path: string): DescriptorStat {
    return toDescriptorStat(fsCall(() => this.#fs.statAt(this.#handle, path, follows(pathFlags))));
  }

  setTimesAt(
    pathFlags: PathFlags,
    path: string,
    dataAccessTimestamp: NewTimestamp,
    dataModificationTimestamp: NewTimestamp,
  ): void {
    this.#requireMutate();
    const [atime, mtime] = [toNewTime(dataAccessTimestamp), toNewTime(dataModificationTimestamp)];
    fsCall(() => this.#fs.setTimesAt(this.#handle, path, follows(pathFlags), atime, mtime));
  }

  linkAt(
    oldPathFlags: PathFlags,
    oldPath: string,
    newDescriptor: Descriptor,
    newPath: string,
  ): void {
    this.#requireMutate();
    newDescriptor.#requireMutate();
    const target = newDescriptor.#handle;
    fsCall(() => this.#fs.linkAt(this.#handle, oldPath, follows(oldPathFlags), target, newPath));
  }

  openAt(
    pathFlags: PathFlags,
    path: string,
    openFlags: OpenFlags,
    flags: DescriptorFlags,
  ): Descriptor {
    const changes =
      flags.write === true ||
      flags.mutateDirectory === true ||
      openFlags.create === true ||
      openFlags.truncate === true;
    if (changes) this.#requireMutate();
    const handle = fsCall(() =>
      this.#fs.openAt(this.#handle, path, {
        read: flags.read === true,
        write: flags.write === true,
        create: openFlags.create === true,
        exclusive: openFlags.exclusive === true,
        truncate: openFlags.truncate === true,
        directory: openFlags.directory === true,
        follow: follows(pathFlags),
        dataSync: flags.dataIntegritySync === true,
        fileSync: flags.fileIntegritySync === true,
      }),
    );
    return new Descriptor(this.#context, handle, flags, true);
  }

  readlinkAt(path: string): string {
    const target = fsCall(() => this.#fs.readlinkAt(this.#handle, path));
    // The interface promises guests never see an absolute (host) path.
    if (target.startsWith('/')) failWith('not-permitted');
    return target;
  }

  removeDirectoryAt(path: string): void {
    this.#requireMutate();
    fsCall(() => this.#fs.rmdirAt(this.#handle, path));
  }

  renameAt(oldPath: string, newDescriptor: Descriptor, newPath: string): void {
    this.#requireMutate();
    newDescriptor.#requireMutate();
    const target = newDescriptor.#handle;
    fsCall(() => this.#fs.renameAt(this.#handle, oldPath, target, newPath));
  }

  symlinkAt(oldPath: string, newPath: string): void {
    this.#requireMutate();
    fsCall(() => this.#fs.symlinkAt(oldPath, this.#handle, newPath));
  }

  unlinkFileAt(path: string): void {
    this.#requireMutate();
    fsCall(() => this.#fs.unlinkAt(this.#handle, path));
  }

  isSameObject(other: Descriptor): boolean {
    try {
      const mine = this.#fs.stat(this.#handle);
      const theirs = this.#fs.stat(other.#handle);
      return mine.dev === theirs.dev && mine.ino === theirs.ino;
    } catch {
      return false; // a closed descriptor is the same object as nothing
    }
  }

  metadataHash(): MetadataHashValue {
    return this.#context.metadataHash(fsCall(() => this.#fs.stat(this.#handle)));
  }

  metadataHashAt(pathFlags: PathFlags, path: string): MetadataHashValue {
    const stat = fsCall(() => this.#fs.statAt(this.#handle, path, follows(pathFlags)));
    return this.#context.metadataHash(stat);
  }

  /** The guest dropped its handle: release the host file (preopens stay open). */
  [symbolDispose](): void {
    if (this.#ownsHandle && !this.#handle.closed) this.#fs.close(this.#handle);
  }
}
