import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** Real payment channels: operator-configured credentials, launches, polling, channel refunds, reconciliation. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // one row per provider; secrets are one AES-256-GCM blob under a key derived from the master key
  await db.schema
    .createTable('payment_channels')
    .addColumn('provider', 'text', (c) => c.primaryKey().check(sql`provider IN ('alipay', 'wechat', 'epay')`))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('environment', 'text', (c) => c.notNull().check(sql`environment IN ('sandbox', 'production')`))
    .addColumn('methods', 'text', (c) => c.notNull())
    .addColumn('fee_bps', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('secrets_enc', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // what the buyer was sent to (the scene, a pay URL or QR content), the channel fee, when to ask next
  await db.schema.alterTable('payments').addColumn('scene', 'text').execute();
  await db.schema.alterTable('payments').addColumn('pay_url', 'text').execute();
  await db.schema.alterTable('payments').addColumn('qr_code', 'text').execute();
  await db.schema
    .alterTable('payments')
    .addColumn('fee_bps', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('payments').addColumn('next_query_at', 'bigint').execute();
  await db.schema
    .alterTable('payments')
    .addColumn('query_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('payments').addColumn('provider_closed_at', 'bigint').execute();
  await db.schema.createIndex('payments_next_query_idx').on('payments').column('next_query_at').execute();

  // the channel's refund number is fixed when the refund row is written, before the first attempt
  await db.schema.alterTable('refunds').addColumn('channel_refund_no', 'text').execute();
  await db.schema.alterTable('refunds').addColumn('provider_refund_id', 'text').execute();
  await db.schema
    .alterTable('refunds')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('refunds').addColumn('last_error', 'text').execute();
  await db.schema.createIndex('refunds_channel_no_uq').on('refunds').column('channel_refund_no').unique().execute();
  await db.schema.createIndex('refunds_status_idx').on('refunds').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('reconciliation_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('missing_ours', 'integer', (c) => c.notNull())
    .addColumn('missing_theirs', 'integer', (c) => c.notNull())
    .addColumn('amount_mismatches', 'integer', (c) => c.notNull())
    .addColumn('repaired', 'integer', (c) => c.notNull())
    .addColumn('differences', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reconciliation_reports_day_idx')
    .on('reconciliation_reports')
    .columns(['provider', 'day', 'created_at'])
    .execute();
}
