import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CategoryDto,
  CategoryNodeDto,
  CreateCategoryBody,
  CreateProductBody,
  GoodsType,
  ProductDetailDto,
  ProductListItemDto,
  ProductManageDto,
  ProductSearchQuery,
  UpdateCategoryBody,
  UpdateProductBody,
} from '@kameng/contracts';
import { categoryTreeSchema, productDetailSchema, productSearchResultSchema } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import { addLast } from '../../platform/db/hot-rows.ts';
import { forUpdate, isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import {
  cached,
  cachedJson,
  invalidateCatalogCache,
  invalidateCatalogProducts,
  type JsonEntry,
} from './catalog.cache.ts';
import { stockCounts } from './catalog.hooks.ts';
import { findBannedWords, sanitizeDescription, textOf, UPLOADS_URL_PREFIX } from './catalog.content.ts';
import * as q from './catalog.queries.ts';
import type { DeliveryMode, ProductStatus } from './catalog.tables.ts';

export { invalidateCatalogCache, invalidateCatalogProducts };
export { stockCounts };

/** Categories nest at most this deep, which also bounds every walk up the tree. */
export const MAX_CATEGORY_DEPTH = 8;
export const MAX_COVER_BYTES = 2 * 1024 * 1024;

const GOODS_TYPE_MODE: Record<GoodsType, DeliveryMode> = { card_key: 'auto', direct: 'direct', manual: 'manual' };

function isOperator(auth: AuthContext | null): boolean {
  return !!auth && (auth.roles.includes('operator') || auth.roles.includes('admin'));
}

function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e) return false;
  return e.code === '23503' || (typeof e.message === 'string' && /FOREIGN KEY constraint failed/i.test(e.message));
}

function invalid(message: string, issues: { path: (string | number)[]; message: string }[]): AppError {
  return new AppError('VALIDATION_FAILED', message, { issues });
}

// ─── contract for orders (docs/trade-loop-contracts.md) ───

export interface PriceTierValue {
  minQuantity: number;
  priceCents: number;
}

export interface ProductForOrder {
  id: string;
  supplierId: string;
  categoryId: string;
  title: string;
  priceCents: number;
  priceTiers: PriceTierValue[];
  minPerOrder: number;
  maxPerOrder: number | null;
  deliveryMode: DeliveryMode;
  status: ProductStatus;
  onSale: boolean;
  lowStockThreshold: number | null;
}

function parseTiers(json: string): PriceTierValue[] {
  const tiers = JSON.parse(json) as PriceTierValue[];
  return tiers.sort((a, b) => a.minQuantity - b.minQuantity);
}

function toProductForOrder(r: q.ProductRow): ProductForOrder {
  return {
    id: r.id,
    supplierId: r.supplier_id,
    categoryId: r.category_id,
    title: r.title,
    priceCents: r.price_cents,
    priceTiers: parseTiers(r.price_tiers),
    minPerOrder: r.min_per_order,
    maxPerOrder: r.max_per_order,
    deliveryMode: r.delivery_mode,
    status: r.status,
    onSale: r.on_sale === 1,
    lowStockThreshold: r.low_stock_threshold,
  };
}

/** The products of an order, read from the database (never from the client). Sellable = status 'approved' && onSale. */
export async function getProductsForOrder(db: Executor, ids: string[]): Promise<Map<string, ProductForOrder>> {
  const rows = await q.productsByIds(db, [...new Set(ids)]);
  return new Map(rows.map((r) => [r.id, toProductForOrder(r)]));
}

/** The unit price for a quantity; shared with the web, which shows the same price before the order. */
export { unitPriceCents } from '@kameng/contracts';

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
  await addLast(tx, `sales:${productId}`, quantity, (t, n) => q.addSales(t, productId, n));
  await invalidateCatalogProducts(deps, [productId], { sold: true });
}

/** The category and its ancestors, nearest first: [categoryId, parentId, …, top-level id]. */
export async function categoryPath(db: Executor, categoryId: string): Promise<string[]> {
  const path: string[] = [];
  let id: string | null = categoryId;
  while (id !== null && path.length <= MAX_CATEGORY_DEPTH) {
    const row = await q.parentOf(db, id);
    if (!row) break;
    path.push(id);
    id = row.parent_id;
  }
  return path;
}

// ─── categories ───

