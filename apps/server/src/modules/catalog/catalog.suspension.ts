/**
 * A supplier suspended from sale (after-sales bad faith, set by the disputes module and lifted by an
 * operator): the products on sale go off sale, and lifting puts exactly those back.
 */
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { supplierSuspended } from './catalog.hooks.ts';

/** Whether the supplier is suspended from sale now (false when no module provides the hook). */
export async function isSuspended(db: Executor, deps: Deps, supplierId: string): Promise<boolean> {
  return deps.hooks.has(supplierSuspended) ? deps.hooks.get(supplierSuspended)(db, supplierId) : false;
}

/** Refuses what would put a suspended supplier's goods on sale. */
export async function refuseWhileSuspended(db: Executor, deps: Deps, supplierId: string): Promise<void> {
  if (await isSuspended(db, deps, supplierId)) {
    throw new AppError('FORBIDDEN', 'Your shop is suspended from sale until an operator lifts it');
  }
}

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
