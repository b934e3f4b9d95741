import { type Kysely, type OperationNodeSource, sql, type Transaction } from 'kysely';
import type { Executor } from './database.ts';
import { dialectOf } from './dialect.ts';
import type { DB } from './schema.ts';

/**
 * What a counter's addition runs: one statement RETURNING a row per row it changed, and what to do when it
 * changed none (make the row, or refuse: it cannot happen).
 */
export interface TailStatement {
  query: OperationNodeSource & { execute(): Promise<unknown[]> };
  whenNone?: ((tx: Executor) => Promise<void>) | undefined;
}
type Build = (tx: Executor, delta: number) => TailStatement;
type BuildColumns = (tx: Executor, deltas: Readonly<Record<string, number>>) => TailStatement;
type Tail = Map<string, { deltas: Record<string, number>; build: BuildColumns }>;

const tails = new WeakMap<Executor, Tail>();

/**
 * Runs the statements in order, each to completion before the next (the lock order). PostgreSQL takes
 * them as one round trip: data-modifying CTEs, each read whole by its own count in the select list, which
 * PostgreSQL evaluates left to right; SQLite runs in-process, so it runs them one by one.
 */
async function runInOrder(tx: Executor, statements: TailStatement[]): Promise<void> {
  let changed: number[];
  if (statements.length > 1 && dialectOf(tx) === 'postgres') {
    const ctes = statements.map((s, i) => sql`${sql.raw(`t${i}`)} as (${s.query})`);
    const counts = statements.map((_, i) => sql.raw(`(select count(*) from t${i}) as n${i}`));
    const r = await sql<Record<string, string | number>>`with ${sql.join(ctes)} select ${sql.join(counts)}`.execute(tx);
    const row = r.rows[0] ?? {};
    changed = statements.map((_, i) => Number(row[`n${i}`] ?? 0));
  } else {
    changed = [];
    for (const s of statements) changed.push((await s.query.execute()).length);
  }
  for (const [i, s] of statements.entries()) if (changed[i] === 0 && s.whenNone) await s.whenNone(tx);
}

/**
 * A transaction that changes rows many transactions change at once (the platform's commission account,
 * a supplier's escrow, a product's sales count) last, just before COMMIT. On PostgreSQL a row lock is
 * held from the update until the commit, so every statement after it is time no other buyer can pay; run
 * last, the hot updates hold their locks for one round trip (one statement, see `runInOrder`). They run in
 * key order, so two such transactions always lock the same rows in the same order and cannot deadlock.
 *
 * Only additions that cannot fail go in the tail (see `addLast`): what the transaction decides never
 * depends on them, so running them later changes nothing but how long the locks are held.
 */
export function transactionWithHotRowsLast<T>(db: Kysely<DB>, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    const tail: Tail = new Map();
    tails.set(tx, tail);
    try {
      const result = await fn(tx);
      const statements: TailStatement[] = [];
      for (const key of [...tail.keys()].sort()) {
        const { deltas, build } = tail.get(key)!;
        if (Object.values(deltas).some((d) => d !== 0)) statements.push(build(tx, deltas));
      }
      await runInOrder(tx, statements);
      return result;
    } finally {
      tails.delete(tx);
    }
  });
}

/** True inside a transaction opened by `transactionWithHotRowsLast`. */
export function runsHotRowsLast(tx: Executor): boolean {
  return tails.has(tx);
}

/**
 * Adds `delta` to the counter named `key` with the statement `build` makes: at the end of the transaction
 * when it was opened by `transactionWithHotRowsLast` (several additions to one key become one update),
 * otherwise at once.
 * For additions that cannot be refused (a credit, a count going up); a guarded change stays inline. At the
 * end, the tail's statements run in key order, as one round trip on PostgreSQL.
 */
export async function addLast(tx: Executor, key: string, delta: number, build: Build): Promise<void> {
  return addToRowLast(tx, key, { n: delta }, (t, d) => build(t, d.n ?? 0));
}

/**
 * `addLast` for a row with several counters: additions to any of its columns under one `key` become one
 * update (a purchase's stock change and sales count are one statement). Every caller of a key passes the
 * same `build`, which gets every column's total (0 for one nobody added to is left out).
 */
export async function addToRowLast(
  tx: Executor,
  key: string,
  deltas: Readonly<Record<string, number>>,
  build: BuildColumns,
): Promise<void> {
  const tail = tails.get(tx);
  if (!tail) return runInOrder(tx, [build(tx, deltas)]);
  const entry = tail.get(key);
  if (!entry) {
    tail.set(key, { deltas: { ...deltas }, build });
    return;
  }
  for (const [column, d] of Object.entries(deltas)) entry.deltas[column] = (entry.deltas[column] ?? 0) + d;
}
