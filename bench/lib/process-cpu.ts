// CPU time a process has used (user + system, all its threads), read from
// /proc: what a server spends per request, whatever the client on the same
// cores costs. Undefined where /proc is not there (not Linux).

import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux everywhere). */
const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU `pid` has used so far, or undefined without /proc. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return ((user + system) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
