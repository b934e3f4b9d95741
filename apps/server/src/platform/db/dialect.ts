import { PostgresAdapter, type SelectQueryBuilder, sql } from 'kysely';
import type { Dialect, Executor } from './database.ts';

/**
 * Row locking differs between the dialects: PostgreSQL locks rows; SQLite has one writer at a
 * time (transactions start IMMEDIATE), so the lock clause is omitted there.
 */
export function forUpdate<DB, TB extends keyof DB, O>(
  dialect: Dialect,
  qb: SelectQueryBuilder<DB, TB, O>,
  opts: { skipLocked?: boolean } = {},
): SelectQueryBuilder<DB, TB, O> {
  if (dialect !== 'postgres') return qb;
  const locked = qb.forUpdate();
  return opts.skipLocked ? locked.skipLocked() : locked;
}

/**
 * Serialises transactions that change one thing no single row stands for (a whole list replaced at once):
 * a transaction-scoped advisory lock on PostgreSQL; SQLite's one writer already serialises them.
 */
export async function lockName(db: Executor, dialect: Dialect, name: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(db);
}

/** A unique index as each dialect names it: PostgreSQL by the index's name, SQLite by table.column. */
export interface UniqueIndex {
  name: string;
  table: string;
  columns: string[];
}

/**
 * True when the error is a unique-constraint violation on either dialect; with `on`, only a violation of
 * that index (so a caller maps the one it expects and lets any other surface as the fault it is).
 */
export function isUniqueViolation(err: unknown, on?: UniqueIndex): boolean {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  if (!e) return false;
  if (e.code === '23505') return !on || e.constraint === on.name;
  const m = typeof e.message === 'string' ? /UNIQUE constraint failed: ?([^\n]*)/i.exec(e.message) : null;
  if (!m) return false;
  if (!on) return true;
  const failed = (m[1] ?? '').split(',').map((c) => c.trim());
  const expected = on.columns.map((c) => `${on.table}.${c}`);
  return failed.length === expected.length && expected.every((c) => failed.includes(c));
}

/** The dialect a database or transaction speaks, from its adapter (for functions that are given no `deps`). */
export function dialectOf(db: Executor): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
