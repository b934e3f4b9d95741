import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** When each delivered key was first shown to its buyer: evidence for after-sales claims. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('card_key_reveals')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('revealed_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('card_key_reveals_order_idx').on('card_key_reveals').column('order_id').execute();
}
