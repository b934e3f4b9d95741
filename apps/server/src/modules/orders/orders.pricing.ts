/**
 * Prices, from the database, for one buyer on one site: the loader that gathers what the one price function
 * (`decidePrice`, contracts/pricing.ts) takes — the product's list and tier prices, the buyer's terms from
 * his member level and his supplier's grants (members), and on an agent's 分站 the chain of agents with
 * their markups and the site agent's 密价 (agents) — and asks it. Checkout (priceItems), the cart and the
 * catalog's pages (the `buyerPrices` hook) all price through `quoteItems`, so a buyer sees before he orders
 * exactly what the order will charge. Nothing here reads a price from a client.
 */
import { bpsOf, decidePrice, type PriceDecision } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { type AgentSite, resolveSite, siteChainFor } from '../agents/agents.service.ts';
import type { PricedListing, PriceViewer, ViewerPrices } from '../catalog/catalog.service.ts';
import { commissionRateBps } from '../ledger/ledger.service.ts';
import { buyerTerms } from '../members/members.service.ts';
import { supplierFeeDiscountBps } from '../members/members.service.ts';

/** Who is priced: the buyer (null: a guest) and the 分站 he buys on (null: the platform's own site). */
export interface PricingParty {
  buyerId: string | null;
  site: AgentSite | null;
}

export type PricedProduct = Pick<PricedListing, 'id' | 'supplierId' | 'categoryId' | 'priceCents' | 'priceTiers'>;

/**
 * One decision per product, for `quantities[i]` of `products[i]`; null where the product is not sold on the
 * party's 分站. On the platform's own site a registered buyer's terms (level price, level discount, 密价) give
 * the lowest price; a guest pays list or tier prices. On a 分站 the top agent's platform terms price what the
 * chain pays, each agent adds his markup, and the site's agent may grant the buyer a 密价 (never below cost).
 */
export async function quoteItems(
  db: Executor,
  _deps: Pick<Deps, 'clock'>,
  party: PricingParty,
  products: readonly PricedProduct[],
  quantities: readonly number[],
): Promise<Array<PriceDecision | null>> {
  if (!party.site) {
    const terms = party.buyerId ? await buyerTerms(db, party.buyerId, products) : new Map();
    return products.map((p, i) =>
      decidePrice({
        product: { priceCents: p.priceCents, priceTiers: p.priceTiers },
        quantity: quantities[i]!,
        terms: terms.get(p.id),
      }),
    );
  }
  const chains = await siteChainFor(db, party.site.userId, products, party.buyerId, party.site);
  const top = chains.values().next().value?.topAgentId;
  // the chain pays the platform what its top agent would pay for himself (his level, his suppliers' 密价)
  const terms = top ? await buyerTerms(db, top, products) : new Map();
  return products.map((p, i) => {
    const c = chains.get(p.id);
    if (!c) return null;
    return decidePrice({
      product: { priceCents: p.priceCents, priceTiers: p.priceTiers },
      quantity: quantities[i]!,
      terms: terms.get(p.id),
      chain: c.chain,
      agentUserPriceCents: c.agentUserPriceCents,
    });
  });
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

/**
 * The catalog's `buyerPrices` hook: each listed product's price for this viewer at its minimum quantity and
 * at each quantity tier, on the site of the request's Host. null for a visitor on the platform's own site:
 * list prices, the shared cached page.
 */
export async function listingPrices(
  deps: Deps,
  viewer: PriceViewer,
  products: readonly PricedListing[],
): Promise<ViewerPrices | null> {
  const site = await resolveSite(deps, viewer.host);
  if (!site && viewer.buyerId === null) return null;
  // one quote per product at its minimum quantity, then one per tier, all in one call
  const asked = products.flatMap((p) => [
    { p, quantity: Math.max(1, p.minPerOrder) },
    ...p.priceTiers.map((t) => ({ p, quantity: t.minQuantity })),
  ]);
  const decisions = await quoteItems(
    deps.readDb,
    deps,
    { buyerId: viewer.buyerId, site },
    asked.map((a) => a.p),
    asked.map((a) => a.quantity),
  );
  const prices: ViewerPrices['prices'] = new Map();
  let at = 0;
  for (const p of products) {
    const first = decisions[at];
    const tiers = p.priceTiers.map((t, i) => ({
      minQuantity: t.minQuantity,
      priceCents: decisions[at + 1 + i]?.unitPriceCents ?? t.priceCents,
    }));
    at += 1 + p.priceTiers.length;
    if (first) prices.set(p.id, { priceCents: first.unitPriceCents, rule: first.rule, priceTiers: tiers });
  }
  return { site: site !== null, prices };
}
