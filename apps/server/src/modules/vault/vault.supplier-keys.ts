/** A supplier's own products and keys: which products are theirs, their keys listed, one revealed (audited), unsold ones voided. */
import { writeAudit } from '../../platform/audit.ts';
import { decrypt } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getProductsForOrder, invalidateCatalogProducts, type ProductForOrder } from '../catalog/catalog.service.ts';
import { countInStock } from './vault.allocation.ts';
import { batchKeys } from './vault.data-keys.ts';
import * as q from './vault.queries.ts';
import type { KeyStatus } from './vault.tables.ts';

async function ownedProduct(db: Executor, supplierId: string, productId: string): Promise<ProductForOrder> {
  const p = (await getProductsForOrder(db, [productId])).get(productId);
  // another supplier's product is simply not found
  if (!p || p.supplierId !== supplierId) throw new AppError('NOT_FOUND', 'No such product');
  return p;
}

export async function ownedAutoProduct(db: Executor, supplierId: string, productId: string): Promise<ProductForOrder> {
  const p = await ownedProduct(db, supplierId, productId);
  if (p.deliveryMode !== 'auto') {
    throw new AppError('UNPROCESSABLE', 'Card keys belong to products delivered automatically', {
      issues: [{ path: ['productId'], message: `delivery mode is ${p.deliveryMode}` }],
    });
  }
  return p;
}

// ─── the supplier's view of its keys ───

export async function listProductKeys(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  f: { status?: KeyStatus | undefined; page: number; pageSize: number },
) {
  await ownedProduct(deps.db, auth.userId, productId);
  const { rows, total } = await q.listKeys(deps.db, productId, f.status, f.pageSize, (f.page - 1) * f.pageSize);
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      batchId: r.batch_id,
      masked: r.masked,
      status: r.status,
      orderId: r.order_id,
      createdAt: r.created_at,
      reservedAt: r.reserved_at,
      soldAt: r.sold_at,
    })),
  };
}

/** A supplier reads one of its keys in full; every reveal is audited. */
export async function revealKey(
  deps: Deps,
  auth: AuthContext,
  keyId: string,
  ip: string,
): Promise<{ id: string; secret: string }> {
  const key = await q.findKey(deps.db, keyId);
  if (!key) throw new AppError('NOT_FOUND', 'No such key');
  await ownedProduct(deps.db, auth.userId, key.product_id);
  const dek = (await batchKeys(deps.db, deps, [key.batch_id])).get(key.batch_id);
  if (!dek) throw new Error(`batch ${key.batch_id} missing`);
  const secret = decrypt(dek, key.secret_enc, key.id).toString('utf8');
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'card_key.reveal',
    objectType: 'card_key',
    objectId: key.id,
    ip,
  });
  return { id: key.id, secret };
}

export async function voidUnsold(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  ids: string[],
  ip: string,
): Promise<{ voided: number }> {
  await ownedProduct(deps.db, auth.userId, productId);
  const voided = await deps.db.transaction().execute(async (tx) => {
    const n = await countInStock(tx, await q.voidAvailable(tx, [productId], ids), -1);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'card_keys.void',
      objectType: 'product',
      objectId: productId,
      ip,
      details: { requested: ids.length, voided: n },
    });
    return n;
  });
  await invalidateCatalogProducts(deps, [productId]);
  return { voided };
}