function toCategoryDto(r: q.CategoryRow): CategoryDto {
  return {
    id: r.id,
    parentId: r.parent_id,
    name: r.name,
    goodsType: r.goods_type,
    game: r.game,
    denomination: r.denomination,
    sortOrder: r.sort_order,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** An in-memory view of the whole tree: it is small, read often and cached. */
class CategoryIndex {
  readonly rows: q.CategoryRow[];
  readonly byId: Map<string, q.CategoryRow>;
  readonly children = new Map<string | null, q.CategoryRow[]>();
  constructor(rows: q.CategoryRow[]) {
    this.rows = rows;
    this.byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) this.children.set(r.parent_id, [...(this.children.get(r.parent_id) ?? []), r]);
  }

  /** the id itself and everything below it */
  descendants(id: string): string[] {
    if (!this.byId.has(id)) return [];
    const out: string[] = [];
    const stack = [id];
    while (stack.length > 0) {
      const cur = stack.pop()!;
      out.push(cur);
      for (const c of this.children.get(cur) ?? []) stack.push(c.id);
    }
    return out;
  }

  /** top-level first */
  ancestry(id: string): q.CategoryRow[] {
    const out: q.CategoryRow[] = [];
    let cur = this.byId.get(id);
    while (cur && out.length <= MAX_CATEGORY_DEPTH) {
      out.unshift(cur);
      cur = cur.parent_id === null ? undefined : this.byId.get(cur.parent_id);
    }
    return out;
  }

  depth(id: string): number {
    return this.ancestry(id).length;
  }

  height(id: string): number {
    const kids = this.children.get(id) ?? [];
    return 1 + Math.max(0, ...kids.map((k) => this.height(k.id)));
  }

  /** A facet set on a category applies to everything below it unless overridden. */
  effective(id: string, facet: 'goods_type' | 'game' | 'denomination'): string | null {
    const chain = this.ancestry(id);
    for (let i = chain.length - 1; i >= 0; i--) {
      const v = chain[i]![facet];
      if (v !== null) return v;
    }
    return null;
  }

  tree(parentId: string | null = null): CategoryNodeDto[] {
    return (this.children.get(parentId) ?? []).map((r) => ({ ...toCategoryDto(r), children: this.tree(r.id) }));
  }
}

async function categoryIndex(deps: Deps): Promise<CategoryIndex> {
  return new CategoryIndex(await cached(deps, 'categories', () => q.listCategories(deps.readDb)));
}

export async function categoryTree(deps: Deps): Promise<JsonEntry<{ items: CategoryNodeDto[] }>> {
  return cachedJson(
    deps,
    'tree',
    categoryTreeSchema,
    async () => ({ items: (await categoryIndex(deps)).tree() }),
    () => ({ products: [] }),
  );
}

async function lockedCategoryIndex(deps: Deps, tx: Executor): Promise<CategoryIndex> {
  // moves lock the whole (small) table so two concurrent moves cannot build a cycle
  const rows = await forUpdate(deps.dialect, tx.selectFrom('categories').selectAll()).execute();
  return new CategoryIndex(rows);
}

function siblingConflict(name: string): AppError {
  return new AppError('ALREADY_EXISTS', `A category named "${name}" already exists here`, {
    issues: [{ path: ['name'], message: 'taken by a sibling' }],
  });
}

export async function createCategory(
  deps: Deps,
  auth: AuthContext,
  body: CreateCategoryBody,
  meta: RequestMeta,
): Promise<CategoryDto> {
  const now = deps.clock.now();
  const row: q.CategoryRow = {
    id: newId('cat', deps.clock, deps.random),
    parent_id: body.parentId ?? null,
    name: body.name,
    goods_type: body.goodsType ?? null,
    game: body.game ?? null,
    denomination: body.denomination ?? null,
    sort_order: body.sortOrder ?? 0,
    created_at: now,
    updated_at: now,
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (row.parent_id !== null) {
        const index = await lockedCategoryIndex(deps, tx);
        if (!index.byId.has(row.parent_id)) {
          throw new AppError('UNPROCESSABLE', 'The parent category does not exist', {
            issues: [{ path: ['parentId'], message: 'no such category' }],
          });
        }
        if (index.depth(row.parent_id) + 1 > MAX_CATEGORY_DEPTH) {
          throw new AppError('UNPROCESSABLE', `Categories nest at most ${MAX_CATEGORY_DEPTH} deep`, {
            issues: [{ path: ['parentId'], message: 'too deep' }],
          });
        }
      }
      await q.insertCategory(tx, row);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'category.create',
        objectType: 'category',
        objectId: row.id,
        ip: meta.ip,
        details: { name: row.name, parentId: row.parent_id },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw siblingConflict(row.name);
    throw err;
  }
  await invalidateCatalogCache(deps);
  return toCategoryDto(row);
}

export async function updateCategory(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: UpdateCategoryBody,
  meta: RequestMeta,
): Promise<CategoryDto> {
  const now = deps.clock.now();
  try {
    const updated = await deps.db.transaction().execute(async (tx) => {
      const index = await lockedCategoryIndex(deps, tx);
      const before = index.byId.get(id);
      if (!before) throw new AppError('NOT_FOUND', 'No such category');
      const patch: Partial<q.CategoryRow> = { updated_at: now };
      if (body.name !== undefined) patch.name = body.name;
      if (body.goodsType !== undefined) patch.goods_type = body.goodsType;
      if (body.game !== undefined) patch.game = body.game;
      if (body.denomination !== undefined) patch.denomination = body.denomination;
      if (body.sortOrder !== undefined) patch.sort_order = body.sortOrder;
      if (body.parentId !== undefined && body.parentId !== before.parent_id) {
        const parentId = body.parentId;
        if (parentId !== null) {
          if (!index.byId.has(parentId)) {
            throw new AppError('UNPROCESSABLE', 'The new parent category does not exist', {
              issues: [{ path: ['parentId'], message: 'no such category' }],
            });
          }
          if (index.descendants(id).includes(parentId)) {
            throw new AppError('UNPROCESSABLE', 'A category cannot move under itself or one of its descendants', {
              issues: [{ path: ['parentId'], message: 'would make a cycle' }],
            });
          }
          if (index.depth(parentId) + index.height(id) > MAX_CATEGORY_DEPTH) {
            throw new AppError('UNPROCESSABLE', `Categories nest at most ${MAX_CATEGORY_DEPTH} deep`, {
              issues: [{ path: ['parentId'], message: 'too deep' }],
            });
          }
        }
        patch.parent_id = parentId;
      }
      await q.updateCategory(tx, id, patch);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'category.update',
        objectType: 'category',
        objectId: id,
        ip: meta.ip,
        details: { before: toCategoryDto(before), changes: body },
      });
      return { ...before, ...patch };
    });
    await invalidateCatalogCache(deps);
    return toCategoryDto(updated);
  } catch (err) {
    if (isUniqueViolation(err)) throw siblingConflict(body.name ?? 'that name');
    throw err;
  }
}

