import type { Kysely } from 'kysely';

/**
 * window_extension_ms: the time the order's after-sales cases were open, added to its confirmation window
 * (its escrow never settles sooner). device_hash: a keyed hash of the buyer's device (user agent, the
 * client's fingerprint header, the /24 of the address), a bad-faith signal that stores none of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('orders')
    .addColumn('window_extension_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('orders').addColumn('device_hash', 'text').execute();
  await db.schema.createIndex('orders_device_idx').on('orders').columns(['device_hash', 'buyer_id']).execute();
}
