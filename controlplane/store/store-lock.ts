// One process owns a store directory: LMDB itself lets several processes
// write one environment, but the store's revision counter, watch hub and
// compactor live in the owning process. The lock is a file holding the
// owner's pid and start time (so a pid reused by another process after a
// crash does not count as the owner). A lock whose owner is gone, even after
// SIGKILL, is stale and taken over.
//
// Taking the lock links a complete temp file into place (atomic, and it fails
// when a lock exists), so a lock file is never seen half-written. Taking over
// a stale lock renames it aside first (atomic) and checks that the file moved
// is the stale one it judged, putting back a fresh lock it moved by mistake,
// so two processes racing to take over cannot both win.

import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The name of the lock file in a store directory. */
export const LOCK_FILE = 'LOCK';

/** An owned store directory. */
export interface StoreLock {
  /** Gives the directory up (removes the lock file if it is still this process's). */
  release(): void;
}

interface Owner {
  readonly pid: number;
  /** The process's start time in clock ticks after boot (Linux), when known. */
  readonly start?: string;
}

/** Field 22 of /proc/<pid>/stat: when the process started; undefined off Linux. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is parenthesised and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (owner.start === undefined) return true;
  const start = startTimeOf(owner.pid);
  return start === undefined || start === owner.start;
}

function parseOwner(text: string): Owner | undefined {
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; start?: unknown };
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0)
      return undefined;
    return {
      pid: parsed.pid,
      ...(typeof parsed.start === 'string' ? { start: parsed.start } : {}),
    };
  } catch {
    return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/** Places `content` at `file` unless it exists: false when it does. */
function createExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temp, content);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: O_EXCL instead (a reader may then
    // briefly see an empty file, which parses as no owner).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    try {
      writeFileSync(file, content, { flag: 'wx' });
      return true;
    } catch (fallback) {
      if ((fallback as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw fallback;
    }
  } finally {
    unlinkQuietly(temp);
  }
}

/**
 * Takes the lock of store directory `dir` (which must exist). Throws when a
 * live process (this one included) holds it.
 */
export function lockStore(dir: string): StoreLock {
  const file = path.join(dir, LOCK_FILE);
  const start = startTimeOf(process.pid);
  const content = `${JSON.stringify({ pid: process.pid, ...(start ? { start } : {}) })}\n`;
  const release = (): void => {
    if (readText(file) === content) unlinkQuietly(file);
  };
  for (let attempt = 0; attempt < 8; attempt++) {
    if (createExclusive(file, content)) return { release };
    const found = readText(file);
    if (found === undefined) continue;
    const owner = parseOwner(found);
    if (owner && isAlive(owner)) {
      const who = owner.pid === process.pid ? 'this process' : `process ${owner.pid}`;
      throw new Error(
        `the store at ${dir} is in use by ${who} (lock file ${file}); one process owns a store`,
      );
    }
    const aside = `${file}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
    try {
      renameSync(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (readText(aside) !== found) {
      // Another process took the stale lock over in between: give it back.
      try {
        linkSync(aside, file);
      } catch {
        // A third one already holds it: the next attempt sees it alive.
      }
    }
    unlinkQuietly(aside);
  }
  throw new Error(`could not take the lock of the store at ${dir} (${file})`);
}
