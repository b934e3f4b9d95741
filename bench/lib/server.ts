import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

export const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'apps/server/src/cli.ts');

export const ADMIN_EMAIL = 'bench-admin@kameng.local';
export const ADMIN_PASSWORD = 'Bench-Admin-Passw0rd!';
export const BENCH_METRICS_TOKEN = `bench-${randomBytes(8).toString('hex')}`;

/** Where a benchmark run keeps its data: a temp SQLite dir, or a fresh PostgreSQL database + its own Redis db. */
export interface Target {
  dialect: 'sqlite' | 'postgres';
  dir: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Never touches anyone else's data: SQLite lives in a temp dir, PostgreSQL gets a brand-new database
 * (dropped afterwards) and Redis a key prefix of its own (REDIS_PREFIX=bench:<random>:, deleted afterwards),
 * so no other run's cache or wake-ups leak in.
 */
export async function prepareTarget(env: NodeJS.ProcessEnv): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'kameng-bench-'));
  const base: Record<string, string> = {
    DATA_DIR: join(dir, 'data'),
    KAMENG_MASTER_KEY: randomBytes(32).toString('hex'),
    KAMENG_ADMIN_EMAIL: ADMIN_EMAIL,
    KAMENG_ADMIN_PASSWORD: ADMIN_PASSWORD,
    KAMENG_SANDBOX: 'on',
    RATE_LIMIT_PER_MINUTE: '0',
    // bcrypt runs only at registration and login, i.e. while seeding; the scenarios measure bearer sessions
    BCRYPT_COST: '4',
    LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    // the bench reads the event loop's delay from /metrics around each run
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
  };
  const redisPrefix = `bench:${randomBytes(4).toString('hex')}:`;
  if (env.REDIS_URL) Object.assign(base, { REDIS_URL: env.REDIS_URL, REDIS_PREFIX: redisPrefix });
  const dropRedisKeys = async () => {
    if (!env.REDIS_URL) return;
    const r = new Redis(env.REDIS_URL);
    const keys = await r.keys(`${redisPrefix}*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
  };
  if (!env.DATABASE_URL) {
    // SQLite, with Redis too when REDIS_URL is set (needed for --processes N > 1)
    return {
      dialect: 'sqlite',
      dir,
      env: base,
      async cleanup() {
        await dropRedisKeys();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const dbName = `kameng_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  return {
    dialect: 'postgres',
    dir,
    env: { ...base, DATABASE_URL: withDatabase(env.DATABASE_URL, dbName) },
    async cleanup() {
      await dropRedisKeys();
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

export interface ServerOptions {
  /** API processes (`kameng serve --processes N`); 1 = the embedded single process */
  processes: number;
  /** separate worker processes; 0 = workers run inside the API process */
  workers: number;
  /** extra node flags for every server process, e.g. --cpu-prof */
  nodeFlags?: string[];
  env?: Record<string, string>;
}

export interface RunningServer {
  url: string;
  /** every live process of the deployment (API primary, its children, workers) */
  pids(): number[];
  resetPeakRss(): void;
  /** the sum of every process's peak resident set since the last reset, MB */
  peakRssMb(): number;
  stop(): Promise<void>;
}

function childrenOf(pid: number): number[] {
  try {
    const direct = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return direct.map(Number).flatMap((c) => [c, ...childrenOf(c)]);
  } catch {
    return [];
  }
}

function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export async function startServer(target: Target, opts: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const log = createWriteStream(join(target.dir, 'server.log'), { flags: 'a' });
  const env = {
    ...process.env,
    ...target.env,
    PORT: String(port),
    KAMENG_WORKERS: opts.workers > 0 ? 'off' : 'on',
    ...opts.env,
  };
  const procs: ChildProcess[] = [];
  const launch = (args: string[]) => {
    const p = spawn(process.execPath, [...(opts.nodeFlags ?? []), CLI, ...args], {
      env,
      cwd: target.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout?.pipe(log, { end: false });
    p.stderr?.pipe(log, { end: false });
    procs.push(p);
    return p;
  };
  launch(['serve', ...(opts.processes > 1 ? ['--processes', String(opts.processes)] : [])]);
  if (opts.workers > 0) launch(['worker', '--processes', String(opts.workers)]);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const dead = procs.find((p) => p.exitCode !== null);
    if (dead)
      throw new Error(`Kameng exited with ${dead.exitCode} while starting; see ${join(target.dir, 'server.log')}`);
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`Kameng did not become ready in 90 s; see ${target.dir}/server.log`);
    await new Promise((r) => setTimeout(r, 200));
  }

  const pids = () => procs.flatMap((p) => (p.pid && p.exitCode === null ? [p.pid, ...childrenOf(p.pid)] : []));
  return {
    url,
    pids,
    resetPeakRss() {
      // writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0)
      for (const pid of pids()) {
        try {
          writeFileSync(`/proc/${pid}/clear_refs`, '5');
        } catch {
          // not permitted: the peak then counts from process start
        }
      }
    },
    peakRssMb: () => Math.round(pids().reduce((s, pid) => s + vmHwmKb(pid), 0) / 1024),
    async stop() {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((res) => {
              if (p.exitCode !== null || p.signalCode !== null) return res();
              const kill = setTimeout(() => p.kill('SIGKILL'), 30_000);
              p.once('exit', () => {
                clearTimeout(kill);
                res();
              });
              p.kill('SIGTERM');
            }),
        ),
      );
      log.end();
    },
  };
}
