import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { shopNamesOf } from '../accounts/accounts.service.ts';
import { getProductsForOrder, unitPriceCents } from '../catalog/catalog.service.ts';
import * as q from './orders.queries.ts';

export async function getCart(deps: Deps, auth: AuthContext) {
  const rows = await q.cartOf(deps.db, auth.userId);
  const products = await getProductsForOrder(
    deps.db,
    rows.map((r) => r.product_id),
  );
  const shops = await shopNamesOf(
    deps.db,
    [...products.values()].map((p) => p.supplierId),
  );
  return {
    items: rows.map((r) => {
      const p = products.get(r.product_id);
      const available = p !== undefined && p.status === 'approved' && p.onSale;
      return {
        productId: r.product_id,
        quantity: r.quantity,
        title: p?.title ?? null,
        supplierId: p?.supplierId ?? null,
        shopName: p ? (shops.get(p.supplierId) ?? null) : null,
        available,
        unitPriceCents: available ? unitPriceCents(p, r.quantity) : null,
      };
    }),
  };
}

export async function setCartQuantity(deps: Deps, auth: AuthContext, productId: string, quantity: number) {
  if (quantity === 0) {
    await q.removeCartItems(deps.db, auth.userId, [productId]);
  } else {
    const p = (await getProductsForOrder(deps.db, [productId])).get(productId);
    if (p?.status !== 'approved' || !p.onSale) throw new AppError('NOT_FOUND', 'That product is not for sale');
    await q.setCartItem(deps.db, auth.userId, productId, quantity, deps.clock.now());
  }
  return getCart(deps, auth);
}
