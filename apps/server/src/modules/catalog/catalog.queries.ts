import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { CategoriesTable, DeliveryMode, ProductStatus, ProductsTable } from './catalog.tables.ts';

export type CategoryRow = CategoriesTable;
export type ProductRow = ProductsTable;

// --- categories ---

export async function listCategories(db: Executor): Promise<CategoryRow[]> {
  return db.selectFrom('categories').selectAll().orderBy('sort_order').orderBy('name').orderBy('id').execute();
}

export async function findCategory(db: Executor, id: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('categories').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A category and its ancestors, nearest first, at most `maxUp` levels above it (one query: a purchase asks). */
export async function pathUp(db: Executor, id: string, maxUp: number): Promise<string[]> {
  const r = await sql<{ id: string }>`with recursive up (id, parent_id, depth) as (
      select id, parent_id, 0 from categories where id = ${id}
      union all
      select c.id, c.parent_id, up.depth + 1 from categories c join up on c.id = up.parent_id where up.depth < ${maxUp}
    )
    select id from up order by depth`.execute(db);
  return r.rows.map((row) => row.id);
}

export async function insertCategory(db: Executor, row: CategoryRow): Promise<void> {
  await db.insertInto('categories').values(row).execute();
}

export async function updateCategory(
  db: Executor,
  id: string,
  patch: Partial<Omit<CategoryRow, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('categories').set(patch).where('id', '=', id).execute();
}

export async function deleteCategory(db: Executor, id: string): Promise<number> {
  const r = await db.deleteFrom('categories').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function hasChildren(db: Executor, id: string): Promise<boolean> {
  const r = await db.selectFrom('categories').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
  return r !== undefined;
}

export async function hasProducts(db: Executor, categoryId: string): Promise<boolean> {
  const r = await db
    .selectFrom('products')
    .select('id')
    .where('category_id', '=', categoryId)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

// --- products ---

export async function insertProduct(db: Executor, row: ProductRow): Promise<void> {
  await db.insertInto('products').values(row).execute();
}

export async function findProduct(db: Executor, id: string): Promise<ProductRow | undefined> {
  return db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function productsByIds(db: Executor, ids: string[]): Promise<ProductRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('products').selectAll().where('id', 'in', ids).execute();
}

/** Applies an edit only if nobody changed the product since it was read (same revision and updated_at). */
export async function updateProduct(
  db: Executor,
  id: string,
  seen: Pick<ProductRow, 'revision' | 'updated_at'>,
  patch: Partial<Omit<ProductRow, 'id' | 'supplier_id' | 'created_at' | 'sales_count'>>,
): Promise<boolean> {
  const r = await db
    .updateTable('products')
    .set(patch)
    .where('id', '=', id)
    .where('revision', '=', seen.revision)
    .where('updated_at', '=', seen.updated_at)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setCover(db: Executor, id: string, file: string, now: number): Promise<void> {
  await db.updateTable('products').set({ cover_file: file, updated_at: now }).where('id', '=', id).execute();
}

export async function approveProduct(
  db: Executor,
  id: string,
  d: { reviewedBy: string; now: number; revision?: number | undefined },
): Promise<boolean> {
  let q = db
    .updateTable('products')
    .set({ status: 'approved', reject_reason: null, reviewed_by: d.reviewedBy, reviewed_at: d.now, updated_at: d.now })
    .where('id', '=', id)
    .where('status', '=', 'pending_review');
  if (d.revision !== undefined) q = q.where('revision', '=', d.revision);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Rejects a product under review, or takes an approved one off the market. */
export async function rejectProduct(
  db: Executor,
  id: string,
  d: { reviewedBy: string; now: number; reason: string; revision?: number | undefined },
): Promise<boolean> {
  let q = db
    .updateTable('products')
    .set({
      status: 'rejected',
      reject_reason: d.reason,
      reviewed_by: d.reviewedBy,
      reviewed_at: d.now,
      updated_at: d.now,
    })
    .where('id', '=', id)
    .where('status', 'in', ['pending_review', 'approved']);
  if (d.revision !== undefined) q = q.where('revision', '=', d.revision);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Counted stock only moves with a guard on the row itself; uncounted (null) stock always has room. */
export async function takeStock(db: Executor, id: string, quantity: number): Promise<boolean> {
  const r = await db
    .updateTable('products')
    .set((eb) => ({ stock: eb('stock', '-', quantity) }))
    .where('id', '=', id)
    .where('delivery_mode', '<>', 'auto')
    .where((eb) => eb.or([eb('stock', 'is', null), eb('stock', '>=', quantity)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function returnStock(db: Executor, id: string, quantity: number): Promise<void> {
  await db
    .updateTable('products')
    .set((eb) => ({ stock: eb('stock', '+', quantity) }))
    .where('id', '=', id)
    .where('delivery_mode', '<>', 'auto')
    .execute();
}

/** Counts sold units (a statement for the hot-rows tail: it runs last, with the transaction's other hot rows). */
export function addSales(db: Executor, id: string, quantity: number) {
  return db
    .updateTable('products')
    .set((eb) => ({ sales_count: eb('sales_count', '+', quantity) }))
    .where('id', '=', id)
    .returning('id');
}

export interface ProductFilter {
  /** approved and on sale only */
  sellableOnly: boolean;
  status?: ProductStatus | undefined;
  supplierId?: string | undefined;
  /** undefined = any category; an empty list matches nothing */
  categoryIds?: string[] | undefined;
  deliveryMode?: DeliveryMode | undefined;
  q?: string | undefined;
  minPriceCents?: number | undefined;
  maxPriceCents?: number | undefined;
  sort: 'sales' | 'price_asc' | 'price_desc' | 'newest';
  limit: number;
  offset: number;
}

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function applyFilter<O>(
  q: SelectQueryBuilder<DB, 'products', O>,
  f: ProductFilter,
): SelectQueryBuilder<DB, 'products', O> {
  let out = q;
  if (f.sellableOnly) out = out.where('status', '=', 'approved').where('on_sale', '=', 1);
  if (f.status) out = out.where('status', '=', f.status);
  if (f.supplierId) out = out.where('supplier_id', '=', f.supplierId);
  if (f.categoryIds) {
    const ids = f.categoryIds;
    out = ids.length === 0 ? out.where(sql<boolean>`1 = 0`) : out.where('category_id', 'in', ids);
  }
  if (f.deliveryMode) out = out.where('delivery_mode', '=', f.deliveryMode);
  if (f.q) {
    // ESCAPE is spelled out: SQLite has no default escape character for LIKE
    const pattern = likePattern(f.q);
    out = out.where(
      (eb: ExpressionBuilder<DB, 'products'>) => sql<boolean>`lower(${eb.ref('title')}) LIKE ${pattern} ESCAPE '\\'`,
    );
  }
  if (f.minPriceCents !== undefined) out = out.where('price_cents', '>=', f.minPriceCents);
  if (f.maxPriceCents !== undefined) out = out.where('price_cents', '<=', f.maxPriceCents);
  return out;
}

export async function searchProducts(db: Executor, f: ProductFilter): Promise<{ rows: ProductRow[]; total: number }> {
  let rowsQ = applyFilter(db.selectFrom('products').selectAll(), f);
  switch (f.sort) {
    case 'sales':
      rowsQ = rowsQ.orderBy('sales_count', 'desc').orderBy('created_at', 'desc');
      break;
    case 'price_asc':
      rowsQ = rowsQ.orderBy('price_cents', 'asc');
      break;
    case 'price_desc':
      rowsQ = rowsQ.orderBy('price_cents', 'desc');
      break;
    case 'newest':
      rowsQ = rowsQ.orderBy('created_at', 'desc');
      break;
  }
  const countQ = applyFilter(
    db.selectFrom('products').select((eb) => eb.fn.countAll<number | string>().as('n')),
    f,
  );
  const [rows, count] = await Promise.all([
    rowsQ.orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    countQ.executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

// --- banned words ---

export async function listBannedWords(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('catalog_banned_words').select('word').orderBy('word').execute();
  return rows.map((r) => r.word);
}

export async function replaceBannedWords(db: Executor, words: string[], now: number): Promise<void> {
  await db.deleteFrom('catalog_banned_words').execute();
  if (words.length === 0) return;
  for (let i = 0; i < words.length; i += 500) {
    await db
      .insertInto('catalog_banned_words')
      .values(words.slice(i, i + 500).map((word) => ({ word, created_at: now })))
      .execute();
  }
}

/** Every product a visitor can open (approved, on sale), for the sitemap: newest change first, bounded. */
export async function publicProductStamps(db: Executor, limit: number): Promise<{ id: string; updated_at: number }[]> {
  return db
    .selectFrom('products')
    .select(['id', 'updated_at'])
    .where('status', '=', 'approved')
    .where('on_sale', '=', 1)
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
}
