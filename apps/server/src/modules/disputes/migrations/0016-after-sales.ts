import { type Kysely, sql } from 'kysely';

/**
 * opened_device: the keyed device hash a case was opened from (see orders' 0016), for the serial-claimer
 * score across accounts. key_return_keys: each key returned unrevealed, once — a key is never refunded twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('disputes').addColumn('opened_device', 'text').execute();
  await db.schema.createIndex('disputes_device_idx').on('disputes').columns(['opened_device', 'buyer_id']).execute();
  await db.schema
    .createTable('key_return_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('return_id', 'text', (c) => c.notNull().references('key_returns.id'))
    .addColumn('order_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('key_return_keys_order_idx').on('key_return_keys').column('order_id').execute();
  const returns = await sql<{
    id: string;
    order_id: string;
    key_ids: string;
  }>`SELECT id, order_id, key_ids FROM key_returns`.execute(db);
  for (const r of returns.rows) {
    for (const keyId of JSON.parse(r.key_ids) as string[]) {
      await sql`INSERT INTO key_return_keys (key_id, return_id, order_id) VALUES (${keyId}, ${r.id}, ${r.order_id})`.execute(
        db,
      );
    }
  }
}
