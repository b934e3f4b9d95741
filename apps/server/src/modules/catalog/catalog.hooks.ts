import type { Executor } from '../../platform/db/database.ts';
import { defineHook } from '../../platform/hooks.ts';

/** How many keys each of `productIds` has available to sell (products without any are left out). */
export type StockCounts = (db: Executor, productIds: string[]) => Promise<Map<string, number>>;

/**
 * Card-key stock is the number of keys in the vault, a module above catalog: the vault provides this when
 * the runtime is built, so the catalog shows that stock without importing the vault.
 */
export const stockCounts = defineHook<StockCounts>('catalog.stockCounts');