export async function deleteCategory(deps: Deps, auth: AuthContext, id: string, meta: RequestMeta): Promise<void> {
  try {
    await deps.db.transaction().execute(async (tx) => {
      const row = await q.findCategory(tx, id);
      if (!row) throw new AppError('NOT_FOUND', 'No such category');
      if (await q.hasChildren(tx, id)) throw new AppError('CONFLICT', 'Move or delete its sub-categories first');
      if (await q.hasProducts(tx, id)) throw new AppError('CONFLICT', 'The category still holds products');
      await q.deleteCategory(tx, id);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'category.delete',
        objectType: 'category',
        objectId: id,
        ip: meta.ip,
        details: { name: row.name, parentId: row.parent_id },
      });
    });
  } catch (err) {
    // a product or sub-category added while we deleted
    if (isForeignKeyViolation(err)) throw new AppError('CONFLICT', 'The category is no longer empty');
    throw err;
  }
  await invalidateCatalogCache(deps);
}

// ─── products: shared ───

export function coverUrl(file: string | null): string | null {
  return file ? `${UPLOADS_URL_PREFIX}${file}` : null;
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
function stockOf(deps: Deps, db: Executor, rows: q.ProductRow[]): Promise<Map<string, number | null>> {
  const countKeys = deps.hooks.get(stockCounts);
  return stockWith(rows, (ids) => countKeys(db, ids));
}

/**
 * Stock on public pages: each card-key product's count is cached on its own and dropped with that
 * product's pages, so refilling the pages after a sale counts the sold product's keys once, not once per
 * page and not the keys of every product on a listing (a COUNT over a product's keys grows with its keys).
 */
function publicStockOf(deps: Deps, rows: q.ProductRow[]): Promise<Map<string, number | null>> {
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

function toListItem(r: q.ProductRow, stock: number | null): ProductListItemDto {
  return {
    id: r.id,
    supplierId: r.supplier_id,
    categoryId: r.category_id,
    title: r.title,
    priceCents: r.price_cents,
    priceTiers: parseTiers(r.price_tiers),
    deliveryMode: r.delivery_mode,
    stock,
    salesCount: r.sales_count,
    coverUrl: coverUrl(r.cover_file),
    minPerOrder: r.min_per_order,
    maxPerOrder: r.max_per_order,
    createdAt: r.created_at,
  };
}

/** The public list items of those of `ids` that can be bought now (approved and on sale), by id. */
export async function sellableListItems(
  deps: Deps,
  db: Executor,
  ids: string[],
): Promise<Map<string, ProductListItemDto>> {
  if (ids.length === 0) return new Map();
  const rows = (await q.productsByIds(db, ids)).filter((r) => r.status === 'approved' && r.on_sale === 1);
  const stock = await stockOf(deps, db, rows);
  return new Map(rows.map((r) => [r.id, toListItem(r, stock.get(r.id) ?? null)]));
}

function toManageDto(r: q.ProductRow, stock: number | null): ProductManageDto {
  return {
    ...toListItem(r, stock),
    descriptionHtml: r.description_html,
    recipientField: r.recipient_field,
    status: r.status,
    onSale: r.on_sale === 1,
    updatedAt: r.updated_at,
    lowStockThreshold: r.low_stock_threshold,
    lowStock: stock !== null && r.low_stock_threshold !== null && stock <= r.low_stock_threshold,
    rejectReason: r.reject_reason,
    revision: r.revision,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at,
  };
}

async function manageDto(deps: Deps, db: Executor, r: q.ProductRow): Promise<ProductManageDto> {
  return toManageDto(r, (await stockOf(deps, db, [r])).get(r.id) ?? null);
}

interface ProductShape {
  deliveryMode: DeliveryMode;
  priceCents: number;
  priceTiers: PriceTierValue[];
  minPerOrder: number;
  maxPerOrder: number | null;
  recipientField: string | null;
  stock: number | null;
}

/** Rules across fields, checked on the product as it will be after a create or an edit. */
function checkShape(p: ProductShape): void {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (p.deliveryMode === 'auto' && p.stock !== null) {
    issues.push({ path: ['stock'], message: 'card-key stock is the number of keys imported; leave stock out' });
  }
  if (p.deliveryMode !== 'direct' && p.recipientField !== null) {
    issues.push({ path: ['recipientField'], message: 'only direct top-up goods ask the buyer for an account' });
  }
  if (p.maxPerOrder !== null && p.maxPerOrder < p.minPerOrder) {
    issues.push({ path: ['maxPerOrder'], message: 'must not be below minPerOrder' });
  }
  let previous = p.priceCents;
  for (const [i, t] of p.priceTiers.entries()) {
    if (t.priceCents > previous) {
      issues.push({ path: ['priceTiers', i, 'priceCents'], message: 'a larger quantity must not cost more per unit' });
    }
    previous = t.priceCents;
  }
  if (issues.length > 0) throw invalid('The product is not valid', issues);
}

async function checkBannedWords(db: Executor, title: string, descriptionHtml: string): Promise<void> {
  const words = await q.listBannedWords(db);
  if (words.length === 0) return;
  const inTitle = findBannedWords(words, [title]);
  const inDescription = findBannedWords(words, [textOf(descriptionHtml), descriptionHtml]);
  const found = [...new Set([...inTitle, ...inDescription])];
  if (found.length === 0) return;
  const issues = [
    ...(inTitle.length > 0 ? [{ path: ['title'], message: `contains banned words: ${inTitle.join(', ')}` }] : []),
    ...(inDescription.length > 0
      ? [{ path: ['description'], message: `contains banned words: ${inDescription.join(', ')}` }]
      : []),
  ];
  throw new AppError('UNPROCESSABLE', `Remove the banned words: ${found.join(', ')}`, { words: found, issues });
}

async function checkCategoryFits(db: Executor, categoryId: string, mode: DeliveryMode): Promise<void> {
  const path = await categoryPath(db, categoryId);
  if (path.length === 0) {
    throw new AppError('UNPROCESSABLE', 'The category does not exist', {
      issues: [{ path: ['categoryId'], message: 'no such category' }],
    });
  }
  for (const id of path) {
    const c = await q.findCategory(db, id);
    if (c?.goods_type) {
      if (GOODS_TYPE_MODE[c.goods_type] !== mode) {
        throw new AppError(
          'UNPROCESSABLE',
          `This category sells ${c.goods_type} goods; use delivery mode ${GOODS_TYPE_MODE[c.goods_type]}`,
          {
            issues: [{ path: ['deliveryMode'], message: `must be ${GOODS_TYPE_MODE[c.goods_type]} in this category` }],
          },
        );
      }
      return;
    }
  }
}

// ─── products: suppliers ───

export async function createProduct(
  deps: Deps,
  auth: AuthContext,
  body: CreateProductBody,
  meta: RequestMeta,
): Promise<ProductManageDto> {
  const shape: ProductShape = {
    deliveryMode: body.deliveryMode,
    priceCents: body.priceCents,
    priceTiers: [...(body.priceTiers ?? [])].sort((a, b) => a.minQuantity - b.minQuantity),
    minPerOrder: body.minPerOrder ?? 1,
    maxPerOrder: body.maxPerOrder ?? null,
    recipientField: body.recipientField ?? null,
    stock: body.stock ?? null,
  };
  checkShape(shape);
  const descriptionHtml = sanitizeDescription(body.description);
  const now = deps.clock.now();
  const row: q.ProductRow = {
    id: newId('prd', deps.clock, deps.random),
    supplier_id: auth.userId,
    category_id: body.categoryId,
    title: body.title,
    description_html: descriptionHtml,
    price_cents: shape.priceCents,
    price_tiers: JSON.stringify(shape.priceTiers),
    min_per_order: shape.minPerOrder,
    max_per_order: shape.maxPerOrder,
    low_stock_threshold: body.lowStockThreshold ?? null,
    recipient_field: shape.recipientField,
    delivery_mode: shape.deliveryMode,
    stock: shape.stock,
    status: 'pending_review',
    on_sale: 1,
    revision: 1,
    reject_reason: null,
    reviewed_by: null,
    reviewed_at: null,
    sales_count: 0,
    cover_file: null,
    created_at: now,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (tx) => {
    await checkBannedWords(tx, row.title, row.description_html);
    await checkCategoryFits(tx, row.category_id, row.delivery_mode);
    await q.insertProduct(tx, row);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'product.create',
      objectType: 'product',
      objectId: row.id,
      ip: meta.ip,
      details: { title: row.title, categoryId: row.category_id, priceCents: row.price_cents },
    });
  });
  await invalidateCatalogCache(deps);
  return toManageDto(row, row.delivery_mode === 'auto' ? 0 : row.stock);
}

