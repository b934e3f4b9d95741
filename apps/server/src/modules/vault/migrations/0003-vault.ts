import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('card_key_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('wrapped_dek', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('card_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('card_key_batches.id'))
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('masked', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('reserved_at', 'bigint')
    .addColumn('sold_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // a key is imported once per product, whatever batch it came in
  await db.schema
    .createIndex('card_keys_secret_uq')
    .on('card_keys')
    .columns(['product_id', 'secret_hash'])
    .unique()
    .execute();
  await db.schema.createIndex('card_keys_stock_idx').on('card_keys').columns(['product_id', 'status']).execute();
  await db.schema.createIndex('card_keys_order_idx').on('card_keys').column('order_id').execute();
}
