/**
 * Prices, from the database, for one buyer on one site: the loader that gathers what the one price function
 * (`decidePrice`, contracts/pricing.ts) takes — the product's list and tier prices, the buyer's terms from
 * his member level and his supplier's grants (members) — and asks it. Checkout (priceItems), the cart and
 * the catalog's product pages (the `buyerPrices` hook) all price through `quoteItems`, so a buyer sees
 * before he orders exactly what the order will charge. Nothing here reads a price from a client.
 */
import { bpsOf, decidePrice, type PriceDecision } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { PricedListing, PriceViewer } from '../catalog/catalog.service.ts';
import { commissionRateBps } from '../ledger/ledger.service.ts';
import { buyerTerms, supplierFeeDiscountBps } from '../members/members.service.ts';

/** Who is priced: the buyer (null: a guest) and the site he buys on (null: the platform's own site). */
export interface PricingParty {
  buyerId: string | null;
  site: string | null;
}

export type PricedProduct = Pick<PricedListing, 'id' | 'supplierId' | 'categoryId' | 'priceCents' | 'priceTiers'>;

/**
 * One decision per product, for `quantities[i]` of `products[i]`. On the platform's own site a registered
 * buyer's terms (level price, level discount, 密价) give the lowest price; a guest pays list or tier prices.
 */
export async function quoteItems(
  db: Executor,
  _deps: Pick<Deps, 'clock'>,
  party: PricingParty,
  products: readonly PricedProduct[],
  quantities: readonly number[],
): Promise<PriceDecision[]> {
  const terms = party.buyerId ? await buyerTerms(db, party.buyerId, products) : new Map();
  return products.map((p, i) =>
    decidePrice({
      product: { priceCents: p.priceCents, priceTiers: p.priceTiers },
      quantity: quantities[i]!,
      terms: terms.get(p.id),
    }),
  );
}

/**
 * The platform's commission rate on a supplier's sale: his or the category's or the platform's rate
 * (ledger), less his member level's fee discount (a fraction of the rate, `feeDiscountBps`).
 */
export async function commissionBpsFor(db: Executor, supplierId: string, categoryIds: string[]): Promise<number> {
  const rate = await commissionRateBps(db, { supplierId, categoryIds });
  const discount = await supplierFeeDiscountBps(db, supplierId);
  return rate - bpsOf(rate, discount);
}

/** The catalog's `buyerPrices` hook: each listed product's price for this viewer at its minimum quantity. */
export async function listingPrices(
  deps: Deps,
  viewer: PriceViewer,
  products: readonly PricedListing[],
): Promise<Map<string, { priceCents: number; rule: string }>> {
  const decisions = await quoteItems(
    deps.readDb,
    deps,
    { buyerId: viewer.buyerId, site: null },
    products,
    products.map((p) => Math.max(1, p.minPerOrder)),
  );
  return new Map(
    products.map((p, i) => [p.id, { priceCents: decisions[i]!.unitPriceCents, rule: decisions[i]!.rule }]),
  );
}
