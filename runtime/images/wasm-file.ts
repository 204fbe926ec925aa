// A Wasm module or component on local disk, used as an image (`skiff run
// app.wasm`). Registry images come through the image store; both end up as a
// ResolvedImage.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedImage } from '../runtime.js';
import { RuntimeError } from '../runtime.js';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** True when `ref` names a local file rather than an image in a registry. */
export function looksLikeWasmFile(ref: string): boolean {
  return (
    ref.endsWith('.wasm') || ref.startsWith('./') || ref.startsWith('../') || path.isAbsolute(ref)
  );
}

/**
 * Reads `file` and describes it as an image. Throws RuntimeError (InvalidImage)
 * naming the file when it is missing, not a regular file, or not WebAssembly.
 */
export async function resolveWasmFile(file: string): Promise<ResolvedImage> {
  const absolute = path.resolve(file);
  let isFile = false;
  try {
    isFile = (await stat(absolute)).isFile();
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new RuntimeError('InvalidImage', `${file}: ${why}`);
  }
  if (!isFile) throw new RuntimeError('InvalidImage', `${file}: not a regular file`);
  const bytes = await readFile(absolute);
  if (bytes.length < 8 || WASM_MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new RuntimeError(
      'InvalidImage',
      `${file}: not a WebAssembly module or component (no \\0asm header)`,
    );
  }
  return {
    ref: file,
    digest: 'sha256:' + createHash('sha256').update(bytes).digest('hex'),
    kind: 'wasm',
    wasmPath: absolute,
    config: { entrypoint: [path.basename(file)] },
  };
}
