import type { Executor } from '../../platform/db/database.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import type { CardKeyBatchesTable, CardKeysTable } from './vault.tables.ts';

export async function insertBatch(db: Executor, row: CardKeyBatchesTable): Promise<void> {
  await db.insertInto('card_key_batches').values(row).execute();
}

export async function updateBatchCounts(
  db: Executor,
  id: string,
  c: { imported: number; duplicates: number; rejected: number },
) {
  await db.updateTable('card_key_batches').set(c).where('id', '=', id).execute();
}

export async function findBatches(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('card_key_batches').select(['id', 'wrapped_dek']).where('id', 'in', ids).execute();
}

/** Inserts keys, skipping ones already present for the product; returns how many were new. */
export async function insertKeys(db: Executor, rows: CardKeysTable[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db
    .insertInto('card_keys')
    .values(rows)
    .onConflict((oc) => oc.columns(['product_id', 'secret_hash']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

export async function countNew(db: Executor, productId: string, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const rows = await db
    .selectFrom('card_keys')
    .select('secret_hash')
    .where('product_id', '=', productId)
    .where('secret_hash', 'in', hashes)
    .execute();
  return new Set(rows.map((r) => r.secret_hash));
}

/** Picks available keys for an order: locked and skipped by concurrent buyers on PostgreSQL. */
export async function pickAvailable(db: Executor, dialect: Dialect, productId: string, n: number): Promise<string[]> {
  const rows = await forUpdate(
    dialect,
    db
      .selectFrom('card_keys')
      .select('id')
      .where('product_id', '=', productId)
      .where('status', '=', 'available')
      .orderBy('created_at')
      .limit(n),
    { skipLocked: true },
  ).execute();
  return rows.map((r) => r.id);
}

export async function reserve(db: Executor, ids: string[], orderId: string, now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const r = await db
    .updateTable('card_keys')
    .set({ status: 'reserved', order_id: orderId, reserved_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'available')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function release(db: Executor, orderId: string): Promise<number> {
  const r = await db
    .updateTable('card_keys')
    .set({ status: 'available', order_id: null, reserved_at: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function markSold(db: Executor, orderId: string, now: number): Promise<number> {
  const r = await db
    .updateTable('card_keys')
    .set({ status: 'sold', sold_at: now })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function soldForOrder(db: Executor, orderId: string) {
  return db
    .selectFrom('card_keys')
    .select(['id', 'batch_id', 'secret_enc'])
    .where('order_id', '=', orderId)
    .where('status', '=', 'sold')
    .orderBy('id')
    .execute();
}

export async function availableCounts(db: Executor, productIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (productIds.length === 0) return out;
  const rows = await db
    .selectFrom('card_keys')
    .select(['product_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('product_id', 'in', productIds)
    .where('status', '=', 'available')
    .groupBy('product_id')
    .execute();
  for (const r of rows) out.set(r.product_id, Number(r.n));
  return out;
}

export async function listKeys(
  db: Executor,
  productId: string,
  status: CardKeysTable['status'] | undefined,
  limit: number,
  offset: number,
) {
  let q = db.selectFrom('card_keys').where('product_id', '=', productId);
  if (status) q = q.where('status', '=', status);
  const [rows, count] = await Promise.all([
    q
      .select(['id', 'masked', 'status', 'order_id', 'created_at', 'sold_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findKey(db: Executor, id: string) {
  return db.selectFrom('card_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function voidKeys(db: Executor, productIds: string[], ids: string[]): Promise<number> {
  if (ids.length === 0 || productIds.length === 0) return 0;
  const r = await db
    .updateTable('card_keys')
    .set({ status: 'void' })
    .where('id', 'in', ids)
    .where('product_id', 'in', productIds)
    .where('status', '=', 'available')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
