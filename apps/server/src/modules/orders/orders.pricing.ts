import { type PriceDecision, decidePrice } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { type AgentSite, resolveSite, siteChainFor } from '../agents/agents.service.ts';
import type { SitePrice } from '../catalog/catalog.hooks.ts';
import { getProductsForOrder, type ProductForOrder } from '../catalog/catalog.service.ts';

/** Where and for whom items are priced: the buyer (null: a guest) and the 分站 of the request's Host (null: main). */
export interface PricingContext {
  buyerId: string | null;
  site: AgentSite | null;
}

/**
 * The loader of the one price function: gathers each product's inputs and calls decidePrice. On a 分站 a
 * product the site's agent does not sell is missing from the answer; the chain's agents' markups and the
 * buyer's 密价 there come from agents.siteChainFor. Member levels' terms join here (the levels branch).
 */
export async function quoteItems(
  db: Executor,
  _deps: Pick<Deps, 'config'>,
  ctx: PricingContext,
  products: ReadonlyMap<string, ProductForOrder>,
  quantities: ReadonlyMap<string, number>,
): Promise<Map<string, PriceDecision>> {
  const out = new Map<string, PriceDecision>();
  const list = [...quantities.keys()].flatMap((id) => {
    const p = products.get(id);
    return p ? [p] : [];
  });
  const chains = ctx.site
    ? await siteChainFor(
        db,
        ctx.site.userId,
        list.map((p) => ({ id: p.id, categoryId: p.categoryId })),
        ctx.buyerId,
      )
    : null;
  for (const p of list) {
    const quantity = quantities.get(p.id)!;
    if (!Number.isSafeInteger(quantity) || quantity < 1) continue;
    if (chains) {
      const c = chains.get(p.id);
      if (!c) continue;
      // the buyer's own platform terms do not apply on a 分站; the top agent's terms would (levels)
      out.set(p.id, decidePrice({ product: p, quantity, chain: c.chain, agentUserPriceCents: c.agentUserPriceCents }));
    } else {
      out.set(p.id, decidePrice({ product: p, quantity }));
    }
  }
  return out;
}

/**
 * catalog.sitePrices: on an agent's 分站 (from the Host alone), each listed product's price for this buyer
 * there (and each quantity tier's), the same numbers checkout will charge; null on the platform's site.
 */
export async function sitePricesFor(
  deps: Deps,
  host: string | undefined,
  buyerId: string | null,
  listed: ReadonlyArray<{ id: string; priceTiers: ReadonlyArray<{ minQuantity: number }> }>,
): Promise<Map<string, SitePrice> | null> {
  const site = await resolveSite(deps, host);
  if (!site) return null;
  const products = await getProductsForOrder(deps.readDb, [...new Set(listed.map((l) => l.id))]);
  const ctx = { buyerId, site };
  const one = await quoteItems(deps.readDb, deps, ctx, products, new Map(listed.map((l) => [l.id, 1])));
  const out = new Map<string, SitePrice>();
  for (const l of listed) {
    const q1 = one.get(l.id);
    if (!q1) continue;
    const tiers: SitePrice['priceTiers'] = [];
    for (const t of l.priceTiers) {
      const q = await quoteItems(deps.readDb, deps, ctx, products, new Map([[l.id, t.minQuantity]]));
      const d = q.get(l.id);
      if (d) tiers.push({ minQuantity: t.minQuantity, priceCents: d.unitPriceCents });
    }
    out.set(l.id, { priceCents: q1.unitPriceCents, priceTiers: tiers });
  }
  return out;
}