/** The supplier's own product, or 404: another supplier's product does not exist for them. */
async function ownProduct(db: Executor, auth: AuthContext, id: string): Promise<q.ProductRow> {
  const row = await q.findProduct(db, id);
  if (!row || row.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such product');
  return row;
}

function sameTiers(a: PriceTierValue[], b: PriceTierValue[]): boolean {
  return (
    a.length === b.length && a.every((t, i) => t.minQuantity === b[i]!.minQuantity && t.priceCents === b[i]!.priceCents)
  );
}

export async function updateProduct(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: UpdateProductBody,
  meta: RequestMeta,
): Promise<ProductManageDto> {
  const now = deps.clock.now();
  const updated = await deps.db.transaction().execute(async (tx) => {
    const locked = await forUpdate(
      deps.dialect,
      tx.selectFrom('products').selectAll().where('id', '=', id),
    ).executeTakeFirst();
    if (!locked || locked.supplier_id !== auth.userId) throw new AppError('NOT_FOUND', 'No such product');
    const before = locked;
    const beforeTiers = parseTiers(before.price_tiers);
    const mode = body.deliveryMode ?? before.delivery_mode;
    const tiers =
      body.priceTiers !== undefined ? [...body.priceTiers].sort((a, b) => a.minQuantity - b.minQuantity) : beforeTiers;
    const shape: ProductShape = {
      deliveryMode: mode,
      priceCents: body.priceCents ?? before.price_cents,
      priceTiers: tiers,
      minPerOrder: body.minPerOrder ?? before.min_per_order,
      maxPerOrder: body.maxPerOrder !== undefined ? body.maxPerOrder : before.max_per_order,
      // a change of delivery mode drops what no longer applies unless the edit sets it again
      recipientField:
        body.recipientField !== undefined ? body.recipientField : mode === 'direct' ? before.recipient_field : null,
      stock: body.stock !== undefined ? body.stock : mode === 'auto' ? null : before.stock,
    };
    checkShape(shape);
    const descriptionHtml =
      body.description !== undefined ? sanitizeDescription(body.description) : before.description_html;
    const title = body.title ?? before.title;
    const categoryId = body.categoryId ?? before.category_id;

    const changed: string[] = [];
    if (title !== before.title) changed.push('title');
    if (descriptionHtml !== before.description_html) changed.push('description');
    if (shape.priceCents !== before.price_cents) changed.push('priceCents');
    if (!sameTiers(tiers, beforeTiers)) changed.push('priceTiers');
    if (categoryId !== before.category_id) changed.push('categoryId');
    if (mode !== before.delivery_mode) changed.push('deliveryMode');
    const material = changed.length > 0;

    if (body.title !== undefined || body.description !== undefined) {
      await checkBannedWords(tx, title, descriptionHtml);
    }
    if (categoryId !== before.category_id || mode !== before.delivery_mode) {
      await checkCategoryFits(tx, categoryId, mode);
    }

    const patch: Partial<q.ProductRow> = {
      title,
      description_html: descriptionHtml,
      price_cents: shape.priceCents,
      price_tiers: JSON.stringify(tiers),
      category_id: categoryId,
      delivery_mode: mode,
      min_per_order: shape.minPerOrder,
      max_per_order: shape.maxPerOrder,
      recipient_field: shape.recipientField,
      stock: shape.stock,
      low_stock_threshold: body.lowStockThreshold !== undefined ? body.lowStockThreshold : before.low_stock_threshold,
      on_sale: body.onSale !== undefined ? (body.onSale ? 1 : 0) : before.on_sale,
      updated_at: now,
    };
    if (material) {
      Object.assign(patch, {
        status: 'pending_review',
        revision: before.revision + 1,
        reject_reason: null,
        reviewed_by: null,
        reviewed_at: null,
      } satisfies Partial<q.ProductRow>);
    }
    if (!(await q.updateProduct(tx, id, before, patch))) {
      throw new AppError('CONFLICT', 'The product changed while you edited it; reload and try again');
    }
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'product.update',
      objectType: 'product',
      objectId: id,
      ip: meta.ip,
      details: { fields: Object.keys(body), material: changed, statusBefore: before.status },
    });
    const after: q.ProductRow = { ...before, ...patch };
    return manageDto(deps, tx, after);
  });
  await invalidateCatalogCache(deps);
  return updated;
}

