import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { getProductsForOrder, invalidateCatalogProducts, type ProductForOrder } from '../catalog/catalog.service.ts';
import { createNotice } from '../notify/notify.service.ts';
import * as q from './vault.queries.ts';

/**
 * Tells the supplier once when a product's available keys fall to its low-stock threshold: an in-site
 * notice, and an email when one is on file. The alert re-arms when a restock lifts the product above it.
 * Costs one bounded index read per order, and only for products that set a threshold.
 */
export async function checkLowStock(
  tx: Executor,
  deps: Deps,
  productId: string,
  threshold: number | null | undefined,
): Promise<void> {
  let limit = threshold;
  let product: ProductForOrder | undefined;
  if (limit === undefined) {
    product = (await getProductsForOrder(tx, [productId])).get(productId);
    limit = product?.lowStockThreshold ?? null;
  }
  if (limit === null || limit === undefined) return;
  const available = await q.availableUpTo(tx, productId, limit + 1);
  if (available > limit) return;
  const alert = await q.findAlert(tx, productId);
  if (alert?.alerted_at != null) return;
  product ??= (await getProductsForOrder(tx, [productId])).get(productId);
  if (!product) return;
  const now = deps.clock.now();
  if (
    !(await q.claimAlert(tx, {
      product_id: productId,
      supplier_id: product.supplierId,
      armed_at: now,
      alerted_at: now,
    }))
  )
    return;
  await createNotice(tx, deps, {
    userId: product.supplierId,
    kind: 'low_stock',
    title: `库存不足：${product.title} / Low stock: ${product.title}`,
    body: `商品「${product.title}」仅剩 ${available} 张卡密（预警值 ${limit}），请及时补货。\nOnly ${available} card keys left for "${product.title}" (threshold ${limit}): import more to keep selling.`,
    link: `/supplier/products/${productId}/keys`,
    email: true,
  });
}

/** After keys arrive: the listing shows the new stock, and a product back above its threshold re-arms. */
export async function afterRestock(deps: Deps, product: ProductForOrder): Promise<void> {
  await invalidateCatalogProducts(deps, [product.id]);
  if (product.lowStockThreshold === null) return;
  const available = await q.availableUpTo(deps.db, product.id, product.lowStockThreshold + 1);
  if (available > product.lowStockThreshold) await q.rearm(deps.db, product.id, deps.clock.now());
}
