import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/**
 * `payment_channels.provider` no longer lists the channels in a CHECK: a migration is fixed once it has run,
 * so a list there would need a new migration for every channel. The payment-channel registry (validated by
 * every route that writes a channel) is the one list; rows and their values are unchanged.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`ALTER TABLE payment_channels DROP CONSTRAINT IF EXISTS payment_channels_provider_check`.execute(db);
    await sql`ALTER TABLE payment_channels ADD CONSTRAINT payment_channels_provider_check CHECK (provider <> '')`.execute(
      db,
    );
    return;
  }
  // SQLite cannot drop a constraint: the table is rebuilt with the same columns and rows
  await db.schema
    .createTable('payment_channels_next')
    .addColumn('provider', 'text', (c) => c.primaryKey().check(sql`provider <> ''`))
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
  await sql`INSERT INTO payment_channels_next (provider, enabled, environment, methods, fee_bps, settings, secrets_enc, updated_by, created_at, updated_at)
    SELECT provider, enabled, environment, methods, fee_bps, settings, secrets_enc, updated_by, created_at, updated_at FROM payment_channels`.execute(
    db,
  );
  await db.schema.dropTable('payment_channels').execute();
  await sql`ALTER TABLE payment_channels_next RENAME TO payment_channels`.execute(db);
}
