import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
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

/** A listing as it will be after a create, an edit or a return to sale, for the checks of a higher module. */
export interface ListingDraft {
  supplierId: string;
  categoryId: string;
  /** the category and its ancestors, the category itself first */
  categoryPath: string[];
  title: string;
  /** the description as plain text */
  text: string;
}

/**
 * Compliance's say on a listing (banned goods, a qualification the category requires): the provider throws
 * an AppError to refuse. Optional: without a provider every listing passes.
 */
export const listingCheck = defineHook<(db: Executor, deps: Deps, listing: ListingDraft) => Promise<void>>(
  'catalog.listingCheck',
  { required: false },
);

/** Who looks at the catalog: the signed-in buyer (null: a visitor) and the site he came by (its `Host`). */
export interface PriceViewer {
  buyerId: string | null;
  host?: string | undefined;
}

export interface PricedListing {
  id: string;
  supplierId: string;
  categoryId: string;
  priceCents: number;
  priceTiers: ReadonlyArray<{ minQuantity: number; priceCents: number }>;
  minPerOrder: number;
}

/** What one viewer pays for listed products on the site he came by (the `buyerPrices` hook's answer). */
export interface ViewerPrices {
  /** true on an agent's 分站: a product missing from `prices` is not sold there */
  site: boolean;
  /** each product's unit price at its minimum quantity, the rule that gave it, and each quantity tier's price */
  prices: Map<
    string,
    { priceCents: number; rule: string; priceTiers: Array<{ minQuantity: number; priceCents: number }> }
  >;
}

/**
 * The prices listed products have for this viewer on this site (its Host: the platform's or an agent's 分站).
 * Prices are decided by orders (orders.pricing.ts, above catalog), which provides this; on the platform's
 * site a product missing from the answer has its list price. null: list prices for everyone (a visitor on
 * the platform's own site), so the shared cached page answers. Optional: without a provider, list prices.
 */
export const buyerPrices = defineHook<
  (deps: Deps, viewer: PriceViewer, products: readonly PricedListing[]) => Promise<ViewerPrices | null>
>('catalog.buyerPrices', { required: false });
