import { type OnConflictBuilder, sql } from 'kysely';
import type { Dialect, Executor } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import type {
  MemberLevelDiscountsTable,
  MemberLevelPricesTable,
  MemberLevelsTable,
  MemberUpgradesTable,
  MemberUserPricesTable,
  MemberUsersTable,
} from './members.tables.ts';

export type LevelRow = MemberLevelsTable;
export type DiscountRow = MemberLevelDiscountsTable;
export type MemberRow = MemberUsersTable;

// ── levels ──

/** The levels as a transaction read them: a purchase asks for them twice (its price, the supplier's fee). */
const levelsOfTx = new WeakMap<Executor, Promise<LevelRow[]>>();

/** The levels, lowest rank first; inside a transaction read once and kept until it changes a level. */
export async function listLevels(db: Executor): Promise<LevelRow[]> {
  if (!db.isTransaction) return db.selectFrom('member_levels').selectAll().orderBy('rank', 'asc').execute();
  let read = levelsOfTx.get(db);
  if (!read) {
    read = db.selectFrom('member_levels').selectAll().orderBy('rank', 'asc').execute();
    levelsOfTx.set(db, read);
    read.catch(() => levelsOfTx.delete(db));
  }
  return [...(await read)];
}

export function findLevel(db: Executor, id: string): Promise<LevelRow | undefined> {
  return db.selectFrom('member_levels').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLevelByRank(db: Executor, rank: number): Promise<LevelRow | undefined> {
  return db.selectFrom('member_levels').selectAll().where('rank', '=', rank).executeTakeFirst();
}

export async function insertLevel(db: Executor, row: LevelRow): Promise<void> {
  levelsOfTx.delete(db);
  await db.insertInto('member_levels').values(row).execute();
}

export async function updateLevel(db: Executor, id: string, patch: Omit<LevelRow, 'id' | 'created_at'>) {
  levelsOfTx.delete(db);
  const r = await db.updateTable('member_levels').set(patch).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteLevel(db: Executor, id: string): Promise<boolean> {
  levelsOfTx.delete(db);
  await db.deleteFrom('member_level_discounts').where('level_id', '=', id).execute();
  await db.deleteFrom('member_level_prices').where('level_id', '=', id).execute();
  await db
    .updateTable('member_users')
    .set({ granted_level_id: null, granted_by: null, granted_at: null })
    .where('granted_level_id', '=', id)
    .execute();
  const r = await db.deleteFrom('member_levels').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export function discountsOf(db: Executor, levelIds: string[]): Promise<DiscountRow[]> {
  if (levelIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('member_level_discounts').selectAll().where('level_id', 'in', levelIds).execute();
}

export async function replaceDiscounts(db: Executor, levelId: string, rows: DiscountRow[]): Promise<void> {
  await db.deleteFrom('member_level_discounts').where('level_id', '=', levelId).execute();
  if (rows.length > 0) await db.insertInto('member_level_discounts').values(rows).execute();
}

// ── members and their spend ──

export function findMember(db: Executor, userId: string): Promise<MemberRow | undefined> {
  return db.selectFrom('member_users').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function membersOf(db: Executor, userIds: string[]): Promise<MemberRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('member_users').selectAll().where('user_id', 'in', userIds).execute();
}

export async function ensureMember(db: Executor, userId: string, now: number): Promise<void> {
  await db
    .insertInto('member_users')
    .values({
      user_id: userId,
      spend_cents: 0,
      granted_level_id: null,
      granted_by: null,
      granted_at: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('user_id').doNothing())
    .execute();
}

export async function setGrant(
  db: Executor,
  userId: string,
  grant: Pick<MemberRow, 'granted_level_id' | 'granted_by' | 'granted_at'>,
  now: number,
): Promise<void> {
  await db
    .updateTable('member_users')
    .set({ ...grant, updated_at: now })
    .where('user_id', '=', userId)
    .execute();
}

/**
 * Records one spend change once (by its id) and adds it to the member's spend, making him a member on
 * first use; false, and nothing changed, when it was recorded before. PostgreSQL takes it as one statement
 * (the member upsert selects from the spend the CTE inserted; a racing writer of the same id waits for the
 * first to commit and inserts nothing); SQLite runs in-process, so its two statements cost no round trip.
 */
export async function addSpendOnce(
  db: Executor,
  dialect: Dialect,
  row: { id: string; user_id: string; order_id: string; delta_cents: number; created_at: number },
): Promise<boolean> {
  const spend = db
    .insertInto('member_spend')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing());
  const member = {
    user_id: row.user_id,
    spend_cents: row.delta_cents,
    granted_level_id: null,
    granted_by: null,
    granted_at: null,
    updated_at: row.created_at,
  };
  const add = (oc: OnConflictBuilder<DB, 'member_users'>) =>
    oc.column('user_id').doUpdateSet((eb) => ({
      spend_cents: eb('member_users.spend_cents', '+', eb.ref('excluded.spend_cents')),
      updated_at: eb.ref('excluded.updated_at'),
    }));
  if (dialect === 'postgres') {
    const r = await db
      .with('s', () => spend.returning('id'))
      .insertInto('member_users')
      .columns(['user_id', 'spend_cents', 'granted_level_id', 'granted_by', 'granted_at', 'updated_at'])
      .expression((eb) =>
        eb
          .selectFrom('s')
          .select([
            sql<string>`${member.user_id}`.as('user_id'),
            sql<number>`${member.spend_cents}::bigint`.as('spend_cents'),
            sql<null>`null`.as('granted_level_id'),
            sql<null>`null`.as('granted_by'),
            sql<null>`null::bigint`.as('granted_at'),
            sql<number>`${member.updated_at}::bigint`.as('updated_at'),
          ]),
      )
      .onConflict(add)
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const r = await spend.executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  await db.insertInto('member_users').values(member).onConflict(add).execute();
  return true;
}

export async function spendOfOrder(db: Executor, orderId: string): Promise<number> {
  const r = await db
    .selectFrom('member_spend')
    .select((eb) => eb.fn.sum<number | string | null>('delta_cents').as('s'))
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  return Number(r?.s ?? 0);
}

// ── upgrades ──

export async function insertUpgrade(db: Executor, row: MemberUpgradesTable): Promise<void> {
  await db.insertInto('member_upgrades').values(row).execute();
}

export function findUpgrade(db: Executor, paymentId: string): Promise<MemberUpgradesTable | undefined> {
  return db.selectFrom('member_upgrades').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
}

export async function moveUpgrade(
  db: Executor,
  paymentId: string,
  from: MemberUpgradesTable['status'],
  to: MemberUpgradesTable['status'],
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('member_upgrades')
    .set({ status: to, updated_at: now })
    .where('payment_id', '=', paymentId)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ── suppliers' prices ──

export function levelPricesOf(db: Executor, productIds: string[]): Promise<MemberLevelPricesTable[]> {
  if (productIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('member_level_prices').selectAll().where('product_id', 'in', productIds).execute();
}

export async function replaceLevelPrices(
  db: Executor,
  productId: string,
  rows: MemberLevelPricesTable[],
): Promise<void> {
  await db.deleteFrom('member_level_prices').where('product_id', '=', productId).execute();
  if (rows.length > 0) await db.insertInto('member_level_prices').values(rows).execute();
}

export function userPricesOfProduct(db: Executor, productId: string): Promise<MemberUserPricesTable[]> {
  return db
    .selectFrom('member_user_prices')
    .selectAll()
    .where('product_id', '=', productId)
    .orderBy('created_at', 'desc')
    .execute();
}

export function userPricesFor(db: Executor, userId: string, productIds: string[]): Promise<MemberUserPricesTable[]> {
  if (productIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('member_user_prices')
    .selectAll()
    .where('user_id', '=', userId)
    .where('product_id', 'in', productIds)
    .execute();
}

/** Sets a buyer's price for a product (one per buyer and product: a second grant replaces the first). */
export async function upsertUserPrice(db: Executor, row: MemberUserPricesTable): Promise<void> {
  await db
    .insertInto('member_user_prices')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['product_id', 'user_id']).doUpdateSet({ price_cents: row.price_cents, created_at: row.created_at }),
    )
    .execute();
}

export function findUserPrice(db: Executor, productId: string, userId: string) {
  return db
    .selectFrom('member_user_prices')
    .selectAll()
    .where('product_id', '=', productId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function deleteUserPrice(db: Executor, supplierId: string, productId: string, id: string) {
  const r = await db
    .deleteFrom('member_user_prices')
    .where('id', '=', id)
    .where('product_id', '=', productId)
    .where('supplier_id', '=', supplierId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
