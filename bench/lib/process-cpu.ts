// CPU time a process has used (user + system, all its threads), read from
// /proc: what a server spends per request, whatever the client on the same
// cores costs. Undefined where /proc is not there (not Linux).

import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux everywhere). */
const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU `pid` has used so far, or undefined without /proc. */
export function processCpuMs(pid: number): number | undefined {
  return cpuMsOf(`/proc/${pid}/stat`);
}

/**
 * Milliseconds of CPU the main thread of `pid` (the one running JavaScript)
 * has used so far, or undefined without /proc. One process serves at most
 * 1 s of this per second, whatever the cores.
 */
export function mainThreadCpuMs(pid: number): number | undefined {
  return cpuMsOf(`/proc/${pid}/task/${pid}/stat`);
}

function cpuMsOf(statFile: string): number | undefined {
  try {
    const stat = readFileSync(statFile, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return ((user + system) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
