/** Suppliers create, edit and list their own products; every edit is checked as the product will be after it. */
import type { CreateProductBody, ProductManageDto, UpdateProductBody } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import { invalidateCatalogCache } from './catalog.cache.ts';
import { categoryPath } from './catalog.categories.ts';
import { findBannedWords, sanitizeDescription, textOf } from './catalog.content.ts';
import { GOODS_TYPE_MODE, type PriceTierValue, parseTiers, toManageDto } from './catalog.product-views.ts';
import * as q from './catalog.queries.ts';
import { stockOf } from './catalog.stock.ts';
import { refuseWhileSuspended } from './catalog.suspension.ts';
import type { DeliveryMode, ProductStatus } from './catalog.tables.ts';

function invalid(message: string, issues: { path: (string | number)[]; message: string }[]): AppError {
  return new AppError('VALIDATION_FAILED', message, { issues });
}

export async function manageDto(deps: Deps, db: Executor, r: q.ProductRow): Promise<ProductManageDto> {
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
  await refuseWhileSuspended(deps.db, deps, auth.userId);
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
export async function ownProduct(db: Executor, auth: AuthContext, id: string): Promise<q.ProductRow> {
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
    if (body.onSale === true && locked.on_sale !== 1) await refuseWhileSuspended(tx, deps, auth.userId);
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

/** A page of products as suppliers and operators manage them, whatever their status. */
export interface ManageFilter {
  status?: ProductStatus | undefined;
  q?: string | undefined;
  supplierId?: string | undefined;
  page: number;
  pageSize: number;
}

export async function manageList(
  deps: Deps,
  db: Executor,
  f: ManageFilter,
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
