/**
 * Card-key stock as a counter per product (`key_stock`, 0019): changed by `changeKeyStock` in the
 * transaction of every key status change (import, reservation, release, void, replacement, return to
 * stock), so the catalog's stock (its `stockCounts` hook) is a primary-key read, never a count of keys.
 * A purchase's change goes last with the other hot rows (platform/db/hot-rows.ts). The recount
 * (vault.stock-recount.ts) checks the counters against the keys.
 */
import type { Executor } from '../../platform/db/database.ts';
import { addLast } from '../../platform/db/hot-rows.ts';
import * as q from './vault.queries.ts';

export async function changeKeyStock(tx: Executor, productId: string, delta: number): Promise<void> {
  if (delta === 0) return;
  await addLast(tx, `keystock:${productId}`, delta, (t, d) => ({
    query: q.addKeyStock(t, productId, d),
    // a product whose keys have not changed since 0019 has no counter yet: count it now, in this transaction
    whenNone: (t2) => q.startKeyStock(t2, productId, d),
  }));
}

/** Provided to the catalog as its `stockCounts` hook: the counters, and a count for a product without one. */
export async function availableCounts(db: Executor, productIds: string[]): Promise<Map<string, number>> {
  const counted = await q.keyStocks(db, productIds);
  const missing = productIds.filter((id) => !counted.has(id));
  if (missing.length > 0) for (const [id, n] of await q.availableCounts(db, missing)) counted.set(id, n);
  return counted;
}
