import { readFileSync } from 'node:fs';

/** Linux's clock ticks a second (USER_HZ), which /proc/<pid>/stat counts CPU time in. */
const TICKS_PER_SECOND = 100;

/**
 * The CPU (user and system) another process has used so far, in ms, from /proc/<pid>/stat: for figures that add
 * a child process's CPU to this one's (process.cpuUsage only sees this process).
 */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}
