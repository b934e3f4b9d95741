import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/**
 * Member levels: the levels operators define and their discount overrides, each user's spend and granted
 * level, the spend postings that make it (one per paid order or refund), bought upgrades, and the prices
 * suppliers set per level and per buyer (密价).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('member_levels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull().unique())
    .addColumn('discount_bps', 'integer', (c) => c.notNull())
    .addColumn('fee_discount_bps', 'integer', (c) => c.notNull())
    .addColumn('spend_threshold_cents', 'bigint')
    .addColumn('upgrade_price_cents', 'bigint')
    .addColumn('service_contact', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('member_level_discounts')
    .addColumn('level_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('discount_bps', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_level_discounts_pk', ['level_id', 'scope', 'scope_id'])
    .execute();
  await db.schema
    .createTable('member_users')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('spend_cents', 'bigint', (c) => c.notNull())
    .addColumn('granted_level_id', 'text')
    .addColumn('granted_by', 'text')
    .addColumn('granted_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('member_spend')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('delta_cents', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('member_spend_order_idx').on('member_spend').column('order_id').execute();
  await db.schema
    .createTable('member_upgrades')
    .addColumn('payment_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('level_id', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('member_level_prices')
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('level_id', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('member_level_prices_pk', ['product_id', 'level_id'])
    .execute();
  await db.schema
    .createTable('member_user_prices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('member_user_prices_product_user', ['product_id', 'user_id'])
    .execute();
  await db.schema.createIndex('member_user_prices_user_idx').on('member_user_prices').column('user_id').execute();
}
