import { CompiledQuery, sql } from 'kysely';
import type { Dialect, Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import { type Cursor, newestFirstAfter } from '../../platform/db/keyset.ts';
import type {
  CardKeyBatchesTable,
  ImportJobsTable,
  KeyStatus,
  KeyStockDriftsTable,
  VaultStockAlertsTable,
} from './vault.tables.ts';

// ─── batches ───

export async function insertBatch(db: Executor, row: CardKeyBatchesTable): Promise<void> {
  await db.insertInto('card_key_batches').values(row).execute();
}

export async function findBatch(db: Executor, id: string) {
  return db.selectFrom('card_key_batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function wrappedDeks(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('card_key_batches').select(['id', 'wrapped_dek']).where('id', 'in', ids).execute();
}

export async function updateBatch(
  db: Executor,
  id: string,
  patch: Partial<
    Pick<CardKeyBatchesTable, 'status' | 'total' | 'imported' | 'duplicates' | 'rejected' | 'finished_at'>
  >,
): Promise<void> {
  await db.updateTable('card_key_batches').set(patch).where('id', '=', id).execute();
}

// ─── keys ───

/** A step's new keys as parallel columns; every key of one insert shares its product, batch and time. */
export interface KeyColumns {
  productId: string;
  batchId: string;
  createdAt: number;
  ids: readonly string[];
  secretEnc: readonly string[];
  secretHash: readonly string[];
  masked: readonly string[];
}

const KEY_COLUMNS = 'id, product_id, batch_id, secret_enc, secret_hash, masked, status, created_at';
const SKIP_HELD = 'on conflict (product_id, secret_hash) do nothing';
const sqliteInserts = new Map<number, string>();

/**
 * Inserts keys [from, to) of `k`, skipping any already held for the product (in this statement or before);
 * returns how many were new. The one hot write of an import, so its SQL is written out rather than built
 * by Kysely per call (building 500 rows' nodes cost more than SQLite took to insert them): PostgreSQL
 * takes the whole slice in one statement as arrays, SQLite a multi-row VALUES whose text is made once
 * per row count, so its prepared statement is reused.
 */
export async function insertKeys(
  db: Executor,
  dialect: Dialect,
  k: KeyColumns,
  from: number,
  to: number,
): Promise<number> {
  if (to <= from) return 0;
  let query: CompiledQuery;
  if (dialect === 'postgres') {
    query = CompiledQuery.raw(
      `insert into card_keys (${KEY_COLUMNS}) select k.id, $1, $2, k.enc, k.hash, k.masked, 'available', $3 ` +
        'from unnest($4::text[], $5::text[], $6::text[], $7::text[]) as k(id, enc, hash, masked) ' +
        SKIP_HELD,
      [
        k.productId,
        k.batchId,
        k.createdAt,
        k.ids.slice(from, to),
        k.secretEnc.slice(from, to),
        k.secretHash.slice(from, to),
        k.masked.slice(from, to),
      ],
    );
  } else {
    const n = to - from;
    let text = sqliteInserts.get(n);
    if (!text) {
      text = `insert into card_keys (${KEY_COLUMNS}) values ${"(?, ?, ?, ?, ?, ?, 'available', ?), ".repeat(n).slice(0, -2)} ${SKIP_HELD}`;
      if (sqliteInserts.size > 64) sqliteInserts.clear();
      sqliteInserts.set(n, text);
    }
    const params: unknown[] = new Array(7 * n);
    for (let i = from, p = 0; i < to; i++) {
      params[p++] = k.ids[i];
      params[p++] = k.productId;
      params[p++] = k.batchId;
      params[p++] = k.secretEnc[i];
      params[p++] = k.secretHash[i];
      params[p++] = k.masked[i];
      params[p++] = k.createdAt;
    }
    query = CompiledQuery.raw(text, params);
  }
  const r = await db.executeQuery(query);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Takes the oldest `n` available keys of a product for an order in one statement (PostgreSQL: locked with
 * SKIP LOCKED, so concurrent buyers take different keys); returns the ids taken, possibly fewer than `n`.
 */
export async function reserveAvailable(
  db: Executor,
  dialect: Dialect,
  productId: string,
  n: number,
  orderId: string,
  now: number,
): Promise<string[]> {
  const pick = forUpdate(
    dialect,
    db
      .selectFrom('card_keys')
      .select('id')
      .where('product_id', '=', productId)
      .where('status', '=', 'available')
      .orderBy('id')
      .limit(n),
    { skipLocked: true },
  );
  const rows = await db
    .updateTable('card_keys')
    .set({ status: 'reserved', order_id: orderId, reserved_at: now })
    // PostgreSQL: = any(array(…)) runs the pick once; as `in (…)` the planner may run it again per row and
    // take more than `n` keys
    .where((eb) =>
      dialect === 'postgres' ? sql<boolean>`${eb.ref('id')} = any(array(${pick}))` : eb('id', 'in', pick),
    )
    .where('status', '=', 'available')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Gives back keys `reserveAvailable` took for an order that could not have them all. */
export async function unreserve(db: Executor, ids: string[], orderId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('card_keys')
    .set({ status: 'available', order_id: null, reserved_at: null })
    .where('id', 'in', ids)
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .execute();
}

/** How many of `rows` belong to each product. */
export function perProduct(rows: readonly { product_id: string }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.product_id, (out.get(r.product_id) ?? 0) + 1);
  return out;
}

/** Frees an order's reserved keys; returns how many of each product. */
export async function release(db: Executor, orderId: string): Promise<Map<string, number>> {
  const rows = await db
    .updateTable('card_keys')
    .set({ status: 'available', order_id: null, reserved_at: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'reserved')
    .returning('product_id')
    .execute();
  return perProduct(rows);
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

/** min(available keys, limit): reads at most `limit` index entries however many keys the product holds. */
export async function availableUpTo(db: Executor, productId: string, limit: number): Promise<number> {
  const r = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('card_keys')
        .select('id')
        .where('product_id', '=', productId)
        .where('status', '=', 'available')
        .limit(limit)
        .as('k'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface ExportKeyRow {
  id: string;
  batch_id: string;
  masked: string;
  secret_enc: string;
  status: KeyStatus;
  created_at: number;
}

/** A product's keys of one status, newest first after `after` (keyset, for exports). */
export async function keysAfter(
  db: Executor,
  productId: string,
  status: KeyStatus,
  after: Cursor | undefined,
  limit: number,
): Promise<ExportKeyRow[]> {
  const qb = db
    .selectFrom('card_keys')
    .select(['id', 'batch_id', 'masked', 'secret_enc', 'status', 'created_at'])
    .where('product_id', '=', productId)
    .where('status', '=', status);
  return newestFirstAfter(qb, after).limit(limit).execute();
}

export async function countKeys(db: Executor, productId: string, status: KeyStatus): Promise<number> {
  const r = await db
    .selectFrom('card_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('product_id', '=', productId)
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listKeys(
  db: Executor,
  productId: string,
  status: KeyStatus | undefined,
  limit: number,
  offset: number,
) {
  let q = db.selectFrom('card_keys').where('product_id', '=', productId);
  if (status) q = q.where('status', '=', status);
  const [rows, count] = await Promise.all([
    q
      .select(['id', 'batch_id', 'masked', 'status', 'order_id', 'created_at', 'reserved_at', 'sold_at'])
      .orderBy('id', 'desc')
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

/** Voids the available keys among `ids` that belong to `productIds`; returns how many of each product. */
export async function voidAvailable(db: Executor, productIds: string[], ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0 || productIds.length === 0) return new Map();
  const rows = await db
    .updateTable('card_keys')
    .set({ status: 'void' })
    .where('id', 'in', ids)
    .where('product_id', 'in', productIds)
    .where('status', '=', 'available')
    .returning('product_id')
    .execute();
  return perProduct(rows);
}

// ─── imports ───

export async function insertImport(db: Executor, row: ImportJobsTable): Promise<void> {
  await db.insertInto('import_jobs').values(row).execute();
}

export async function listImports(
  db: Executor,
  supplierId: string,
  productId: string | undefined,
  limit: number,
  offset: number,
) {
  let q = db.selectFrom('import_jobs').where('supplier_id', '=', supplierId);
  if (productId) q = q.where('product_id', '=', productId);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findImport(db: Executor, id: string) {
  return db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Records progress only if nobody else did since `seenLinesDone`: a worker whose lease ran out and whose
 * job another worker took over fails here, and its batch rolls back.
 */
export async function advanceImport(
  db: Executor,
  id: string,
  seen: Pick<ImportJobsTable, 'lines_done' | 'imported'>,
  next: Pick<ImportJobsTable, 'lines_done' | 'imported' | 'duplicates' | 'rejected' | 'updated_at'>,
): Promise<boolean> {
  const r = await db
    .updateTable('import_jobs')
    .set({ ...next, status: 'running' })
    .where('id', '=', id)
    .where('lines_done', '=', seen.lines_done)
    .where('imported', '=', seen.imported)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function finishImport(
  db: Executor,
  id: string,
  patch: Pick<ImportJobsTable, 'status' | 'error' | 'finished_at' | 'updated_at'>,
): Promise<boolean> {
  const r = await db
    .updateTable('import_jobs')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertChunk(db: Executor, importId: string, seq: number, dataEnc: string, now: number) {
  await db
    .insertInto('import_upload_chunks')
    .values({ import_id: importId, seq, data_enc: dataEnc, created_at: now })
    .execute();
}

export async function findChunk(db: Executor, importId: string, seq: number) {
  return db
    .selectFrom('import_upload_chunks')
    .select('data_enc')
    .where('import_id', '=', importId)
    .where('seq', '=', seq)
    .executeTakeFirst();
}

export async function deleteChunks(db: Executor, importId: string): Promise<void> {
  await db.deleteFrom('import_upload_chunks').where('import_id', '=', importId).execute();
}

/** Staged pieces of uploads that never became an import (the process died mid-upload). */
export async function deleteOrphanChunks(db: Executor, olderThan: number): Promise<number> {
  const r = await db
    .deleteFrom('import_upload_chunks')
    .where('created_at', '<', olderThan)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('import_jobs')
            .select('import_jobs.id')
            .whereRef('import_jobs.id', '=', 'import_upload_chunks.import_id')
            .where('import_jobs.status', 'in', ['queued', 'running']),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ─── low-stock alerts ───

export async function findAlert(db: Executor, productId: string) {
  return db.selectFrom('vault_stock_alerts').selectAll().where('product_id', '=', productId).executeTakeFirst();
}

/** Armed (or never watched) → alerted; true for exactly one caller per crossing, however many race. */
export async function claimAlert(db: Executor, row: VaultStockAlertsTable): Promise<boolean> {
  const r = await db
    .insertInto('vault_stock_alerts')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('product_id')
        .doUpdateSet({ alerted_at: row.alerted_at })
        .where('vault_stock_alerts.alerted_at', 'is', null),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function rearm(db: Executor, productId: string, now: number): Promise<void> {
  await db
    .updateTable('vault_stock_alerts')
    .set({ alerted_at: null, armed_at: now })
    .where('product_id', '=', productId)
    .where('alerted_at', 'is not', null)
    .execute();
}

// ─── master-key rotation ───

export function allWrappedDeks(db: Executor) {
  return db.selectFrom('card_key_batches').select(['id', 'wrapped_dek']).orderBy('id').execute();
}

export async function setWrappedDek(db: Executor, id: string, wrapped: string): Promise<void> {
  await db.updateTable('card_key_batches').set({ wrapped_dek: wrapped }).where('id', '=', id).execute();
}

/** Card keys by id, the `limit` after `afterId`: what a rotation re-hashes page by page. */
export function cardKeysAfter(db: Executor, afterId: string, limit: number) {
  return db
    .selectFrom('card_keys')
    .select(['id', 'product_id', 'batch_id', 'secret_enc'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function setSecretHash(db: Executor, id: string, hash: string): Promise<void> {
  await db.updateTable('card_keys').set({ secret_hash: hash }).where('id', '=', id).execute();
}

// ─── stock recount ───

export async function insertDrift(db: Executor, row: KeyStockDriftsTable): Promise<void> {
  await db.insertInto('key_stock_drifts').values(row).execute();
}

export async function countDrifts(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('key_stock_drifts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Adds `delta` to a product's counter; false when the product has no counter yet. */
/** Adds to a product's counter; returns its row when it has one (a statement for the hot-rows tail). */
export function addKeyStock(db: Executor, productId: string, delta: number) {
  return db
    .updateTable('key_stock')
    .set((eb) => ({ available: eb('available', '+', delta) }))
    .where('product_id', '=', productId)
    .returning('product_id');
}

/**
 * Makes a product's counter from its keys as this transaction sees them (its own changes included). A
 * concurrent transaction's uncommitted changes are not counted: if it made the row first, this one adds
 * its own `delta` to that row instead (the insert waits for the other to commit).
 */
export async function startKeyStock(db: Executor, productId: string, delta: number): Promise<void> {
  await db
    .insertInto('key_stock')
    .columns(['product_id', 'available'])
    .expression((eb) =>
      eb
        .selectFrom('card_keys')
        .select([eb.val(productId).as('product_id'), eb.fn.countAll<number>().as('available')])
        .where('product_id', '=', productId)
        .where('status', '=', 'available'),
    )
    .onConflict((oc) =>
      oc.column('product_id').doUpdateSet((eb) => ({ available: eb(eb.ref('key_stock.available'), '+', delta) })),
    )
    .execute();
}

/** The counters of `productIds` that exist. */
export async function keyStocks(db: Executor, productIds: string[]): Promise<Map<string, number>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('key_stock')
    .select(['product_id', 'available'])
    .where('product_id', 'in', productIds)
    .execute();
  return new Map(rows.map((r) => [r.product_id, Number(r.available)]));
}

/** Every counter, for the recount. */
export async function allKeyStocks(db: Executor): Promise<{ product_id: string; available: number }[]> {
  return db.selectFrom('key_stock').select(['product_id', 'available']).orderBy('product_id').execute();
}

/** Products that have keys but no counter yet (made before 0019 and untouched since). */
export async function productsWithoutCounter(db: Executor, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('card_key_batches as b')
    .select('b.product_id')
    .distinct()
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('key_stock as s').select('s.product_id').whereRef('s.product_id', '=', 'b.product_id'))),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => r.product_id);
}
