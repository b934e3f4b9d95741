import type { Executor } from '../../platform/db/database.ts';
import type { KeyReturnsTable } from './disputes.tables.ts';

export type KeyReturnRow = KeyReturnsTable;

const fromDb = (r: KeyReturnRow): KeyReturnRow => ({
  ...r,
  refunded_cents: Number(r.refunded_cents),
  created_at: Number(r.created_at),
  decided_at: r.decided_at === null ? null : Number(r.decided_at),
});

/** The return and each of its keys: the keys' primary key refuses a key returned (and refunded) twice. */
export async function insertReturn(db: Executor, row: KeyReturnRow, keyIds: string[]): Promise<void> {
  await db.insertInto('key_returns').values(row).execute();
  await db
    .insertInto('key_return_keys')
    .values(keyIds.map((key_id) => ({ key_id, return_id: row.id, order_id: row.order_id })))
    .execute();
}

export async function findReturn(db: Executor, id: string): Promise<KeyReturnRow | undefined> {
  const r = await db.selectFrom('key_returns').selectAll().where('id', '=', id).executeTakeFirst();
  return r && fromDb(r);
}

/** pending → restocked or discarded, once. */
export async function decideReturn(db: Executor, id: string, status: 'restocked' | 'discarded', now: number) {
  const r = await db
    .updateTable('key_returns')
    .set({ status, decided_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function returnsOfSupplier(db: Executor, supplierId: string, limit: number, offset: number) {
  const rows = await db
    .selectFrom('key_returns')
    .selectAll()
    .where('supplier_id', '=', supplierId)
    .orderBy((eb) => eb.case().when('status', '=', 'pending').then(0).else(1).end())
    .orderBy('created_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map(fromDb);
}

/** The key ids an order's buyer has returned unrevealed, over all its returns. */
export async function returnedKeyIdsOfOrder(db: Executor, orderId: string): Promise<string[]> {
  const rows = await db.selectFrom('key_return_keys').select('key_id').where('order_id', '=', orderId).execute();
  return rows.map((r) => r.key_id);
}
