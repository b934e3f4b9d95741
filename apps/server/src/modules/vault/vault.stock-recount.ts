/**
 * The recount: card-key stock is a counter on each product, changed in the transaction of every key status
 * change, so it never drifts unless a change forgot it. This job counts the keys anyway, on a schedule, and
 * when a product's counter disagrees it logs an error, records the drift (`kameng_key_stock_drifts_total`)
 * and repairs the counter. A drift is a bug to find, not a state to live with.
 */
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { invalidateCatalogProducts } from '../catalog/catalog.service.ts';
import * as q from './vault.queries.ts';
import { changeKeyStock } from './vault.stock.ts';

export interface Drift {
  productId: string;
  counted: number;
  counter: number;
}

/** Products counted per statement: keeps the IN list small on both dialects. */
const PER_COUNT = 500;

/** Both sides from one snapshot: the counter and the keys commit together, so a committed state agrees. */
async function compare(db: Executor): Promise<{ checked: number; drifts: Drift[] }> {
  const counters = (await q.allKeyStocks(db)).map((r) => ({ id: r.product_id, key_stock: Number(r.available) }));
  const drifts: Drift[] = [];
  for (let i = 0; i < counters.length; i += PER_COUNT) {
    const slice = counters.slice(i, i + PER_COUNT);
    const counted = await q.availableCounts(
      db,
      slice.map((p) => p.id),
    );
    for (const p of slice) {
      const n = counted.get(p.id) ?? 0;
      if (n !== p.key_stock) drifts.push({ productId: p.id, counted: n, counter: p.key_stock });
    }
  }
  return { checked: counters.length, drifts };
}

export async function recountKeyStock(deps: Deps): Promise<{ checked: number; drifts: Drift[] }> {
  // products from before 0019 whose keys have not changed since get their counter here
  for (;;) {
    const missing = await q.productsWithoutCounter(deps.db, 100);
    if (missing.length === 0) break;
    await deps.db.transaction().execute(async (tx) => {
      for (const id of missing) await q.startKeyStock(tx, id, 0);
    });
  }
  // PostgreSQL: one snapshot for every statement (read committed would see purchases commit in between);
  // SQLite: a transaction holds the file's write lock, so nothing commits in between
  const begin = deps.db.transaction();
  const found = await (deps.dialect === 'postgres' ? begin.setIsolationLevel('repeatable read') : begin).execute((tx) =>
    compare(tx),
  );
  if (found.drifts.length === 0) return found;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    for (const d of found.drifts) {
      // a delta, not the count: purchases since the snapshot moved keys and counter alike
      await changeKeyStock(tx, d.productId, d.counted - d.counter);
      await q.insertDrift(tx, {
        id: newId('ksd', deps.clock, deps.random),
        product_id: d.productId,
        counted: d.counted,
        counter: d.counter,
        found_at: now,
      });
    }
  });
  for (const d of found.drifts) {
    deps.log.error(d, 'card-key stock counter drifted from the keys; repaired (a key status change missed it)');
  }
  await invalidateCatalogProducts(
    deps,
    found.drifts.map((d) => d.productId),
  );
  return found;
}
