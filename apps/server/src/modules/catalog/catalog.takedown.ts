/**
 * An operator takes a product down (违规下架) with a reason the supplier sees: off sale, and the supplier cannot put
 * it back until an operator lifts the takedown. Compliance takes a supplier's goods in some categories off sale
 * when a qualification they need lapses.
 */
import type { ProductManageDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../accounts/accounts.service.ts';
import { createNotice } from '../notify/notify.service.ts';
import { invalidateCatalogCache } from './catalog.cache.ts';
import { manageDto } from './catalog.products.ts';
import * as q from './catalog.queries.ts';

export async function takeDownProduct(
  deps: Deps,
  auth: AuthContext,
  id: string,
  reason: string,
  meta: RequestMeta,
): Promise<ProductManageDto> {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (tx) => {
    const row = await forUpdate(
      deps.dialect,
      tx.selectFrom('products').selectAll().where('id', '=', id),
    ).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such product');
    if (row.taken_down_at !== null) throw new AppError('INVALID_STATE', 'The product is already taken down');
    await tx
      .updateTable('products')
      .set({ on_sale: 0, takedown_reason: reason, taken_down_at: now, taken_down_by: auth.userId, updated_at: now })
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'product.takedown',
      objectType: 'product',
      objectId: id,
      ip: meta.ip,
      details: { supplierId: row.supplier_id, reason, wasOnSale: row.on_sale === 1 },
    });
    await createNotice(tx, deps, {
      userId: row.supplier_id,
      kind: 'product.takedown',
      title: `商品已被平台下架：${row.title}`,
      body: `下架原因：${reason}。如有异议请联系平台客服。`,
      link: `/supplier/products/${id}`,
      email: true,
    });
    return manageDto(deps, tx, (await q.findProduct(tx, id))!);
  });
  await invalidateCatalogCache(deps);
  return result;
}

/** Lifts a takedown; the product stays off sale until the supplier puts it back (through the usual checks). */
export async function liftTakedown(
  deps: Deps,
  auth: AuthContext,
  id: string,
  meta: RequestMeta,
): Promise<ProductManageDto> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const row = await q.findProduct(tx, id);
    if (!row) throw new AppError('NOT_FOUND', 'No such product');
    const lifted = await tx
      .updateTable('products')
      .set({ takedown_reason: null, taken_down_at: null, taken_down_by: null, updated_at: now })
      .where('id', '=', id)
      .where('taken_down_at', 'is not', null)
      .executeTakeFirst();
    if (Number(lifted.numUpdatedRows) !== 1) throw new AppError('INVALID_STATE', 'The product is not taken down');
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'product.takedown_lift',
      objectType: 'product',
      objectId: id,
      ip: meta.ip,
      details: { supplierId: row.supplier_id, reason: row.takedown_reason },
    });
    return manageDto(deps, tx, (await q.findProduct(tx, id))!);
  });
}

/** The categories and everything under them. */
export async function withDescendants(db: Executor, categoryIds: string[]): Promise<string[]> {
  const all = await q.listCategories(db);
  const out = new Set(categoryIds);
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of all) {
      if (c.parent_id !== null && out.has(c.parent_id) && !out.has(c.id)) {
        out.add(c.id);
        grew = true;
      }
    }
  }
  return [...out];
}

/** Takes the supplier's products in these categories (and below them) off sale; returns those it took. */
export async function takeOffSaleInCategories(
  tx: Executor,
  supplierId: string,
  categoryIds: string[],
  now: number,
): Promise<{ id: string; title: string }[]> {
  if (categoryIds.length === 0) return [];
  const cats = await withDescendants(tx, categoryIds);
  const rows = await tx
    .selectFrom('products')
    .select(['id', 'title'])
    .where('supplier_id', '=', supplierId)
    .where('category_id', 'in', cats)
    .where('on_sale', '=', 1)
    .execute();
  if (rows.length > 0) {
    await tx
      .updateTable('products')
      .set({ on_sale: 0, updated_at: now })
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
  }
  return rows;
}
