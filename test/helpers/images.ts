// Images of the samples and of ad-hoc modules, for runtime tests.

import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import wabtInit from 'wabt';
import type { ResolvedImage } from '../../runtime/index.js';
import { resolveWasmFile } from '../../runtime/index.js';
import { busyboxComponentWasm, busyboxWasm, kubiaWasm } from './paths.js';

export const busybox = (): Promise<ResolvedImage> => resolveWasmFile(busyboxWasm);
export const busyboxComponent = (): Promise<ResolvedImage> => resolveWasmFile(busyboxComponentWasm);
export const kubia = (): Promise<ResolvedImage> => resolveWasmFile(kubiaWasm);

const wabt = await wabtInit();
let scratch: string | undefined;

/** An image of a core module written in WAT (saved to a temp file). */
export async function watImage(name: string, text: string): Promise<ResolvedImage> {
  scratch ??= await mkdtemp(path.join(os.tmpdir(), 'skiff-wat-'));
  const module = wabt.parseWat(`${name}.wat`, text, {});
  const file = path.join(scratch, `${name}.wasm`);
  try {
    await writeFile(file, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
  return resolveWasmFile(file);
}
