/**
 * How much memory a large export takes: seeds N orders (default 1,000,000) into a private SQLite database,
 * then runs the operators' orders export (the same service and writer as GET /admin/orders/export) as CSV
 * and as .xlsx into files, sampling the process's memory as it goes. Never part of `npm test`.
 *
 *   node bench/export-memory.ts [--rows 1000000] [--format csv,xlsx]
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { MODULES } from '../apps/server/src/modules/index.ts';
import { exportOrdersForOperator } from '../apps/server/src/modules/orders/orders.service.ts';
import { loadConfig } from '../apps/server/src/platform/config.ts';
import { openDatabase } from '../apps/server/src/platform/db/database.ts';
import { migrate } from '../apps/server/src/platform/db/migrate.ts';
import { createRuntime } from '../apps/server/src/platform/deps.ts';
import { type ExportFormat, exportStream } from '../apps/server/src/platform/http/export.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, format: { type: 'string', default: 'csv,xlsx' } },
});
const ROWS = Number(values.rows);
const formats = values.format.split(',') as ExportFormat[];
const MB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'kameng-export-bench-'));
const database = openDatabase({ dataDir: dir });
await migrate(database, MODULES);
const config = loadConfig({ DATA_DIR: dir, KAMENG_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent' });
const { deps } = createRuntime(config, MODULES, { database });

const seedStart = performance.now();
const start = Date.UTC(2026, 0, 1);
const BATCH = 2000;
for (let from = 0; from < ROWS; from += BATCH) {
  const n = Math.min(BATCH, ROWS - from);
  const orders = Array.from({ length: n }, (_, j) => {
    const i = from + j;
    const at = start + i * 1000;
    return {
      id: `ord_${String(i).padStart(12, '0')}`,
      buyer_id: `usr_buyer${i % 5000}`,
      guest_email: null,
      guest_lookup_hash: null,
      supplier_id: `usr_supplier${i % 50}`,
      status: 'delivered' as const,
      amount_cents: 1000 + (i % 9000),
      payment_method: 'alipay',
      recipient_account: i % 7 === 0 ? `QQ ${100000 + i}` : null,
      idempotency_key: null,
      request_hash: null,
      reserved_until: at + 900_000,
      paid_at: at + 5000,
      delivered_at: at + 6000,
      completed_at: null,
      closed_at: null,
      needs_attention: 0,
      window_extension_ms: 0,
      device_hash: null,
      created_at: at,
      updated_at: at + 6000,
    };
  });
  const items = orders.map((o, j) => ({
    id: `oit_${o.id.slice(4)}`,
    order_id: o.id,
    product_id: `prd_${(from + j) % 300}`,
    category_id: 'cat_points',
    title: `腾讯Q币 ${(from + j) % 300} 元`,
    delivery_mode: 'auto' as const,
    quantity: 1,
    unit_price_cents: o.amount_cents,
    amount_cents: o.amount_cents,
  }));
  await deps.db.transaction().execute(async (tx) => {
    for (let k = 0; k < n; k += 500) {
      await tx
        .insertInto('orders')
        .values(orders.slice(k, k + 500))
        .execute();
      await tx
        .insertInto('order_items')
        .values(items.slice(k, k + 500))
        .execute();
    }
  });
}
console.log(`seeded ${ROWS} orders in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

for (const format of formats) {
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const file = join(dir, `orders.${format}`);
  const t0 = performance.now();
  await pipeline(exportStream(format, exportOrdersForOperator(deps, {})), createWriteStream(file));
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `${format}: ${ROWS} rows, ${(statSync(file).size / MB).toFixed(1)} MB in ${seconds.toFixed(1)} s; ` +
      `RSS ${(base.rss / MB).toFixed(0)} MB before, peak ${(peakRss / MB).toFixed(0)} MB; ` +
      `heap used ${(base.heapUsed / MB).toFixed(0)} MB before, peak ${(peakHeap / MB).toFixed(0)} MB`,
  );
}

await database.close();
rmSync(dir, { recursive: true, force: true });
