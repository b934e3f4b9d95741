import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import { type Clock, cryptoRandom, type Random, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { type Database, type Dialect, openDatabase } from './db/database.ts';
import type { DB } from './db/schema.ts';
import { Hooks } from './hooks.ts';
import type { PoolStats } from './metrics.ts';
import type { KamengModule } from './module.ts';
import { MemoryCounterStore, RateLimiter, RedisCounterStore } from './rate-limit.ts';
import { createSender, type Sender } from './sender.ts';

/** What services need, passed explicitly: no container, no globals. */
export interface Deps {
  config: Config;
  db: Kysely<DB>;
  /** read-only catalog queries: the replica (DATABASE_REPLICA_URL) when there is one, else `db` */
  readDb: Kysely<DB>;
  dialect: Dialect;
  clock: Clock;
  random: Random;
  limiter: RateLimiter;
  sender: Sender;
  log: Logger;
  redis: Redis | null;
  /** keys this process writes to Redis start with it */
  redisPrefix: string;
  /** what the modules provide to each other (see hooks.ts), wired once by createRuntime */
  hooks: Hooks;
  /** every module of this runtime, in dependency order */
  modules: readonly KamengModule[];
  /** the write pool's figures for /metrics; null on SQLite */
  poolStats: (() => PoolStats) | null;
}

/** Paths pino blanks out wherever they appear in a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.totp',
  '*.secret',
  '*.secretAccessKey',
  '*.masterKey',
  'config.masterKey',
  'config.adminPassword',
];

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

export interface DepsOverrides {
  clock?: Clock;
  random?: Random;
  sender?: Sender;
  log?: Logger;
  database?: Database;
  /** the replica's handle (tests); default: opened from DATABASE_REPLICA_URL */
  replica?: Database;
  redisPrefix?: string;
}

export interface Runtime {
  deps: Deps;
  database: Database;
  close(): Promise<void>;
}

/** Opens the databases and Redis, builds the deps and lets every module install its hooks, in order. */
export function createRuntime(config: Config, modules: readonly KamengModule[], o: DepsOverrides = {}): Runtime {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? cryptoRandom;
  const log = o.log ?? createLogger(config);
  const database =
    o.database ??
    openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  const replica =
    o.replica ??
    (config.databaseReplicaUrl
      ? openDatabase({
          databaseUrl: config.databaseReplicaUrl,
          dataDir: config.dataDir,
          poolSize: config.databasePoolSize,
        })
      : null);
  const redisPrefix = o.redisPrefix ?? config.redisPrefix;
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false }) : null;
  redis?.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  const store = redis ? new RedisCounterStore(redis, clock, redisPrefix) : new MemoryCounterStore(clock);
  const limiter = new RateLimiter(store, clock, config.rateLimitPerMinute > 0);
  const hooks = new Hooks();
  const sender = o.sender ?? createSender(config, log, hooks);
  const deps: Deps = {
    config,
    db: database.db,
    readDb: replica?.db ?? database.db,
    dialect: database.dialect,
    clock,
    random,
    limiter,
    sender,
    log,
    redis,
    redisPrefix,
    hooks,
    modules,
    poolStats: database.poolStats ?? null,
  };
  for (const m of modules) m.install?.(deps);
  const missing = deps.hooks.missing(modules.flatMap((m) => m.requires ?? []));
  if (missing.length > 0) throw new Error(`no module provides: ${missing.join(', ')}`);
  return {
    deps,
    database,
    async close() {
      await database.close();
      await replica?.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
