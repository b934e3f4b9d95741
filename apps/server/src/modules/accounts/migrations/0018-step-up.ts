import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** How a session last proved its holder (password, TOTP, an SMS code, a third-party sign-in). */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('reauth_factor', 'text').execute();
}
