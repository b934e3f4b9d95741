/**
 * An agent's own cost of each product: what he pays per unit, at the product's minimum quantity. For the top
 * agent (directly under the platform) that is the platform's price for him (his member level, his suppliers'
 * 密价); for a sub-agent it is his parent's price to him — his parent's 分站 price for a guest, which is the
 * chain's cost at his link. Both come from the one price function through the `quotePrices` hook.
 */
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { getProductsForOrder } from '../catalog/catalog.service.ts';
import { myAgent } from './agents.console.ts';
import { quotePrices } from './agents.hooks.ts';
import * as q from './agents.queries.ts';
import { toSite } from './agents.sites.ts';

/**
 * One row per approved product asked for, in the order asked (others are left out): costCents null where his parent does not
 * sell it, so neither can he.
 */
export async function myCosts(deps: Deps, auth: AuthContext, productIds: readonly string[]) {
  const agent = await myAgent(deps.db, auth);
  const found = await getProductsForOrder(deps.db, [...productIds]);
  // in the order asked, each once
  const products = [...new Set(productIds)].flatMap((id) => {
    const p = found.get(id);
    return p?.status === 'approved' ? [p] : [];
  });
  if (products.length === 0) return { items: [] };
  const parent = agent.parent_user_id ? await q.agentOfUser(deps.db, agent.parent_user_id) : undefined;
  // a parent no longer approved breaks the chain: nothing on this 分站 sells until an operator mends it
  if (parent && parent.status !== 'approved') {
    return { items: products.map((p) => ({ productId: p.id, costCents: null })) };
  }
  const party = parent ? { buyerId: null, site: toSite(parent) } : { buyerId: agent.user_id, site: null };
  const decisions = await deps.hooks.get(quotePrices)(
    deps,
    party,
    products,
    products.map((p) => Math.max(1, p.minPerOrder)),
  );
  return {
    items: products.map((p, i) => ({ productId: p.id, costCents: decisions[i]?.unitPriceCents ?? null })),
  };
}
