/** An order's hold on what it sells: card keys reserved in the vault, or counted stock for the others. */
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { type ProductForOrder, returnManualStock, takeManualStock } from '../catalog/catalog.service.ts';
import { releaseKeys, reserveKeys } from '../vault/vault.service.ts';
import type * as q from './orders.queries.ts';

export async function reserveItems(
  tx: Executor,
  deps: Deps,
  orderId: string,
  items: q.OrderItemRow[],
  products?: Map<string, ProductForOrder>,
): Promise<boolean> {
  for (const it of items) {
    if (it.delivery_mode === 'auto') {
      const r = await reserveKeys(tx, deps, {
        productId: it.product_id,
        orderId,
        quantity: it.quantity,
        ...(products ? { lowStockThreshold: products.get(it.product_id)?.lowStockThreshold ?? null } : {}),
      });
      if (!r.ok) return false;
    } else if (!(await takeManualStock(tx, it.product_id, it.quantity))) {
      return false;
    }
  }
  return true;
}

export async function releaseItems(tx: Executor, deps: Deps, orderId: string, items: q.OrderItemRow[]): Promise<void> {
  await releaseKeys(tx, deps, orderId);
  for (const it of items) if (it.delivery_mode !== 'auto') await returnManualStock(tx, it.product_id, it.quantity);
}
