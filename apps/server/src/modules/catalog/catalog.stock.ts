/** Stock as buyers see it, counted stock taken and returned by orders, and the sales count. */
import type { Executor } from '../../platform/db/database.ts';
import { addLast } from '../../platform/db/hot-rows.ts';
import type { Deps } from '../../platform/deps.ts';
import { cached, invalidateCatalogProducts } from './catalog.cache.ts';
import { stockCounts } from './catalog.hooks.ts';
import * as q from './catalog.queries.ts';

/** Takes counted stock of a manual or direct product in the caller's transaction; uncounted stock always succeeds. */
export async function takeManualStock(tx: Executor, productId: string, quantity: number): Promise<boolean> {
  return q.takeStock(tx, productId, quantity);
}

export async function returnManualStock(tx: Executor, productId: string, quantity: number): Promise<void> {
  await q.returnStock(tx, productId, quantity);
}

/**
 * Counts a sale (the "sales" sort). The product's pages and the listings sorted by sales are dropped at once;
 * a read before the caller commits lasts one TTL at most.
 */
export async function recordSale(tx: Executor, deps: Deps, productId: string, quantity: number): Promise<void> {
  // every sale of a product touches its row: the count goes up last (see hot-rows.ts)
  await addLast(tx, `sales:${productId}`, quantity, (t, n) => ({ query: q.addSales(t, productId, n) }));
  await invalidateCatalogProducts(deps, [productId], { sold: true });
}

/** Stock as buyers see it: keys in the vault for card-key goods (counted by `countKeys`), the counter for the rest (null = not counted). */
async function stockWith(
  rows: q.ProductRow[],
  countKeys: (productIds: string[]) => Promise<Map<string, number>>,
): Promise<Map<string, number | null>> {
  const autoIds = rows.filter((r) => r.delivery_mode === 'auto').map((r) => r.id);
  const keys = autoIds.length > 0 ? await countKeys(autoIds) : new Map<string, number>();
  return new Map(rows.map((r) => [r.id, r.delivery_mode === 'auto' ? (keys.get(r.id) ?? 0) : r.stock]));
}

/** Stock read through `db` (the primary, or the caller's transaction). */
export function stockOf(deps: Deps, db: Executor, rows: q.ProductRow[]): Promise<Map<string, number | null>> {
  const countKeys = deps.hooks.get(stockCounts);
  return stockWith(rows, (ids) => countKeys(db, ids));
}

/**
 * Stock on public pages: each card-key product's count is cached on its own and dropped with that
 * product's pages, so refilling the pages after a sale counts the sold product's keys once, not once per
 * page and not the keys of every product on a listing (a COUNT over a product's keys grows with its keys).
 */
export function publicStockOf(deps: Deps, rows: q.ProductRow[]): Promise<Map<string, number | null>> {
  const countKeys = deps.hooks.get(stockCounts);
  const count = (id: string) =>
    cached(deps, `stock:${id}`, async () => (await countKeys(deps.readDb, [id])).get(id) ?? 0, {
      products: [id],
    });
  return stockWith(
    rows,
    async (ids) => new Map(await Promise.all(ids.map(async (id) => [id, await count(id)] as const))),
  );
}