export async function myProducts(
  deps: Deps,
  auth: AuthContext,
  f: { status?: ProductStatus | undefined; q?: string | undefined; page: number; pageSize: number },
): Promise<{ items: ProductManageDto[]; total: number }> {
  return manageList(deps, deps.db, { ...f, supplierId: auth.userId });
}

export async function getMyProduct(deps: Deps, auth: AuthContext, id: string): Promise<ProductManageDto> {
  return manageDto(deps, deps.db, await ownProduct(deps.db, auth, id));
}

async function manageList(
  deps: Deps,
  db: Executor,
  f: {
    status?: ProductStatus | undefined;
    q?: string | undefined;
    supplierId?: string | undefined;
    page: number;
    pageSize: number;
  },
): Promise<{ items: ProductManageDto[]; total: number }> {
  const { rows, total } = await q.searchProducts(db, {
    sellableOnly: false,
    status: f.status,
    supplierId: f.supplierId,
    q: f.q,
    sort: 'newest',
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  const stock = await stockOf(deps, db, rows);
  return { items: rows.map((r) => toManageDto(r, stock.get(r.id) ?? null)), total };
}

const IMAGE_TYPES = [
  {
    ext: 'png',
    contentType: 'image/png',
    test: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
  },
  {
    ext: 'jpg',
    contentType: 'image/jpeg',
    test: (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    ext: 'webp',
    contentType: 'image/webp',
    test: (b: Buffer) =>
      b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP',
  },
] as const;

/** The image type by its first bytes, whatever the request claimed. */
export function detectImage(body: Buffer): (typeof IMAGE_TYPES)[number] | undefined {
  return IMAGE_TYPES.find((t) => t.test(body));
}

function uploadsDir(deps: Deps): string {
  return join(deps.config.dataDir, 'uploads');
}

export async function uploadCover(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: unknown,
  meta: RequestMeta,
): Promise<{ coverUrl: string }> {
  await ownProduct(deps.db, auth, id);
  if (!Buffer.isBuffer(body)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the image itself as the body (image/png, image/jpeg or image/webp)',
    );
  }
  if (body.length === 0) throw new AppError('BAD_REQUEST', 'The image is empty');
  if (body.length > MAX_COVER_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', 'A cover image is at most 2 MB');
  const type = detectImage(body);
  if (!type) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'A cover must be a PNG, JPEG or WebP image');
  const file = `${deps.random.bytes(16).toString('hex')}.${type.ext}`;
  const dir = uploadsDir(deps);
  await mkdir(dir, { recursive: true });
  const path = join(dir, file);
  await writeFile(path, body, { flag: 'wx' });
  try {
    await deps.db.transaction().execute(async (tx) => {
      await ownProduct(tx, auth, id);
      await q.setCover(tx, id, file, deps.clock.now());
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'product.cover',
        objectType: 'product',
        objectId: id,
        ip: meta.ip,
        details: { file, bytes: body.length },
      });
    });
  } catch (err) {
    await unlink(path).catch(() => {});
    throw err;
  }
  await invalidateCatalogCache(deps);
  return { coverUrl: coverUrl(file)! };
}

