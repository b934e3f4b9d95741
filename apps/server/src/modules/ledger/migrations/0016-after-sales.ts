import { type Kysely, sql } from 'kysely';

/**
 * After-sales freezes only the disputed item's part of an order's escrow: a frozen hold says how much of its
 * share and commission the case holds back, and the rest settles when the order's window ends. Holds frozen
 * before this migration froze all they held.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('holds')
    .addColumn('frozen_share_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('holds')
    .addColumn('frozen_commission_cents', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE holds SET frozen_share_cents = share_cents, frozen_commission_cents = commission_cents WHERE status = 'frozen'`.execute(
    db,
  );
}
