/**
 * Unrevealed keys returned by their buyer (no case needed): they leave the order at once and wait, void,
 * until the supplier puts them back in stock or discards them.
 */
import type { Executor } from '../../platform/db/database.ts';
import { countInStock } from './vault.allocation.ts';
import { perProduct } from './vault.queries.ts';

/** An order's sold keys its buyer has never been shown, oldest first. */
export async function unrevealedKeysOf(db: Executor, orderId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('card_keys as k')
    .leftJoin('card_key_reveals as r', 'r.key_id', 'k.id')
    .select('k.id')
    .where('k.order_id', '=', orderId)
    .where('k.status', '=', 'sold')
    .where('r.key_id', 'is', null)
    .orderBy('k.id')
    .execute();
  return rows.map((r) => r.id);
}

/** Takes `keyIds` back from the order: void until the supplier decides; all or nothing. */
export async function takeBackKeys(tx: Executor, orderId: string, keyIds: string[]): Promise<void> {
  const r = await tx
    .updateTable('card_keys')
    .set({ status: 'void' })
    .where('id', 'in', keyIds)
    .where('order_id', '=', orderId)
    .where('status', '=', 'sold')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== keyIds.length)
    throw new Error(`order ${orderId}: keys to take back are not all sold to it`);
}

/** The supplier puts returned keys back in stock (and in the products' stock counters). */
export async function restockKeys(tx: Executor, orderId: string, keyIds: string[]): Promise<number> {
  if (keyIds.length === 0) return 0;
  const rows = await tx
    .updateTable('card_keys')
    .set({ status: 'available', order_id: null, reserved_at: null, sold_at: null })
    .where('id', 'in', keyIds)
    .where('order_id', '=', orderId)
    .where('status', '=', 'void')
    .returning('product_id')
    .execute();
  return countInStock(tx, perProduct(rows), +1);
}

/** The product each of `keyIds` belongs to. */
export async function productsOfKeys(db: Executor, keyIds: string[]): Promise<Map<string, string>> {
  if (keyIds.length === 0) return new Map();
  const rows = await db.selectFrom('card_keys').select(['id', 'product_id']).where('id', 'in', keyIds).execute();
  return new Map(rows.map((r) => [r.id, r.product_id]));
}
