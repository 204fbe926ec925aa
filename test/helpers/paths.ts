// Where tests find the repository's files, from dist/test/... or test/....

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'samples')))
      return dir;
  }
  throw new Error(`no repository root above ${start}`);
}

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
export const skiffBin = path.join(repoRoot, 'bin', 'skiff.js');
export const busyboxWasm = path.join(repoRoot, 'samples', 'busybox', 'busybox.wasm');
export const busyboxComponentWasm = path.join(
  repoRoot,
  'samples',
  'busybox',
  'busybox.component.wasm',
);
export const kubiaWasm = path.join(repoRoot, 'samples', 'kubia', 'kubia.wasm');
/**
 * The project's conformance manifests: a copy of ../shared/conformance kept in
 * the repository, so that CI's clean checkout has them too.
 */
export const conformanceDir = path.join(repoRoot, 'test', 'fixtures', 'conformance');
