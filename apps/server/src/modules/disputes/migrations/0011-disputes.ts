import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('disputes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('order_item_id', 'text', (c) => c.notNull().references('order_items.id'))
    .addColumn('open_order_id', 'text')
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('category_id', 'text', (c) => c.notNull())
    .addColumn('item_title', 'text', (c) => c.notNull())
    .addColumn('delivery_mode', 'text', (c) => c.notNull())
    .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
    .addColumn('paid_cents', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('card_key_indexes', 'text', (c) => c.notNull())
    .addColumn('card_key_ids', 'text', (c) => c.notNull())
    .addColumn('answer_action', 'text')
    .addColumn('answer_amount_cents', 'bigint')
    .addColumn('ruling_action', 'text')
    .addColumn('ruling_amount_cents', 'bigint')
    .addColumn('refunded_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('replaced_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opened_ip', 'text')
    .addColumn('claimed_revealed_at', 'bigint')
    .addColumn('claimed_resold', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_replacements', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('replacement_key_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('supplier_late', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deadline_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .execute();
  await db.schema.createIndex('disputes_item_idx').on('disputes').column('order_item_id').execute();
  await db.schema.createIndex('disputes_open_order_uq').on('disputes').column('open_order_id').unique().execute();
  await db.schema.createIndex('disputes_order_idx').on('disputes').column('order_id').execute();
  await db.schema.createIndex('disputes_buyer_idx').on('disputes').columns(['buyer_id', 'created_at']).execute();
  await db.schema
    .createIndex('disputes_supplier_idx')
    .on('disputes')
    .columns(['supplier_id', 'status', 'deadline_at'])
    .execute();
  await db.schema.createIndex('disputes_created_idx').on('disputes').column('created_at').execute();
  await db.schema.createIndex('disputes_due_idx').on('disputes').columns(['status', 'deadline_at']).execute();

  await db.schema
    .createTable('dispute_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('action', 'text')
    .addColumn('amount_cents', 'bigint')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('evidence_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('dispute_messages_seq_uq')
    .on('dispute_messages')
    .columns(['dispute_id', 'seq'])
    .unique()
    .execute();

  await db.schema
    .createTable('dispute_evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data_b64', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dispute_evidence_case_idx').on('dispute_evidence').column('dispute_id').execute();

  await db.schema
    .createTable('dispute_standings')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('undo', 'text')
    .addColumn('set_at', 'bigint', (c) => c.notNull())
    .addColumn('lifted_at', 'bigint')
    .addColumn('lifted_by', 'text')
    .addPrimaryKeyConstraint('dispute_standings_pk', ['user_id', 'action'])
    .execute();
  await db.schema.createIndex('disputes_ip_idx').on('disputes').columns(['opened_ip', 'buyer_id']).execute();

  await db.schema
    .createTable('key_returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('key_ids', 'text', (c) => c.notNull())
    .addColumn('refunded_cents', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('key_returns_supplier_idx')
    .on('key_returns')
    .columns(['supplier_id', 'status'])
    .execute();
}
