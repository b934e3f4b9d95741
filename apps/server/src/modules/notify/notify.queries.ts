import type { Executor } from '../../platform/db/database.ts';
import type { NoticesTable, SmsGatewaysTable } from './notify.tables.ts';

export async function insertNotice(db: Executor, row: NoticesTable): Promise<void> {
  await db.insertInto('notices').values(row).execute();
}

export async function findNotice(db: Executor, id: string) {
  return db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listNotices(db: Executor, userId: string, unreadOnly: boolean, limit: number, offset: number) {
  let q = db.selectFrom('notices').where('user_id', '=', userId);
  if (unreadOnly) q = q.where('read_at', 'is', null);
  const [rows, count, unread] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    db
      .selectFrom('notices')
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n), unread: Number(unread.n) };
}

/** Marks the user's notices read (all of them when `ids` is absent); returns how many changed. */
export async function markRead(db: Executor, userId: string, ids: string[] | undefined, now: number): Promise<number> {
  let q = db.updateTable('notices').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids) {
    if (ids.length === 0) return 0;
    q = q.where('id', 'in', ids);
  }
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

// ─── SMS gateways ───

export type SmsGatewayRow = SmsGatewaysTable;

export async function listSmsGateways(db: Executor): Promise<SmsGatewayRow[]> {
  return db.selectFrom('sms_gateways').selectAll().execute();
}

export async function findSmsGateway(db: Executor, provider: string): Promise<SmsGatewayRow | undefined> {
  return db.selectFrom('sms_gateways').selectAll().where('provider', '=', provider).executeTakeFirst();
}

export async function enabledSmsGateway(db: Executor): Promise<SmsGatewayRow | undefined> {
  return db
    .selectFrom('sms_gateways')
    .selectAll()
    .where('enabled', '=', 1)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
}

export async function upsertSmsGateway(db: Executor, row: SmsGatewaysTable): Promise<void> {
  const { provider: _p, created_at: _c, ...changes } = row;
  await db
    .insertInto('sms_gateways')
    .values(row)
    .onConflict((oc) => oc.column('provider').doUpdateSet(changes))
    .execute();
}

/** One gateway sends at a time: enabling one turns the others off. */
export async function disableOtherSmsGateways(db: Executor, provider: string, now: number): Promise<void> {
  await db
    .updateTable('sms_gateways')
    .set({ enabled: 0, updated_at: now })
    .where('provider', '<>', provider)
    .where('enabled', '=', 1)
    .execute();
}

// ─── personal data ───

export async function allNotices(db: Executor, userId: string) {
  return db.selectFrom('notices').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function deleteNotices(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('notices').where('user_id', '=', userId).execute();
}

// ─── master-key rotation ───

export function sealedSmsGateways(db: Executor) {
  return db
    .selectFrom('sms_gateways')
    .select(['provider', 'secrets_enc'])
    .where('secrets_enc', 'is not', null)
    .execute();
}

export async function setSmsGatewaySecrets(db: Executor, provider: string, sealed: string): Promise<void> {
  await db.updateTable('sms_gateways').set({ secrets_enc: sealed }).where('provider', '=', provider).execute();
}
