import type { Deps } from '../../platform/deps.ts';
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

/** A product's prices as one site shows them to one buyer: the unit price and each quantity tier's. */
export interface SitePrice {
  priceCents: number;
  priceTiers: Array<{ minQuantity: number; priceCents: number }>;
}

/**
 * On an agent's 分站 (the request's Host; agents and orders, above catalog, decide): the prices of listed
 * products for this buyer there; a product missing from the map is not sold on that site. null: the
 * platform's own site, whose cached pages answer as they are. Optional: without a provider, no 分站.
 */
export const sitePrices = defineHook<
  (
    deps: Deps,
    host: string | undefined,
    buyerId: string | null,
    products: ReadonlyArray<{ id: string; priceTiers: ReadonlyArray<{ minQuantity: number }> }>,
  ) => Promise<Map<string, SitePrice> | null>
>('catalog.sitePrices', { required: false });
