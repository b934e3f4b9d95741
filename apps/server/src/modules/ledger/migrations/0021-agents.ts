import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/**
 * Ledger's part of 0021 (分站): agents' margins held inside a sale's escrow (hold_shares), and whose balance
 * a withdrawal pays out (payee_kind: a supplier's sales or an agent's margins).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('hold_shares')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('amount_cents', 'bigint', (c) => c.notNull())
    .addColumn('original_cents', 'bigint', (c) => c.notNull())
    .addColumn('frozen_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('hold_shares_pk', ['order_id', 'agent_id'])
    .execute();
  await db.schema.createIndex('hold_shares_agent_idx').on('hold_shares').column('agent_id').execute();
  await db.schema
    .alterTable('withdrawals')
    .addColumn('payee_kind', 'text', (c) => c.notNull().defaultTo('supplier'))
    .execute();
}
