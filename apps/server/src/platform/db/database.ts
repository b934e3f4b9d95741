import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0002 from './migrations/0002-catalog.ts';
import * as m0003 from './migrations/0003-vault.ts';
import * as m0004 from './migrations/0004-ledger.ts';
import * as m0005 from './migrations/0005-orders.ts';
import * as m0006 from './migrations/0006-payments.ts';
import * as m0007 from './migrations/0007-vault-imports.ts';
import * as m0008 from './migrations/0008-payment-channels.ts';
import * as m0009 from './migrations/0009-carousel.ts';
import * as m0010 from './migrations/0010-payment-channel-providers.ts';
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
  close(): Promise<void>;
}

// bigint columns hold epoch milliseconds and fen: both well inside Number's exact range
pg.types.setTypeParser(20, (v) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${v} exceeds the safe integer range`);
  return n;
});

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string;
  poolSize?: number;
}

export function openDatabase(opts: DatabaseOptions): Database {
  if (opts.databaseUrl) {
    const pool = preparePoolQueries(
      new pg.Pool({
        connectionString: opts.databaseUrl,
        max: opts.poolSize ?? 10,
        ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
      }),
    );
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      ...(opts.pgSchema ? { schema: opts.pgSchema } : {}),
      close: () => db.destroy(),
    };
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const file = join(opts.dataDir, 'kameng.sqlite');
  const writer = openSqlite(file);
  const db = new Kysely<DB>({ dialect: new GroupCommitDialect(writer, openSqlite(file, { reader: true })) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

const migrations: Record<string, { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> }> = {
  '0001-foundation': m0001,
  '0002-catalog': m0002,
  '0003-vault': m0003,
  '0004-ledger': m0004,
  '0005-orders': m0005,
  '0006-payments': m0006,
  '0007-vault-imports': m0007,
  '0008-payment-channels': m0008,
  '0009-carousel': m0009,
  '0010-payment-channel-providers': m0010,
};

/** Forward-only, numbered migrations, run at start-up on both dialects. */
export async function migrate(database: Database): Promise<void> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, mod] of Object.entries(migrations)) {
        out[name] = { up: (db) => mod.up(db, database.dialect) };
      }
      return out;
    },
  };
  const migrator = new Migrator({
    db: database.db,
    provider,
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
}
