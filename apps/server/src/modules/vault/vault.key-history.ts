/**
 * A key's history, for after-sales: when each sold key was first shown to its buyer, where it came from
 * (batch, import time), whether the same secret was sold on another order (any product, any supplier),
 * and a supplier's record of voided and replaced keys.
 *
 * The de-duplication hash is keyed per product, so one secret hashes differently in each product. To find
 * it elsewhere, a claimed key's secret is decrypted and hashed again for every product that ever held keys,
 * and the unique (product, hash) index answers each; a case names a handful of keys, so this stays cheap.
 */
import { sql } from 'kysely';
import { decrypt, hmacHex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { batchKeys, hashKey } from './vault.data-keys.ts';

/** Records the first reveal of each of `keyIds` (sold on `orderId`); later reveals change nothing. */
export async function noteFirstReveal(db: Executor, deps: Pick<Deps, 'clock'>, orderId: string, keyIds: string[]) {
  const seen = await db.selectFrom('card_key_reveals').select('key_id').where('order_id', '=', orderId).execute();
  const known = new Set(seen.map((r) => r.key_id));
  const fresh = keyIds.filter((id) => !known.has(id));
  if (fresh.length === 0) return;
  const now = deps.clock.now();
  await db
    .insertInto('card_key_reveals')
    .values(fresh.map((key_id) => ({ key_id, order_id: orderId, revealed_at: now })))
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

/** The earliest first reveal among `keyIds`, or null when none was ever shown. */
export async function firstRevealOf(db: Executor, keyIds: string[]): Promise<number | null> {
  if (keyIds.length === 0) return null;
  const r = await db
    .selectFrom('card_key_reveals')
    .select((eb) => eb.fn.min('revealed_at').as('at'))
    .where('key_id', 'in', keyIds)
    .executeTakeFirst();
  return n(r?.at);
}

export interface KeyHistory {
  keyId: string;
  productId: string;
  masked: string;
  /** sold: with the buyer now; void: taken back (replaced) */
  status: string;
  batchId: string;
  batchSource: string;
  importedAt: number;
  soldAt: number | null;
  revealedAt: number | null;
  /** other orders the same secret was sold on (any product, any supplier) */
  soldElsewhere: number;
  /** of those, sold before this one: this sale re-sold a used key */
  soldElsewhereBefore: number;
}

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

interface KeyRow {
  id: string;
  product_id: string;
  batch_id: string;
  secret_enc: string;
  order_id: string | null;
  sold_at: number | null;
}

/** For each key, the other orders its secret was sold on, and how many of those sales came first. */
async function salesElsewhere(db: Executor, deps: Deps, keys: KeyRow[]) {
  const out = new Map<string, { count: number; before: number }>();
  if (keys.length === 0) return out;
  const deks = await batchKeys(
    db,
    deps,
    keys.map((k) => k.batch_id),
  );
  const products = (await db.selectFrom('card_key_batches').select('product_id').distinct().execute()).map(
    (r) => r.product_id,
  );
  const hk = hashKey(deps);
  for (const k of keys) {
    const secret = decrypt(deks.get(k.batch_id)!, k.secret_enc, k.id).toString('utf8');
    const pairs = products.map((p) => ({ p, h: hmacHex(hk, `${p}:${secret}`) }));
    let count = 0;
    let before = 0;
    for (let i = 0; i < pairs.length; i += 500) {
      const chunk = pairs.slice(i, i + 500);
      const rows = await db
        .selectFrom('card_keys')
        .select(['id', 'order_id', 'sold_at'])
        .where((eb) => eb.or(chunk.map(({ p, h }) => eb.and([eb('product_id', '=', p), eb('secret_hash', '=', h)]))))
        .where('id', '<>', k.id)
        .where('status', 'in', ['sold', 'void'])
        .where('order_id', 'is not', null)
        .execute();
      for (const r of rows) {
        if (r.order_id === k.order_id) continue;
        count++;
        if (k.sold_at !== null && r.sold_at !== null && Number(r.sold_at) < k.sold_at) before++;
      }
    }
    out.set(k.id, { count, before });
  }
  return out;
}

/** Every key an order has had, in the order it got them. */
export async function keyHistoryOfOrder(db: Executor, deps: Deps, orderId: string): Promise<KeyHistory[]> {
  const rows = await db
    .selectFrom('card_keys as k')
    .innerJoin('card_key_batches as b', 'b.id', 'k.batch_id')
    .leftJoin('card_key_reveals as r', 'r.key_id', 'k.id')
    .select([
      'k.id',
      'k.product_id',
      'k.masked',
      'k.status',
      'k.batch_id',
      'k.secret_enc',
      'k.order_id',
      'b.source',
      'b.created_at',
      'k.sold_at',
      'r.revealed_at',
    ])
    .where('k.order_id', '=', orderId)
    .where('k.status', 'in', ['sold', 'void'])
    .orderBy('k.sold_at')
    .orderBy('k.id')
    .execute();
  const elsewhere = await salesElsewhere(
    db,
    deps,
    rows.map((r) => ({ ...r, sold_at: n(r.sold_at) })),
  );
  return rows.map((r) => ({
    keyId: r.id,
    productId: r.product_id,
    masked: r.masked,
    status: r.status,
    batchId: r.batch_id,
    batchSource: r.source,
    importedAt: Number(r.created_at),
    soldAt: n(r.sold_at),
    revealedAt: n(r.revealed_at),
    soldElsewhere: elsewhere.get(r.id)?.count ?? 0,
    soldElsewhereBefore: elsewhere.get(r.id)?.before ?? 0,
  }));
}

/** How many of `keyIds` (sold on `orderId`) re-sold a secret already sold on another order. */
export async function resoldAmong(db: Executor, deps: Deps, orderId: string, keyIds: string[]): Promise<number> {
  if (keyIds.length === 0) return 0;
  const rows = await db
    .selectFrom('card_keys')
    .select(['id', 'product_id', 'batch_id', 'secret_enc', 'order_id', 'sold_at'])
    .where('id', 'in', keyIds)
    .where('order_id', '=', orderId)
    .execute();
  const found = await salesElsewhere(
    db,
    deps,
    rows.map((r) => ({ ...r, sold_at: n(r.sold_at) })),
  );
  return [...found.values()].filter((f) => f.before > 0).length;
}

export interface SupplierKeyRecord {
  soldKeys: number;
  /** keys voided before sale (withdrawn from stock) */
  voidedUnsold: number;
  /** sold keys taken back and replaced after a claim */
  replacedAfterSale: number;
}

export async function supplierKeyRecord(db: Executor, supplierId: string): Promise<SupplierKeyRecord> {
  const r = await db
    .selectFrom('card_keys as k')
    .innerJoin('card_key_batches as b', 'b.id', 'k.batch_id')
    .select([
      sql<number>`sum(case when k.status = 'sold' then 1 else 0 end)`.as('sold'),
      sql<number>`sum(case when k.status = 'void' and k.order_id is null then 1 else 0 end)`.as('voided'),
      sql<number>`sum(case when k.status = 'void' and k.order_id is not null then 1 else 0 end)`.as('replaced'),
    ])
    .where('b.supplier_id', '=', supplierId)
    .executeTakeFirstOrThrow();
  return {
    soldKeys: Number(r.sold ?? 0),
    voidedUnsold: Number(r.voided ?? 0),
    replacedAfterSale: Number(r.replaced ?? 0),
  };
}