const UPLOAD_NAME = /^[a-f0-9]{32}\.(png|jpg|webp)$/;

export async function readUpload(deps: Deps, name: string): Promise<{ body: Buffer; contentType: string }> {
  const m = UPLOAD_NAME.exec(name);
  if (!m) throw new AppError('NOT_FOUND', 'No such file');
  const type = IMAGE_TYPES.find((t) => t.ext === m[1])!;
  try {
    return { body: await readFile(join(uploadsDir(deps), name)), contentType: type.contentType };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', 'No such file');
    throw err;
  }
}

// ─── review ───

export async function listProductsForReview(
  deps: Deps,
  f: {
    status?: ProductStatus | undefined;
    q?: string | undefined;
    supplierId?: string | undefined;
    page: number;
    pageSize: number;
  },
): Promise<{ items: ProductManageDto[]; total: number }> {
  return manageList(deps, deps.db, f);
}

async function decide(
  deps: Deps,
  auth: AuthContext,
  id: string,
  decision:
    | { approve: true; revision?: number | undefined }
    | { approve: false; reason: string; revision?: number | undefined },
  meta: RequestMeta,
): Promise<ProductManageDto> {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (tx) => {
    const before = await q.findProduct(tx, id);
    if (!before) throw new AppError('NOT_FOUND', 'No such product');
    const ok = decision.approve
      ? await q.approveProduct(tx, id, { reviewedBy: auth.userId, now, revision: decision.revision })
      : await q.rejectProduct(tx, id, {
          reviewedBy: auth.userId,
          now,
          reason: decision.reason,
          revision: decision.revision,
        });
    if (!ok) {
      const current = (await q.findProduct(tx, id))!;
      if (decision.revision !== undefined && current.revision !== decision.revision) {
        throw new AppError('CONFLICT', 'The supplier changed the product since you opened it; review it again', {
          revision: current.revision,
        });
      }
      throw new AppError('INVALID_STATE', `The product is ${current.status}`, { status: current.status });
    }
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: decision.approve ? 'product.approve' : 'product.reject',
      objectType: 'product',
      objectId: id,
      ip: meta.ip,
      details: {
        revision: before.revision,
        statusBefore: before.status,
        supplierId: before.supplier_id,
        ...(decision.approve ? {} : { reason: decision.reason }),
      },
    });
    return manageDto(deps, tx, (await q.findProduct(tx, id))!);
  });
  await invalidateCatalogCache(deps);
  return result;
}

