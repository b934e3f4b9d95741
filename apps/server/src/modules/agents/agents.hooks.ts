import type { PriceDecision, PriceTierLike } from '@kameng/contracts';
import type { Deps } from '../../platform/deps.ts';
import { defineHook } from '../../platform/hooks.ts';
import type { AgentSite } from './agents.sites.ts';

/** A product as the price function needs it. */
export interface QuotedProduct {
  id: string;
  supplierId: string;
  categoryId: string;
  priceCents: number;
  priceTiers: readonly PriceTierLike[];
}

/**
 * What `quantities[i]` of `products[i]` cost one buyer (null: a guest) on one site (null: the platform's own),
 * as checkout would charge it; null where the product is not sold there. Prices are decided by orders
 * (orders.pricing.ts `quoteItems`, above agents), which provides this, so an agent's console shows his cost
 * from the one price function without importing orders.
 */
export const quotePrices =
  defineHook<
    (
      deps: Deps,
      party: { buyerId: string | null; site: AgentSite | null },
      products: readonly QuotedProduct[],
      quantities: readonly number[],
    ) => Promise<Array<PriceDecision | null>>
  >('agents.quotePrices');
