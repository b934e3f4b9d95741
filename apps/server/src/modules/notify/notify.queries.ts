import type { Executor } from '../../platform/db/database.ts';
import type { NoticesTable } from './notify.tables.ts';

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
