import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/**
 * Card-key stock as a counter per product, changed in the transaction of every key status change, so
 * showing stock never counts keys. Created empty: a product's row is made, counted, the first time one of
 * its keys changes (or by the recount); until then its stock is counted as before. And a record of every
 * drift the recount finds (a drift is a bug).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('key_stock')
    .addColumn('product_id', 'text', (c) => c.primaryKey())
    .addColumn('available', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('key_stock_drifts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('counted', 'bigint', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('found_at', 'bigint', (c) => c.notNull())
    .execute();
}
