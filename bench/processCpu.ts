import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// utime and stime in /proc/<pid>/stat count clock ticks (USER_HZ, 100 on Linux; asked once rather than assumed).
let ticksPerSecond: number | undefined;
const tickMicros = () => {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return 1e6 / ticksPerSecond;
};

/**
 * CPU time (user + system) a process has used so far, in µs, read from `/proc/<pid>/stat` (fields 14 and 15). It
 * counts the process from outside, so it includes everything the process does (GC, its own HTTP clients, idle timers),
 * which is what a partner pays for. Resolution is one tick (10 ms): read it around runs of seconds, not requests.
 */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses; the fields after its last ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) * tickMicros();
}

/**
 * Time the process's main thread has spent runnable but waiting for a core, in µs (`/proc/<pid>/schedstat`, second
 * field, needs schedstats in the kernel). On a shared machine this is what turns an idle-looking process into a slow
 * one: a process that waited for a core most of the run was starved, not slow.
 */
export function runQueueWaitMicros(pid: number): number {
  try {
    const [, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(waitNs) / 1000;
  } catch {
    return Number.NaN;
  }
}
