import type { Kysely, Transaction } from 'kysely';
import type { Executor } from './database.ts';
import type { DB } from './schema.ts';

type Apply = (tx: Executor, delta: number) => Promise<void>;
type ApplyColumns = (tx: Executor, deltas: Readonly<Record<string, number>>) => Promise<void>;
type Tail = Map<string, { deltas: Record<string, number>; apply: ApplyColumns }>;

const tails = new WeakMap<Executor, Tail>();

/**
 * A transaction that changes rows many transactions change at once (the platform's commission account,
 * a supplier's escrow, a product's sales count) last, just before COMMIT. On PostgreSQL a row lock is
 * held from the update until the commit, so every statement after it is time no other buyer can pay; run
 * last, the hot updates hold their locks for a round trip or two. They run in key order, so two such
 * transactions always lock the same rows in the same order and cannot deadlock.
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
      for (const key of [...tail.keys()].sort()) {
        const { deltas, apply } = tail.get(key)!;
        if (Object.values(deltas).some((d) => d !== 0)) await apply(tx, deltas);
      }
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
 * Adds `delta` to the counter named `key` with `apply`: at the end of the transaction when it was opened
 * by `transactionWithHotRowsLast` (several additions to one key become one update), otherwise at once.
 * For additions that cannot be refused (a credit, a count going up); a guarded change stays inline.
 */
export async function addLast(tx: Executor, key: string, delta: number, apply: Apply): Promise<void> {
  return addToRowLast(tx, key, { n: delta }, (t, d) => apply(t, d.n ?? 0));
}

/**
 * `addLast` for a row with several counters: additions to any of its columns under one `key` become one
 * update (a purchase's stock change and sales count are one statement). Every caller of a key passes the
 * same `apply`, which gets every column's total (0 for one nobody added to is left out).
 */
export async function addToRowLast(
  tx: Executor,
  key: string,
  deltas: Readonly<Record<string, number>>,
  apply: ApplyColumns,
): Promise<void> {
  const tail = tails.get(tx);
  if (!tail) return apply(tx, deltas);
  const entry = tail.get(key);
  if (!entry) {
    tail.set(key, { deltas: { ...deltas }, apply });
    return;
  }
  for (const [column, d] of Object.entries(deltas)) entry.deltas[column] = (entry.deltas[column] ?? 0) + d;
}
