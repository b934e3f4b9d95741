/**
 * After-sales: an order's delivered keys as the buyer sees them, and replacing some of them with fresh keys
 * from the same product's stock (a dispute answered or ruled "replace"), in the caller's transaction.
 */
import type { Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import { changeKeyStock } from './vault.stock.ts';
import { checkLowStock } from './vault.low-stock.ts';

export interface SoldKey {
  id: string;
  productId: string;
}

/** An order's delivered keys in the order the order page lists them (revealKeysForOrder's order). */
export async function soldKeysOf(db: Executor, orderId: string): Promise<SoldKey[]> {
  const rows = await db
    .selectFrom('card_keys')
    .select(['id', 'product_id'])
    .where('order_id', '=', orderId)
    .where('status', '=', 'sold')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, productId: r.product_id }));
}

/**
 * Voids `keyIds` (sold on `orderId`) and sells as many available keys of `productId` to the order instead,
 * all or nothing. The voided keys keep their order id, so their history stays with the order.
 */
export async function replaceSoldKeys(
  tx: Executor,
  deps: Deps,
  r: { orderId: string; productId: string; keyIds: string[] },
): Promise<{ ok: true; keyIds: string[] } | { ok: false; available: number }> {
  const n = r.keyIds.length;
  if (n === 0) return { ok: true, keyIds: [] };
  const fresh = await forUpdate(
    deps.dialect,
    tx
      .selectFrom('card_keys')
      .select('id')
      .where('product_id', '=', r.productId)
      .where('status', '=', 'available')
      .orderBy('id')
      .limit(n),
    { skipLocked: true },
  ).execute();
  if (fresh.length < n) return { ok: false, available: fresh.length };
  const voided = await tx
    .updateTable('card_keys')
    .set({ status: 'void' })
    .where('id', 'in', r.keyIds)
    .where('order_id', '=', r.orderId)
    .where('status', '=', 'sold')
    .executeTakeFirst();
  if (Number(voided.numUpdatedRows) !== n)
    throw new Error(`order ${r.orderId}: keys to replace are not all sold to it`);
  const now = deps.clock.now();
  const ids = fresh.map((k) => k.id);
  const sold = await tx
    .updateTable('card_keys')
    .set({ status: 'sold', order_id: r.orderId, reserved_at: now, sold_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'available')
    .executeTakeFirst();
  if (Number(sold.numUpdatedRows) !== n) throw new Error('replacement keys changed under a lock');
  await changeKeyStock(tx, r.productId, -n);
  await checkLowStock(tx, deps, r.productId, undefined);
  return { ok: true, keyIds: ids };
}
