/**
 * What a member's level and a supplier's grants make of a product's price: the inputs `decidePrice`
 * (contracts/pricing.ts) takes as a buyer's terms, and the supplier's fee discount. Suppliers set a price
 * per level and a price for one buyer (密价) on their own products only; the buyer never sets anything.
 */
import type { BuyerTerms } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { contactsOf, type RequestMeta, userIdByEmailOrPhone } from '../accounts/accounts.service.ts';
import { categoryPath, getMyProduct } from '../catalog/catalog.service.ts';
import { levelsOfUsers, standingOf } from './members.levels.ts';
import * as q from './members.queries.ts';

/** The terms of `buyerId` for each product (by id); products he has none on are absent. */
export async function buyerTerms(
  db: Executor,
  buyerId: string,
  products: ReadonlyArray<{ id: string; categoryId: string }>,
): Promise<Map<string, BuyerTerms>> {
  const out = new Map<string, BuyerTerms>();
  const ids = products.map((p) => p.id);
  const granted = new Map((await q.userPricesFor(db, buyerId, ids)).map((r) => [r.product_id, Number(r.price_cents)]));
  const levels = await q.listLevels(db);
  const level = levels.length > 0 ? standingOf(levels, await q.findMember(db, buyerId)).level : null;
  const byLevel = new Map<string, number>();
  const productDiscount = new Map<string, number>();
  const categoryDiscount = new Map<string, number>();
  if (level) {
    // a level's members also get the prices set for the levels below it: the lowest of them counts
    const below = new Set(levels.filter((l) => l.rank <= level.rank).map((l) => l.id));
    for (const r of await q.levelPricesOf(db, ids)) {
      if (!below.has(r.level_id)) continue;
      const price = Number(r.price_cents);
      byLevel.set(r.product_id, Math.min(price, byLevel.get(r.product_id) ?? price));
    }
    for (const d of await q.discountsOf(db, [level.id])) {
      (d.scope === 'product' ? productDiscount : categoryDiscount).set(d.scope_id, d.discount_bps);
    }
  }
  const paths = new Map<string, string[]>();
  for (const p of products) {
    const terms: BuyerTerms = {};
    if (granted.has(p.id)) terms.userPriceCents = granted.get(p.id)!;
    if (level) {
      if (byLevel.has(p.id)) terms.levelPriceCents = byLevel.get(p.id)!;
      let bps = productDiscount.get(p.id);
      if (bps === undefined && categoryDiscount.size > 0) {
        let path = paths.get(p.categoryId);
        if (!path) {
          path = await categoryPath(db, p.categoryId);
          paths.set(p.categoryId, path);
        }
        bps = path.map((c) => categoryDiscount.get(c)).find((b) => b !== undefined);
      }
      bps ??= level.discount_bps;
      if (bps > 0) terms.levelDiscountBps = bps;
    }
    if (Object.keys(terms).length > 0) out.set(p.id, terms);
  }
  return out;
}

/** The fraction of the commission a supplier's level takes off (bps of the rate; 0 without a level). */
export async function supplierFeeDiscountBps(db: Executor, supplierId: string): Promise<number> {
  return (await levelsOfUsers(db, [supplierId])).get(supplierId)?.fee_discount_bps ?? 0;
}

// ── a supplier's prices on his product ──

export async function getLevelPrices(deps: Deps, auth: AuthContext, productId: string) {
  await getMyProduct(deps, auth, productId);
  const levels = new Map((await q.listLevels(deps.db)).map((l) => [l.id, l]));
  const rows = await q.levelPricesOf(deps.db, [productId]);
  return {
    items: rows
      .filter((r) => levels.has(r.level_id))
      .sort((a, b) => levels.get(a.level_id)!.rank - levels.get(b.level_id)!.rank)
      .map((r) => ({
        levelId: r.level_id,
        levelName: levels.get(r.level_id)!.name,
        priceCents: Number(r.price_cents),
      })),
  };
}

export async function setLevelPrices(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  items: Array<{ levelId: string; priceCents: number }>,
  meta: RequestMeta,
) {
  const product = await getMyProduct(deps, auth, productId);
  const levels = new Set((await q.listLevels(deps.db)).map((l) => l.id));
  for (const [i, it] of items.entries()) {
    if (!levels.has(it.levelId)) {
      throw new AppError('NOT_FOUND', 'No such level', {
        issues: [{ path: ['items', i, 'levelId'], message: 'not found' }],
      });
    }
  }
  if (new Set(items.map((i) => i.levelId)).size !== items.length) {
    throw new AppError('VALIDATION_FAILED', 'Each level may be priced once', {
      issues: [{ path: ['items'], message: 'duplicate levelId' }],
    });
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await q.replaceLevelPrices(
      tx,
      productId,
      items.map((it) => ({
        product_id: productId,
        level_id: it.levelId,
        supplier_id: product.supplierId,
        price_cents: it.priceCents,
        updated_at: now,
      })),
    );
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'product.level_prices',
      objectType: 'product',
      objectId: productId,
      ip: meta.ip,
      details: { items },
    });
  });
  return getLevelPrices(deps, auth, productId);
}

export async function listUserPrices(deps: Deps, auth: AuthContext, productId: string) {
  await getMyProduct(deps, auth, productId);
  const rows = await q.userPricesOfProduct(deps.db, productId);
  const contacts = await contactsOf(
    deps.db,
    rows.map((r) => r.user_id),
  );
  return {
    items: rows.map((r) => {
      const c = contacts.get(r.user_id);
      return {
        id: r.id,
        productId: r.product_id,
        buyerId: r.user_id,
        buyer: c?.email ?? c?.phone ?? '',
        priceCents: Number(r.price_cents),
        createdAt: r.created_at,
      };
    }),
  };
}

/** 密价: a supplier grants one buyer (by email or phone) a price on one of his products; a second replaces it. */
export async function grantUserPrice(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  body: { buyer: string; priceCents: number },
  meta: RequestMeta,
): Promise<{ id: string }> {
  await deps.limiter.consume(`user-price:u:${auth.userId}`, { max: 60, windowMs: 60_000 }, 'price grants');
  const product = await getMyProduct(deps, auth, productId);
  const buyerId = await userIdByEmailOrPhone(deps.db, body.buyer);
  if (!buyerId) {
    throw new AppError('NOT_FOUND', 'No account has this email or phone', {
      issues: [{ path: ['buyer'], message: 'not found' }],
    });
  }
  if (buyerId === product.supplierId) throw new AppError('UNPROCESSABLE', 'You cannot grant yourself a price');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    await q.upsertUserPrice(tx, {
      id: newId('upr', deps.clock, deps.random),
      supplier_id: product.supplierId,
      product_id: productId,
      user_id: buyerId,
      price_cents: body.priceCents,
      created_at: now,
    });
    const row = (await q.findUserPrice(tx, productId, buyerId))!;
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'product.user_price',
      objectType: 'product',
      objectId: productId,
      ip: meta.ip,
      details: { buyerId, priceCents: body.priceCents },
    });
    return { id: row.id };
  });
}

export async function deleteUserPrice(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const product = await getMyProduct(deps, auth, productId);
  await deps.db.transaction().execute(async (tx) => {
    if (!(await q.deleteUserPrice(tx, product.supplierId, productId, id))) {
      throw new AppError('NOT_FOUND', 'No such price');
    }
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'product.user_price_delete',
      objectType: 'product',
      objectId: productId,
      ip: meta.ip,
      details: { id },
    });
  });
}
