import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { shopNamesOf } from '../accounts/accounts.service.ts';
import type { AgentSite } from '../agents/agents.service.ts';
import { getProductsForOrder } from '../catalog/catalog.service.ts';
import { quoteItems } from './orders.pricing.ts';
import * as q from './orders.queries.ts';

/**
 * The cart, priced as checkout on this site will charge: on an agent's 分站 (`site`, from the Host) his
 * prices, and a product he does not sell shows as unavailable there.
 */
export async function getCart(deps: Deps, auth: AuthContext, site: AgentSite | null = null) {
  const rows = await q.cartOf(deps.db, auth.userId);
  const products = await getProductsForOrder(
    deps.db,
    rows.map((r) => r.product_id),
  );
  const shops = await shopNamesOf(
    deps.db,
    [...products.values()].map((p) => p.supplierId),
  );
  // the prices the checkout will charge this buyer (orders.pricing.ts)
  const sellable = rows.flatMap((r) => {
    const p = products.get(r.product_id);
    return p !== undefined && p.status === 'approved' && p.onSale ? [{ p, quantity: r.quantity }] : [];
  });
  const quotes = await quoteItems(
    deps.db,
    deps,
    { buyerId: auth.userId, site },
    sellable.map((s) => s.p),
    sellable.map((s) => s.quantity),
  );
  const priced = new Map(sellable.flatMap((s, i) => (quotes[i] ? [[s.p.id, quotes[i]] as const] : [])));
  return {
    items: rows.map((r) => {
      const p = products.get(r.product_id);
      const available = p !== undefined && p.status === 'approved' && p.onSale && priced.has(r.product_id);
      return {
        productId: r.product_id,
        quantity: r.quantity,
        title: p?.title ?? null,
        supplierId: p?.supplierId ?? null,
        shopName: p ? (shops.get(p.supplierId) ?? null) : null,
        available,
        unitPriceCents: priced.get(r.product_id)?.unitPriceCents ?? null,
        priceRule: priced.get(r.product_id)?.rule ?? null,
      };
    }),
  };
}

export async function setCartQuantity(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  quantity: number,
  site: AgentSite | null = null,
) {
  if (quantity === 0) {
    await q.removeCartItems(deps.db, auth.userId, [productId]);
  } else {
    const p = (await getProductsForOrder(deps.db, [productId])).get(productId);
    if (p?.status !== 'approved' || !p.onSale) throw new AppError('NOT_FOUND', 'That product is not for sale');
    await q.setCartItem(deps.db, auth.userId, productId, quantity, deps.clock.now());
  }
  return getCart(deps, auth, site);
}
