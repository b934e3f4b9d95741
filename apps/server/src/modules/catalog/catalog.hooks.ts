import type { Executor } from '../../platform/db/database.ts';
import { defineHook } from '../../platform/hooks.ts';

/** How many keys each of `productIds` has available to sell (products without any are left out). */
export type StockCounts = (db: Executor, productIds: string[]) => Promise<Map<string, number>>;

/**
 * Card-key stock is the number of keys in the vault, a module above catalog: the vault provides this when
 * the runtime is built, so the catalog shows that stock without importing the vault.
 */
export const stockCounts = defineHook<StockCounts>('catalog.stockCounts');

/**
 * True while a supplier is suspended from sale (after-sales bad faith, a module above catalog decides):
 * he can neither put a product back on sale nor create one, and checkout sells none of his products.
 * Optional: without a provider nobody is suspended.
 */
export const supplierSuspended = defineHook<(db: Executor, supplierId: string) => Promise<boolean>>(
  'catalog.supplierSuspended',
  { required: false },
);
