import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** The home page's recommendation carousel: operator-managed slots, each featuring one product. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('carousel_slots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull().unique())
    .addColumn('headline', 'text')
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('carousel_slots_position_idx').on('carousel_slots').column('position').execute();
}
