import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, type KyselyConfig, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { PoolStats } from '../metrics.ts';
import { preparePoolQueries } from './pg-prepared.ts';
import type { DB } from './schema.ts';
import { openSqlite } from './sqlite-adapter.ts';
import { GroupCommitDialect } from './sqlite-group-commit.ts';

export type Dialect = 'sqlite' | 'postgres';

/** The database or a transaction: query functions take this and never open their own transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** the PostgreSQL schema in use when not the default */
  schema?: string;
  /** the connection pool's figures (PostgreSQL only) */
  poolStats?: () => PoolStats;
  close(): Promise<void>;
}

// bigint columns hold epoch milliseconds and fen: both well inside Number's exact range
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${v} exceeds the safe integer range`);
  return n;
});

/** The embedded database's file name inside DATA_DIR. */
export const SQLITE_FILE = 'kameng.sqlite';

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string;
  poolSize?: number;
  /**
   * Told the text of every statement sent (tests count a purchase's round trips with it). PostgreSQL's
   * BEGIN and COMMIT are statements too; SQLite's transaction control is the group-commit driver's own.
   */
  onQuery?: (sql: string) => void;
}

function logOption(opts: DatabaseOptions): Pick<KyselyConfig, 'log'> {
  const onQuery = opts.onQuery;
  if (!onQuery) return {};
  return {
    log: (e) => {
      if (e.level === 'query') onQuery(e.query.sql);
    },
  };
}

export function openDatabase(opts: DatabaseOptions): Database {
  if (opts.databaseUrl) {
    const max = opts.poolSize ?? 10;
    const pool = preparePoolQueries(
      new pg.Pool({
        connectionString: opts.databaseUrl,
        max,
        ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
      }),
    );
    const waits = countWaits(pool, max);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...logOption(opts) });
    return {
      db,
      dialect: 'postgres',
      poolStats: () => ({
        size: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
        waitedTotal: waits.count,
      }),
      ...(opts.pgSchema ? { schema: opts.pgSchema } : {}),
      close: () => db.destroy(),
    };
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, SQLITE_FILE);
  const writer = openSqlite(file);
  const db = new Kysely<DB>({
    dialect: new GroupCommitDialect(writer, openSqlite(file, { reader: true })),
    ...logOption(opts),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/** Counts the connections asked for while every one of the pool's `max` was taken (the asker waits). */
function countWaits(pool: pg.Pool, max: number): { count: number } {
  const waits = { count: 0 };
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as { connect: (...args: unknown[]) => unknown }).connect = (...args: unknown[]) => {
    if (pool.idleCount === 0 && pool.totalCount >= max) waits.count++;
    return connect(...args);
  };
  return waits;
}
