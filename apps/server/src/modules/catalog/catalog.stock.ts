/** Stock as buyers see it, counted stock taken and returned by orders, card-key stock, and the sales count. */
import type { Executor } from '../../platform/db/database.ts';
import { addToRowLast } from '../../platform/db/hot-rows.ts';
import type { Deps } from '../../platform/deps.ts';
import { invalidateCatalogProducts } from './catalog.cache.ts';
import * as q from './catalog.queries.ts';

/** Takes counted stock of a manual or direct product in the caller's transaction; uncounted stock always succeeds. */
export async function takeManualStock(tx: Executor, productId: string, quantity: number): Promise<boolean> {
  return q.takeStock(tx, productId, quantity);
}

export async function returnManualStock(tx: Executor, productId: string, quantity: number): Promise<void> {
  await q.returnStock(tx, productId, quantity);
}

/**
 * Every purchase touches its product's row (its sales count, its card-key stock): the additions go last, one
 * update per product however many there are (see hot-rows.ts). Outside such a transaction they run at once.
 */
function addToProduct(tx: Executor, productId: string, d: { sales?: number; keyStock?: number }): Promise<void> {
  return addToRowLast(tx, `product:${productId}`, d, (t, sum) =>
    q.addToCounters(t, productId, { sales: sum.sales, keyStock: sum.keyStock }),
  );
}

/**
 * Counts a sale (the "sales" sort). The product's pages and the listings sorted by sales are dropped at once;
 * a read before the caller commits lasts one TTL at most.
 */
export async function recordSale(tx: Executor, deps: Deps, productId: string, quantity: number): Promise<void> {
  await addToProduct(tx, productId, { sales: quantity });
  await invalidateCatalogProducts(deps, [productId], { sold: true });
}

/**
 * The vault changes a card-key product's available stock by `delta` in the transaction that changed its keys'
 * status (the counter is what buyers see: nothing counts keys to show stock). The caller drops the pages.
 */
export async function changeKeyStock(tx: Executor, productId: string, delta: number): Promise<void> {
  if (delta !== 0) await addToProduct(tx, productId, { keyStock: delta });
}

/** Every card-key product's stock counter, for the vault's recount. */
export function keyStockCounters(db: Executor): Promise<{ id: string; key_stock: number }[]> {
  return q.keyStocks(db);
}

/** Stock as buyers see it: the key counter for card-key goods, the counted units for the rest (null = not counted). */
function stockWith(rows: q.ProductRow[]): Map<string, number | null> {
  return new Map(rows.map((r) => [r.id, r.delivery_mode === 'auto' ? Math.max(0, r.key_stock) : r.stock]));
}

/** Stock read through `db` (the primary, or the caller's transaction): from the rows the caller read from it. */
export async function stockOf(_deps: Deps, _db: Executor, rows: q.ProductRow[]): Promise<Map<string, number | null>> {
  return stockWith(rows);
}

/** Stock on public pages: the rows' own counters (cached with the page that read them, dropped with it). */
export async function publicStockOf(_deps: Deps, rows: q.ProductRow[]): Promise<Map<string, number | null>> {
  return stockWith(rows);
}
