import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** 分站: agents and their sites, markups, 密价, the site of each order and each agent's share of its items. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().unique())
    .addColumn('parent_user_id', 'text')
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('site_name', 'text', (c) => c.notNull())
    .addColumn('subdomain', 'text', (c) => c.notNull().unique())
    .addColumn('custom_domain', 'text', (c) => c.unique())
    .addColumn('custom_domain_status', 'text')
    .addColumn('logo_url', 'text')
    .addColumn('notice', 'text')
    .addColumn('contact', 'text')
    .addColumn('carousel', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('markup_bps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('markup_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('opening_payment_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agents_parent_idx').on('agents').column('parent_user_id').execute();
  await db.schema.createIndex('agents_status_idx').on('agents').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('agent_markups')
    .addColumn('agent_user_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('markup_bps', 'integer', (c) => c.notNull())
    .addColumn('markup_cents', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_markups_pk', ['agent_user_id', 'scope', 'scope_id'])
    .execute();

  await db.schema
    .createTable('agent_user_prices')
    .addColumn('agent_user_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('price_cents', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('agent_user_prices_pk', ['agent_user_id', 'user_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('order_sites')
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('agent_user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('order_sites_agent_idx')
    .on('order_sites')
    .columns(['agent_user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('order_agent_shares')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('agent_user_id', 'text', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('cost_cents', 'bigint', (c) => c.notNull())
    .addColumn('price_cents', 'bigint', (c) => c.notNull())
    .addColumn('margin_cents', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_agent_shares_pk', ['item_id', 'agent_user_id'])
    .execute();
  await db.schema.createIndex('order_agent_shares_order_idx').on('order_agent_shares').column('order_id').execute();
  await db.schema
    .createIndex('order_agent_shares_agent_idx')
    .on('order_agent_shares')
    .column('agent_user_id')
    .execute();
}
