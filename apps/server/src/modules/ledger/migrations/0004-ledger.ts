import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** Ledger: accounts with running balances, append-only journal entries and postings, escrow holds, payouts. */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('ledger_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text')
    .addColumn('may_go_negative', 'integer', (c) => c.notNull())
    .addColumn('balance_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // the last line of defence behind the guarded update in postEntry
    .addCheckConstraint('ledger_accounts_non_negative', sql`may_go_negative = 1 OR balance_cents >= 0`)
    .execute();
  await db.schema
    .createIndex('ledger_accounts_owner_idx')
    .on('ledger_accounts')
    .columns(['owner_id', 'kind'])
    .execute();

  await db.schema
    .createTable('journal_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref_type', 'text')
    .addColumn('ref_id', 'text')
    .addColumn('memo', 'text')
    .addColumn('transfers_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('journal_entries_ref_idx')
    .on('journal_entries')
    .columns(['ref_type', 'ref_id'])
    .execute();
  await db.schema.createIndex('journal_entries_ref_id_idx').on('journal_entries').column('ref_id').execute();
  await db.schema.createIndex('journal_entries_created_idx').on('journal_entries').column('created_at').execute();

  await db.schema
    .createTable('postings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entry_id', 'text', (c) => c.notNull().references('journal_entries.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('postings_non_zero', sql`amount_cents <> 0`)
    .execute();
  await db.schema.createIndex('postings_entry_idx').on('postings').column('entry_id').execute();
  await db.schema
    .createIndex('postings_account_idx')
    .on('postings')
    .columns(['account_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('postings_created_idx').on('postings').column('created_at').execute();

  // postings and journal entries are append-only at the database level: corrections are reversing entries
  for (const table of ['journal_entries', 'postings']) {
    if (dialect === 'postgres') {
      await sql
        .raw(
          `CREATE FUNCTION ${table}_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION '${table} is append-only'; END; $$ LANGUAGE plpgsql`,
        )
        .execute(db);
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table}
           FOR EACH ROW EXECUTE FUNCTION ${table}_append_only()`,
        )
        .execute(db);
    } else {
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
           BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
      await sql
        .raw(
          `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
           BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
        )
        .execute(db);
    }
  }

  await db.schema
    .createTable('holds')
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('share_cents', 'bigint', (c) => c.notNull())
    .addColumn('commission_cents', 'bigint', (c) => c.notNull())
    .addColumn('payer', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('release_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('holds_supplier_idx').on('holds').columns(['supplier_id', 'status']).execute();
  await db.schema.createIndex('holds_due_idx').on('holds').columns(['status', 'release_at']).execute();

  await db.schema
    .createTable('commission_rates')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('rate_bps', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('commission_rates_pk', ['scope', 'scope_id'])
    .addCheckConstraint('commission_rates_range', sql`rate_bps >= 0 AND rate_bps <= 5000`)
    .execute();

  await db.schema
    .createTable('payout_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('holder_name', 'text', (c) => c.notNull())
    .addColumn('bank_name', 'text')
    .addColumn('account_enc', 'text', (c) => c.notNull())
    .addColumn('account_last4', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payout_accounts_user_idx').on('payout_accounts').column('user_id').execute();

  await db.schema
    .createTable('withdrawals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('payout_account_id', 'text', (c) => c.notNull().references('payout_accounts.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('required_approvals', 'integer', (c) => c.notNull())
    .addColumn('first_approver', 'text')
    .addColumn('first_approved_at', 'bigint')
    .addColumn('second_approver', 'text')
    .addColumn('second_approved_at', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('payout_ref', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('approved_at', 'bigint')
    .addColumn('paid_at', 'bigint')
    .addColumn('rejected_at', 'bigint')
    .addColumn('failed_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('withdrawals_positive', sql`amount_cents > 0`)
    // two approvals are two different people
    .addCheckConstraint(
      'withdrawals_distinct_approvers',
      sql`second_approver IS NULL OR first_approver IS NULL OR second_approver <> first_approver`,
    )
    .execute();
  await db.schema
    .createIndex('withdrawals_supplier_idx')
    .on('withdrawals')
    .columns(['supplier_id', 'created_at'])
    .execute();
  await db.schema.createIndex('withdrawals_status_idx').on('withdrawals').columns(['status', 'created_at']).execute();
}
