// Docker as a baseline: is an engine reachable, and a busybox image to run.
//
// No image can be pulled on these machines, so the busybox image is made with
// `docker import` from Debian's busybox-static binary when it is missing.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, copyFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const DOCKER_BUSYBOX_IMAGE = 'skiff-bench/busybox:latest';
const BUSYBOX_STATIC = '/bin/busybox';

/** True when `docker info` answers (a running engine). */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure the busybox image exists; returns why not when it cannot. */
export async function ensureBusyboxImage(): Promise<string | undefined> {
  try {
    await run('docker', ['image', 'inspect', DOCKER_BUSYBOX_IMAGE]);
    return undefined;
  } catch {
    // Build it below.
  }
  if (!existsSync(BUSYBOX_STATIC))
    return `${BUSYBOX_STATIC} missing (apt-get install busybox-static)`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-busybox-'));
  try {
    await mkdir(path.join(dir, 'bin'));
    await copyFile(BUSYBOX_STATIC, path.join(dir, 'bin', 'busybox'));
    await run('sh', ['-c', `cd bin && for a in echo sh true; do ln -s busybox $a; done`], {
      cwd: dir,
    });
    await run('sh', ['-c', `tar -C "${dir}" -c . | docker import - ${DOCKER_BUSYBOX_IMAGE}`]);
    return undefined;
  } catch (error) {
    return `docker import failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Wall time of one `docker run --rm --network none busybox echo hi`, in ms. */
export async function timeDockerEcho(): Promise<number> {
  const started = performance.now();
  await run('docker', [
    'run',
    '--rm',
    '--network',
    'none',
    DOCKER_BUSYBOX_IMAGE,
    '/bin/echo',
    'hi',
  ]);
  return performance.now() - started;
}
