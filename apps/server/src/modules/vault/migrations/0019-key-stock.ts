import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/**
 * Fills the products' key-stock counter (catalog's part of 0019 added it) from the keys available now, and
 * keeps a record of every drift the recount finds between the two (a drift is a bug: the counter changes
 * in the transaction of every key status change).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql`update products set key_stock = (select count(*) from card_keys k where k.product_id = products.id and k.status = 'available') where delivery_mode = 'auto'`.execute(
    db,
  );
  await db.schema
    .createTable('key_stock_drifts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('counted', 'bigint', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('found_at', 'bigint', (c) => c.notNull())
    .execute();
}
