import { type SelectQueryBuilder, sql } from 'kysely';
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

/** True when the error is a unique-constraint violation on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errcode?: number; message?: string } | null;
  if (!e) return false;
  if (e.code === '23505') return true;
  return typeof e.message === 'string' && /UNIQUE constraint failed/i.test(e.message);
}
