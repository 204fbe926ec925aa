// `directory-entry-stream`: the entries of a directory, listed when the stream
// was made (wasi:filesystem leaves concurrent changes unspecified).

import type {
  DirectoryEntry,
  DirectoryEntryStream as DirectoryEntryStreamApi,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-filesystem-types';
import type { DirEntry } from '../../fs/index.js';

export class DirectoryEntryStream implements DirectoryEntryStreamApi {
  readonly #entries: readonly DirEntry[];
  #next = 0;

  /** Host side only: guests get streams from `descriptor.read-directory`. */
  constructor(entries: readonly DirEntry[]) {
    this.#entries = entries;
  }

  /** The next entry, or undefined at the end (`.` and `..` are never listed). */
  readDirectoryEntry(): DirectoryEntry | undefined {
    const entry = this.#entries[this.#next];
    if (entry === undefined) return undefined;
    this.#next += 1;
    return { type: entry.type, name: entry.name };
  }
}
