import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc reports CPU time in these ticks (100 on every Linux this runs on). */
const TICKS_PER_S = 100;

/** CPU seconds (user + system) the processes have used so far; a process that is gone counts 0. */
export function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // fields after the parenthesised command name: utime and stime are the 12th and 13th
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks / TICKS_PER_S;
}

/** Every PostgreSQL server process on the machine (the benchmark's database runs on the local server). */
export function postgresPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') out.push(Number(d));
    } catch {
      // exited
    }
  }
  return out;
}

/**
 * How many cores the server and the database kept busy while `fn` ran: the profile of where a
 * throughput limit sits (1.0 is one core saturated; the machine has two, shared with the load generator).
 */
export async function coresWhile<T>(
  serverPids: () => number[],
  withDb: boolean,
  fn: () => Promise<T>,
): Promise<{ result: T; serverCores: number; dbCores: number }> {
  const server0 = serverPids();
  const s0 = cpuSeconds(server0);
  // database backends come and go (a pool that closes): each one's last reading counts, sampled every 100 ms
  const dbStart = new Map<number, number>();
  const dbLast = new Map<number, number>();
  const sample = () => {
    for (const pid of postgresPids()) dbLast.set(pid, cpuSeconds([pid]));
  };
  if (withDb) {
    sample();
    for (const [pid, sec] of dbLast) dbStart.set(pid, sec);
  }
  const timer = withDb ? setInterval(sample, 100) : undefined;
  const t0 = performance.now();
  try {
    const result = await fn();
    const wall = (performance.now() - t0) / 1000;
    const s1 = cpuSeconds(server0);
    if (withDb) sample();
    let db = 0;
    // a pid whose reading went down is a new process that reused an ended one's pid: all its time is in the run
    for (const [pid, sec] of dbLast) {
      const start = dbStart.get(pid) ?? 0;
      db += sec >= start ? sec - start : sec;
    }
    return { result, serverCores: (s1 - s0) / wall, dbCores: db / wall };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Waits until the server has finished what an earlier run left it (requests still queued when that run's
 * load generator stopped, purchases still committing): until its processes use under `idleCores` of CPU
 * over two windows of 250 ms in a row, or `maxMs` passed. Runs then neither overlap nor see each other's work.
 */
export async function settled(serverPids: () => number[], idleCores = 0.1, maxMs = 30_000): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - t0 < maxMs) {
    const pids = serverPids();
    const c0 = cpuSeconds(pids);
    await new Promise((r) => setTimeout(r, 250));
    quiet = (cpuSeconds(pids) - c0) / 0.25 < idleCores ? quiet + 1 : 0;
  }
  return performance.now() - t0;
}
