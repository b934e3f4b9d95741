import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { ensureBootstrapAdmin } from '../../src/modules/accounts/accounts.service.ts';
import { MemorySender } from '../../src/platform/sender.ts';
import { type Clock, ManualClock, systemClock } from '../../src/platform/clock.ts';
import { type Config, loadConfig } from '../../src/platform/config.ts';
import { type Database, openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { createRuntime, type Deps } from '../../src/platform/deps.ts';
import { MODULES } from '../../src/modules/index.ts';
import { copyTemplate } from './db-template.ts';

/** Integration tests run on SQLite by default and on PostgreSQL + Redis when DATABASE_URL / REDIS_URL (or TEST_ variants) are set. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || process.env.REDIS_URL || undefined;
export const dialectName = TEST_DATABASE_URL ? 'postgres' : 'sqlite';

export const ADMIN_EMAIL = 'admin@kameng.test';
export const ADMIN_PASSWORD = 'Adm1n-Test-Passw0rd';

export interface TestDatabase {
  database: Database;
  dataDir: string;
  schema: string | undefined;
  drop(): Promise<void>;
}

/** A private database: a fresh PostgreSQL schema, or a fresh SQLite file in a temp directory. */
export async function createTestDatabase(
  opts: { poolSize?: number; onQuery?: (sql: string) => void } = {},
): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kameng-test-'));
  const template = inject('kamengDbTemplate');
  let schema: string | undefined;
  if (TEST_DATABASE_URL) {
    schema = `t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      if (template) await copyTemplate(template, { client, schema });
      else await client.query(`CREATE SCHEMA ${schema}`);
    } finally {
      await client.end();
    }
  } else if (template) {
    await copyTemplate(template, { dataDir });
  }
  const database = openDatabase({
    databaseUrl: TEST_DATABASE_URL,
    dataDir,
    ...(schema ? { pgSchema: schema } : {}),
    ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
    ...(opts.onQuery ? { onQuery: opts.onQuery } : {}),
  });
  // a copy of the run's template is migrated already (support/db-template.ts); not migrating it again also spares
  // Kysely's check for its migration table, which reads every table of every schema in the database and
  // fails when another test drops its schema at that moment
  if (!template) await migrate(database, MODULES);
  return {
    database,
    dataDir,
    schema,
    async drop() {
      await database.close().catch(() => {});
      if (schema) {
        const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await client.connect();
        await client.query(`SET synchronous_commit = off; DROP SCHEMA ${schema} CASCADE`);
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a second handle onto the same test database (another "process" in tests). */
export function openSameDatabase(t: TestDatabase, poolSize?: number): Database {
  return openDatabase({
    databaseUrl: TEST_DATABASE_URL,
    dataDir: t.dataDir,
    ...(t.schema ? { pgSchema: t.schema } : {}),
    ...(poolSize ? { poolSize } : {}),
  });
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  config: Config;
  sender: MemorySender;
  clock: Clock;
  db: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** an existing database (already migrated) instead of a fresh one; the app drops it on close */
  db?: TestDatabase;
  /** where the app logs (default: nowhere) */
  log?: Logger;
  /** the sender the configuration gives (SMTP_URL, KAMENG_SANDBOX) instead of `sender`, a MemorySender */
  configuredSender?: boolean;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const db = opts.db ?? (await createTestDatabase());
  const config = loadConfig({
    DATA_DIR: db.dataDir,
    KAMENG_MASTER_KEY: randomBytes(32).toString('hex'),
    KAMENG_ADMIN_EMAIL: ADMIN_EMAIL,
    KAMENG_ADMIN_PASSWORD: ADMIN_PASSWORD,
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...opts.env,
  });
  const sender = new MemorySender();
  const clock = opts.clock ?? systemClock;
  const runtime = createRuntime(config, MODULES, {
    clock,
    ...(opts.configuredSender ? {} : { sender }),
    database: db.database,
    log: opts.log ?? pino({ level: 'silent' }),
    redisPrefix: `test:${randomBytes(6).toString('hex')}:`,
  });
  await runtime.deps.sender.reportChannels();
  await ensureBootstrapAdmin(runtime.deps);
  const app = await buildApp(runtime.deps, { logger: false });
  await app.ready();
  return {
    app,
    deps: runtime.deps,
    config,
    sender,
    clock,
    db,
    async close() {
      await app.close();
      await runtime.deps.redis?.quit().catch(() => {});
      await db.drop();
    },
  };
}

export { ManualClock };
