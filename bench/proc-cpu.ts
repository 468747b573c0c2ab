import fs from 'node:fs';

/**
 * CPU time of a server process from /proc (Linux): its main thread, and the process in total (V8's GC and
 * compiler threads, libuv's pool and worker threads such as the history's commit worker, exited ones included).
 * Time spent waiting for a core is not counted, so where servers share a core this says what each one costs,
 * where throughput says only what they cost together.
 */
export interface CpuReading {
  /** µs of user + system time. */
  main: number;
  total: number;
}

const TICK_US = 1e6 / 100; // USER_HZ is 100 on every Linux Node supports

/** utime + stime from a /proc stat file, in µs. */
function statUs(file: string): number {
  const f = fs.readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_US;
}

export const canReadCpu = (): boolean => fs.existsSync('/proc/self/task');

export function readCpu(pid: number): CpuReading {
  return { main: statUs(`/proc/${pid}/task/${pid}/stat`), total: statUs(`/proc/${pid}/stat`) };
}

/** Per request between two readings: the main thread, the other threads, the whole process. */
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): { main: number; other: number; total: number } {
  const main = (after.main - before.main) / requests;
  const total = (after.total - before.total) / requests;
  return { main, other: total - main, total };
}

/** Tollgate's launcher (bench/servers.ts) runs headless.js as its only child: that child is the proxy. */
export function serverPid(launcherPid: number, kind: string): number {
  if (kind !== 'tollgate') return launcherPid;
  const kids = fs.readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, 'utf8').trim();
  return Number(kids.split(/\s+/)[0]);
}
