import { randomBytes } from 'node:crypto';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { decrypt, deriveKey, encrypt, hmacHex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getProductsForOrder, invalidateCatalogCache } from '../catalog/catalog.service.ts';
import * as q from './vault.queries.ts';
import type { CardKeysTable } from './vault.tables.ts';

export const MAX_KEY_LENGTH = 512;
const INSERT_CHUNK = 500;

function wrapKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'vault-wrap');
}
function hashKey(deps: Pick<Deps, 'config'>): Buffer {
  return deriveKey(deps.config.masterKey, 'vault-dedupe');
}

/** One key per line; `card,password` or `card password` pairs are kept as `card password`. */
export function normaliseKey(line: string): string | null {
  const s = line
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s*[,，\t]\s*/g, ' ')
    .replace(/\s+/g, ' ');
  if (s.length === 0 || s.length > MAX_KEY_LENGTH) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(s)) return null;
  return s;
}

export function maskKey(secret: string): string {
  if (secret.length <= 8) return `${secret.slice(0, 2)}****`;
  return `${secret.slice(0, 4)}****${secret.slice(-4)}`;
}

async function ownedAutoProduct(db: Executor, supplierId: string, productId: string) {
  const p = (await getProductsForOrder(db, [productId])).get(productId);
  // another supplier's product is simply not found
  if (!p || p.supplierId !== supplierId) throw new AppError('NOT_FOUND', 'No such product');
  return p;
}

export interface ImportResult {
  imported: number;
  duplicates: number;
  rejected: number;
}

/**
 * Imports keys into a new batch: each encrypted with AES-256-GCM under the batch's own data key
 * (wrapped by the master key), de-duplicated by a keyed hash within the batch and against the product.
 */
export async function importKeys(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  lines: Iterable<string>,
  source: string,
  ip: string,
): Promise<ImportResult> {
  const product = await ownedAutoProduct(deps.db, auth.userId, productId);
  if (product.deliveryMode !== 'auto')
    throw new AppError('UNPROCESSABLE', 'Card keys belong to products delivered automatically');
  const now = deps.clock.now();
  const dek = randomBytes(32);
  const batchId = newId('ckb', deps.clock, deps.random);
  let rejected = 0;
  let duplicates = 0;
  const seen = new Set<string>();
  const rows: CardKeysTable[] = [];
  for (const line of lines) {
    const secret = normaliseKey(line);
    if (secret === null) {
      if (line.trim().length > 0) rejected++;
      continue;
    }
    const hash = hmacHex(hashKey(deps), `${productId}:${secret}`);
    if (seen.has(hash)) {
      duplicates++;
      continue;
    }
    seen.add(hash);
    const id = newId('ck', deps.clock, deps.random);
    rows.push({
      id,
      product_id: productId,
      batch_id: batchId,
      secret_enc: encrypt(dek, secret, id),
      secret_hash: hash,
      masked: maskKey(secret),
      status: 'available',
      order_id: null,
      reserved_at: null,
      sold_at: null,
      created_at: now,
    });
  }
  const imported = await deps.db.transaction().execute(async (tx) => {
    await q.insertBatch(tx, {
      id: batchId,
      product_id: productId,
      supplier_id: auth.userId,
      wrapped_dek: encrypt(wrapKey(deps), dek, batchId),
      source,
      imported: 0,
      duplicates: 0,
      rejected: 0,
      created_at: now,
    });
    let n = 0;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) n += await q.insertKeys(tx, rows.slice(i, i + INSERT_CHUNK));
    duplicates += rows.length - n;
    await q.updateBatchCounts(tx, batchId, { imported: n, duplicates, rejected });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'card_keys.import',
      objectType: 'product',
      objectId: productId,
      ip,
      details: { batchId, imported: n, duplicates, rejected },
    });
    return n;
  });
  await invalidateCatalogCache(deps);
  return { imported, duplicates, rejected };
}

export async function reserveKeys(
  tx: Executor,
  deps: Deps,
  r: { productId: string; orderId: string; quantity: number },
): Promise<{ ok: true; keyIds: string[] } | { ok: false; available: number }> {
  const ids = await q.pickAvailable(tx, deps.dialect, r.productId, r.quantity);
  if (ids.length < r.quantity) return { ok: false, available: ids.length };
  const n = await q.reserve(tx, ids, r.orderId, deps.clock.now());
  if (n !== ids.length) throw new Error('reserved keys changed under a lock');
  return { ok: true, keyIds: ids };
}

export async function releaseKeys(tx: Executor, _deps: Deps, orderId: string): Promise<number> {
  return q.release(tx, orderId);
}

export async function markKeysSold(tx: Executor, deps: Deps, orderId: string): Promise<number> {
  return q.markSold(tx, orderId, deps.clock.now());
}

/** Decrypts an order's delivered keys. The caller has already checked that the reader owns the order. */
export async function revealKeysForOrder(db: Executor, deps: Deps, orderId: string): Promise<string[]> {
  const rows = await q.soldForOrder(db, orderId);
  if (rows.length === 0) return [];
  const batches = new Map((await q.findBatches(db, [...new Set(rows.map((r) => r.batch_id))])).map((b) => [b.id, b]));
  return rows.map((r) => {
    const batch = batches.get(r.batch_id);
    if (!batch) throw new Error(`batch ${r.batch_id} missing`);
    const dek = decrypt(wrapKey(deps), batch.wrapped_dek, batch.id);
    return decrypt(dek, r.secret_enc, r.id).toString('utf8');
  });
}

export async function availableCounts(db: Executor, productIds: string[]): Promise<Map<string, number>> {
  return q.availableCounts(db, productIds);
}

export async function listProductKeys(
  deps: Deps,
  auth: AuthContext,
  productId: string,
  f: { status?: CardKeysTable['status'] | undefined; page: number; pageSize: number },
) {
  await ownedAutoProduct(deps.db, auth.userId, productId);
  const { rows, total } = await q.listKeys(deps.db, productId, f.status, f.pageSize, (f.page - 1) * f.pageSize);
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      masked: r.masked,
      status: r.status,
      orderId: r.order_id,
      createdAt: r.created_at,
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
  await ownedAutoProduct(deps.db, auth.userId, key.product_id);
  const [batch] = await q.findBatches(deps.db, [key.batch_id]);
  if (!batch) throw new Error('batch missing');
  const secret = decrypt(decrypt(wrapKey(deps), batch.wrapped_dek, batch.id), key.secret_enc, key.id).toString('utf8');
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
  await ownedAutoProduct(deps.db, auth.userId, productId);
  const voided = await deps.db.transaction().execute(async (tx) => {
    const n = await q.voidKeys(tx, [productId], ids);
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
  await invalidateCatalogCache(deps);
  return { voided };
}