export function approveProduct(
  deps: Deps,
  auth: AuthContext,
  id: string,
  revision: number | undefined,
  meta: RequestMeta,
): Promise<ProductManageDto> {
  return decide(deps, auth, id, { approve: true, revision }, meta);
}

/** Rejects a product under review, or takes an approved one off sale, with a reason the supplier sees. */
export function rejectProduct(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: { reason: string; revision?: number | undefined },
  meta: RequestMeta,
): Promise<ProductManageDto> {
  return decide(deps, auth, id, { approve: false, reason: body.reason, revision: body.revision }, meta);
}

export async function getBannedWords(deps: Deps): Promise<{ words: string[] }> {
  return { words: await q.listBannedWords(deps.db) };
}

export async function setBannedWords(
  deps: Deps,
  auth: AuthContext,
  words: string[],
  meta: RequestMeta,
): Promise<{ words: string[] }> {
  const wanted = [...new Set(words)].sort();
  await deps.db.transaction().execute(async (tx) => {
    const before = await q.listBannedWords(tx);
    await q.replaceBannedWords(tx, wanted, deps.clock.now());
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'catalog.banned_words_set',
      objectType: 'settings',
      objectId: 'catalog.banned_words',
      ip: meta.ip,
      details: {
        added: wanted.filter((w) => !before.includes(w)),
        removed: before.filter((w) => !wanted.includes(w)),
      },
    });
  });
  return { words: wanted };
}

// ─── public catalog ───

export async function searchProducts(
  deps: Deps,
  f: ProductSearchQuery,
): Promise<JsonEntry<{ items: ProductListItemDto[]; total: number; page: number; pageSize: number }>> {
  const key = `search:${JSON.stringify(Object.entries(f).sort(([a], [b]) => a.localeCompare(b)))}`;
  // stock and sales counts do not move a product in or out of a listing: only the sales sort reorders
  return cachedJson(
    deps,
    key,
    productSearchResultSchema,
    () => findProducts(deps, f),
    (page) => ({
      products: page.items.map((i) => i.id),
      bySales: f.sort === 'sales',
    }),
  );
}

