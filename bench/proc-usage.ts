/**
 * CPU and memory of one child process, read from Linux's /proc (the bench's probes are ffmpeg
 * children of this process): user + system time over a window, and the resident set.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux, asked once). */
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** The fields after the command name (which may hold spaces): field 3 (state) is index 0. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime (fields 14 and 15), in ms. */
export function cpuMs(pid: number): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1_000) / clockTicks();
}

/** VmRSS (now) and VmHWM (the peak), in MB. */
export function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** This process's children whose command line contains every one of `parts`. */
export function childPids(parts: string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((p) => cmdline.includes(p))) found.push(Number(entry));
    } catch {
      // it ended while the list was read
    }
  }
  return found;
}

/** Percent of one core each process used over `windowMs` (wall time measured, not assumed). */
export async function cpuPercentOver(pids: number[], windowMs: number): Promise<number[]> {
  const before = pids.map(cpuMs);
  const startedAt = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const elapsed = performance.now() - startedAt;
  return pids.map((pid, i) => Math.round(((cpuMs(pid) - before[i]!) / elapsed) * 1_000) / 10);
}
