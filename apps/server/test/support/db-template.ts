import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openDatabase, SQLITE_FILE } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { MODULES } from '../../src/modules/index.ts';

/**
 * A migrated database made once per test run (vitest's globalSetup, support/global-setup.ts) that every test
 * database starts as a copy of: a SQLite file copied, or a PostgreSQL schema re-created from the SQL pg_dump
 * wrote for the migrated one. Running every migration for every test cost ~0.4 s on SQLite and ~1.3 s on
 * PostgreSQL each, a few hundred times a run. The harness still runs `migrate` on the copy, which finds
 * nothing to do (and would bring an out-of-date copy up to date), so what the tests see is what migrations make.
 */
export type DbTemplate =
  | { dialect: 'sqlite'; dir: string }
  | {
      dialect: 'postgres';
      /** the schema's SQL, its name written as SCHEMA_NAME */
      sql: string;
    };

/** Where the schema's name stands in a PostgreSQL template's SQL. */
export const SCHEMA_NAME = '__kameng_template_schema__';

const run = promisify(execFile);

export async function makeTemplate(databaseUrl: string | undefined): Promise<DbTemplate | undefined> {
  if (!databaseUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'kameng-template-'));
    const database = openDatabase({ dataDir: dir });
    await migrate(database, MODULES);
    // closing the last connection checkpoints the WAL into the file: the copy is the whole database
    await database.close();
    return { dialect: 'sqlite', dir };
  }
  const schema = `kameng_template_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const database = openDatabase({ databaseUrl, dataDir: tmpdir(), pgSchema: schema });
    try {
      await migrate(database, MODULES);
    } finally {
      await database.close();
    }
    // one plain-SQL dump: tables, their rows (as INSERTs), then indexes, constraints and triggers
    const dumped = await run(
      'pg_dump',
      ['--inserts', `--schema=${schema}`, '--no-owner', '--no-privileges', '--dbname', databaseUrl],
      { maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: Error) => {
      console.warn(`test databases run every migration: pg_dump of the template failed (${err.message})`);
      return undefined;
    });
    if (!dumped) return undefined;
    const sql = dumped.stdout
      .split('\n')
      // psql meta-commands (\restrict, \unrestrict) are for psql; the statements are plain SQL
      .filter((line) => !line.startsWith('\\'))
      .join('\n')
      .replaceAll(schema, SCHEMA_NAME);
    return { dialect: 'postgres', sql };
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
  }
}

/** Lays the template down as the test database: before it is opened (SQLite) or in place of CREATE SCHEMA. */
export async function copyTemplate(
  template: DbTemplate,
  target: { dataDir: string } | { client: pg.Client; schema: string },
): Promise<void> {
  if (template.dialect === 'sqlite' && 'dataDir' in target) {
    for (const suffix of ['', '-wal']) {
      const from = join(template.dir, SQLITE_FILE + suffix);
      if (existsSync(from)) copyFileSync(from, join(target.dataDir, SQLITE_FILE + suffix));
    }
  } else if (template.dialect === 'postgres' && 'client' in target) {
    // one transaction, one commit for the whole schema rather than one per statement; a test schema need not
    // wait for its commit to reach the disk (it is dropped at the end of its file)
    const sql = template.sql.replaceAll(SCHEMA_NAME, target.schema);
    await target.client.query(`BEGIN;\nSET LOCAL synchronous_commit = off;\n${sql}\nCOMMIT;`);
  } else {
    throw new Error(`a ${template.dialect} template does not fit this test database`);
  }
}

/** Lays a PostgreSQL template down as the `public` schema of a whole, empty database (what the CLI commands use). */
export async function copyTemplateToDatabase(template: DbTemplate, databaseUrl: string): Promise<void> {
  if (template.dialect !== 'postgres') throw new Error('a SQLite template does not fit a PostgreSQL database');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sql = template.sql.replace(`CREATE SCHEMA ${SCHEMA_NAME};`, '').replaceAll(SCHEMA_NAME, 'public');
    await client.query(`BEGIN;\nSET LOCAL synchronous_commit = off;\n${sql}\nCOMMIT;`);
  } finally {
    await client.end();
  }
}

export function dropTemplate(template: DbTemplate | undefined): void {
  if (template?.dialect === 'sqlite') rmSync(template.dir, { recursive: true, force: true });
}
