import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('categories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('parent_id', 'text', (c) => c.references('categories.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('goods_type', 'text')
    .addColumn('game', 'text')
    .addColumn('denomination', 'text')
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // sibling names are unique; top-level categories count as siblings of each other
  await sql`CREATE UNIQUE INDEX categories_sibling_name_uq ON categories (COALESCE(parent_id, ''), name)`.execute(db);
  await db.schema.createIndex('categories_parent_idx').on('categories').column('parent_id').execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('category_id', 'text', (c) => c.notNull().references('categories.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description_html', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'bigint', (c) => c.notNull().check(sql`price_cents > 0`))
    .addColumn('price_tiers', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('min_per_order', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('max_per_order', 'integer')
    .addColumn('low_stock_threshold', 'integer')
    .addColumn('recipient_field', 'text')
    .addColumn('delivery_mode', 'text', (c) => c.notNull())
    .addColumn('stock', 'bigint', (c) => c.check(sql`stock >= 0`))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('on_sale', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('reject_reason', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'bigint')
    .addColumn('sales_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cover_file', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('products_listing_idx')
    .on('products')
    .columns(['status', 'on_sale', 'category_id'])
    .execute();
  await db.schema.createIndex('products_supplier_idx').on('products').columns(['supplier_id', 'created_at']).execute();
  await db.schema.createIndex('products_category_idx').on('products').column('category_id').execute();

  await db.schema
    .createTable('catalog_banned_words')
    .addColumn('word', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
