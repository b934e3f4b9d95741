import { decrypt } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { changeKeyStock } from './vault.stock.ts';
import { batchKeys } from './vault.data-keys.ts';
import { noteFirstReveal } from './vault.key-history.ts';
import { checkLowStock } from './vault.low-stock.ts';
import * as q from './vault.queries.ts';

// ─── allocation (called by orders inside its transaction) ───

export async function reserveKeys(
  tx: Executor,
  deps: Deps,
  r: { productId: string; orderId: string; quantity: number; lowStockThreshold?: number | null },
): Promise<{ ok: true; keyIds: string[] } | { ok: false; available: number }> {
  const ids = await q.reserveAvailable(tx, deps.dialect, r.productId, r.quantity, r.orderId, deps.clock.now());
  if (ids.length < r.quantity) {
    // too few: the caller refuses the order (or refunds a late payment in this transaction), so none is kept
    await q.unreserve(tx, ids, r.orderId);
    return { ok: false, available: ids.length };
  }
  await changeKeyStock(tx, r.productId, -ids.length);
  await checkLowStock(tx, deps, r.productId, r.lowStockThreshold);
  return { ok: true, keyIds: ids };
}

export async function releaseKeys(tx: Executor, _deps: Deps, orderId: string): Promise<number> {
  return countInStock(tx, await q.release(tx, orderId), +1);
}

/**
 * Moves the products' stock counters by the keys that just became available (+1) or stopped being (-1), in
 * the caller's transaction; returns how many keys in all.
 */
export async function countInStock(
  tx: Executor,
  byProduct: ReadonlyMap<string, number>,
  sign: 1 | -1,
): Promise<number> {
  let n = 0;
  for (const [productId, k] of [...byProduct].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await changeKeyStock(tx, productId, sign * k);
    n += k;
  }
  return n;
}

export async function markKeysSold(tx: Executor, deps: Deps, orderId: string): Promise<number> {
  return q.markSold(tx, orderId, deps.clock.now());
}

/** Decrypts an order's delivered keys. The caller has already checked that the reader owns the order. */
export async function revealKeysForOrder(db: Executor, deps: Deps, orderId: string): Promise<string[]> {
  const rows = await q.soldForOrder(db, orderId);
  if (rows.length === 0) return [];
  await noteFirstReveal(
    db,
    deps,
    orderId,
    rows.map((r) => r.id),
  );
  const deks = await batchKeys(
    db,
    deps,
    rows.map((r) => r.batch_id),
  );
  return rows.map((r) => {
    const dek = deks.get(r.batch_id);
    if (!dek) throw new Error(`batch ${r.batch_id} missing`);
    return decrypt(dek, r.secret_enc, r.id).toString('utf8');
  });
}
