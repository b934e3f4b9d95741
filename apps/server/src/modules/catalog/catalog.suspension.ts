/**
 * A supplier suspended from sale (after-sales bad faith, set by the disputes module and lifted by an
 * operator): the products on sale go off sale, and lifting puts exactly those back.
 */
import type { Executor } from '../../platform/db/database.ts';

/** Takes the supplier's products off sale; returns the ids that were on sale, for lifting. */
export async function takeSupplierOffSale(tx: Executor, supplierId: string, now: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('products')
    .select('id')
    .where('supplier_id', '=', supplierId)
    .where('on_sale', '=', 1)
    .execute();
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) {
    await tx.updateTable('products').set({ on_sale: 0, updated_at: now }).where('id', 'in', ids).execute();
  }
  return ids;
}

export async function putBackOnSale(tx: Executor, productIds: string[], now: number): Promise<void> {
  if (productIds.length === 0) return;
  await tx.updateTable('products').set({ on_sale: 1, updated_at: now }).where('id', 'in', productIds).execute();
}
