// What goes into one layer: entries keyed by their path in the image. A layer
// is normalised before it is written (later entries replace earlier ones at
// the same path, every parent directory present, sorted by path) so the same
// inputs always give the same tar.

/** Where a file's bytes come from: a file on disk, or bytes in memory. */
export type FileSource = { readonly file: string } | { readonly bytes: Uint8Array };

/**
 * One entry of a layer. `path` is the path in the image without a leading
 * slash (`app/main.wasm`); `mode` holds permission bits only (0o7777).
 */
export type LayerEntry =
  | { readonly type: 'directory'; readonly path: string; readonly mode: number }
  | {
      readonly type: 'file';
      readonly path: string;
      readonly mode: number;
      readonly size: number;
      readonly source: FileSource;
    }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string }
  /** A hard link to `target`, another path of the same layer (written before it). */
  | {
      readonly type: 'hardlink';
      readonly path: string;
      readonly target: string;
      readonly mode: number;
    };

/** Mode of directories a layer needs but no source provided (parents of a destination). */
export const IMPLICIT_DIRECTORY_MODE = 0o755;

/**
 * The entries in the order they are written: one per path (the last given
 * wins; a non-directory also drops what an earlier directory at its path
 * held), every parent directory present (`IMPLICIT_DIRECTORY_MODE` when not
 * given), sorted by the UTF-8 bytes of the path, so parents precede children.
 */
export function normalizeLayer(entries: Iterable<LayerEntry>): LayerEntry[] {
  const byPath = new Map<string, LayerEntry>();
  for (const entry of entries) {
    if (entry.type !== 'directory') {
      const prefix = `${entry.path}/`;
      for (const key of byPath.keys()) if (key.startsWith(prefix)) byPath.delete(key);
    }
    byPath.delete(entry.path); // re-inserted, so the map stays in "last given" order
    byPath.set(entry.path, entry);
  }
  for (const entryPath of [...byPath.keys()]) {
    const parts = entryPath.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!byPath.has(parent))
        byPath.set(parent, { type: 'directory', path: parent, mode: IMPLICIT_DIRECTORY_MODE });
    }
  }
  return [...byPath.values()].sort((a, b) =>
    Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)),
  );
}