async function findProducts(
  deps: Deps,
  f: ProductSearchQuery,
): Promise<{ items: ProductListItemDto[]; total: number; page: number; pageSize: number }> {
  let categoryIds: string[] | undefined;
  if (f.categoryId !== undefined || f.game !== undefined || f.denomination !== undefined) {
    const index = await categoryIndex(deps);
    let ids = f.categoryId !== undefined ? index.descendants(f.categoryId) : index.rows.map((r) => r.id);
    if (f.game !== undefined) ids = ids.filter((id) => index.effective(id, 'game') === f.game);
    if (f.denomination !== undefined) ids = ids.filter((id) => index.effective(id, 'denomination') === f.denomination);
    categoryIds = ids;
  }
  // the public catalog may lag the primary a little (it is cached anyway): it reads from the replica when there is one
  const { rows, total } = await q.searchProducts(deps.readDb, {
    sellableOnly: true,
    categoryIds,
    deliveryMode: f.goodsType ? GOODS_TYPE_MODE[f.goodsType] : undefined,
    supplierId: f.supplierId,
    q: f.q,
    minPriceCents: f.minPriceCents,
    maxPriceCents: f.maxPriceCents,
    sort: f.sort,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  const stock = await publicStockOf(deps, rows);
  return {
    items: rows.map((r) => toListItem(r, stock.get(r.id) ?? null)),
    total,
    page: f.page,
    pageSize: f.pageSize,
  };
}

function toDetail(r: q.ProductRow, stock: number | null, index: CategoryIndex, manage: boolean): ProductDetailDto {
  const m = toManageDto(r, stock);
  return {
    id: m.id,
    supplierId: m.supplierId,
    categoryId: m.categoryId,
    title: m.title,
    descriptionHtml: m.descriptionHtml,
    priceCents: m.priceCents,
    priceTiers: m.priceTiers,
    minPerOrder: m.minPerOrder,
    maxPerOrder: m.maxPerOrder,
    deliveryMode: m.deliveryMode,
    recipientField: m.recipientField,
    stock: m.stock,
    salesCount: m.salesCount,
    coverUrl: m.coverUrl,
    status: m.status,
    onSale: m.onSale,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    categoryPath: index.ancestry(r.category_id).map((c) => ({ id: c.id, name: c.name })),
    ...(manage
      ? {
          manage: {
            lowStockThreshold: m.lowStockThreshold,
            lowStock: m.lowStock,
            rejectReason: m.rejectReason,
            revision: m.revision,
          },
        }
      : {}),
  };
}

const publicPageSchema = productDetailSchema.nullable();

/** A page as everyone sees it (cached, already serialised), or as its supplier or an operator sees it. */
export type ProductPage = { public: JsonEntry<ProductDetailDto> } | { own: ProductDetailDto };

/**
 * A product page. Anyone sees a product on sale; its supplier and the operators also see it under
 * review, rejected or off sale (everyone else gets 404, as if it did not exist).
 */
export async function productDetail(deps: Deps, auth: AuthContext | null, id: string): Promise<ProductPage> {
  const loadDirect = async (): Promise<ProductDetailDto | null> => {
    const row = await q.findProduct(deps.db, id);
    if (!row) return null;
    if (!(isOperator(auth) || row.supplier_id === auth?.userId)) return null;
    const stock = (await stockOf(deps, deps.db, [row])).get(row.id) ?? null;
    return toDetail(row, stock, await categoryIndex(deps), true);
  };
  if (auth && isOperator(auth)) {
    const d = await loadDirect();
    if (!d) throw new AppError('NOT_FOUND', 'No such product');
    return { own: d };
  }
  const pub = await cachedJson(
    deps,
    `product:${id}`,
    publicPageSchema,
    async () => {
      const row = await q.findProduct(deps.readDb, id);
      if (row?.status !== 'approved' || row.on_sale !== 1) return null;
      const stock = (await publicStockOf(deps, [row])).get(row.id) ?? null;
      return toDetail(row, stock, await categoryIndex(deps), false);
    },
    () => ({ products: [id] }),
  );
  if (auth && (pub.value === null || pub.value.supplierId === auth.userId)) {
    const own = await loadDirect();
    if (own) return { own };
  }
  if (pub.value === null) throw new AppError('NOT_FOUND', 'No such product');
  return { public: pub as JsonEntry<ProductDetailDto> };
}
