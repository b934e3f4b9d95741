import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** An operator's takedown of a product: why, when, by whom; the supplier cannot put it back on sale. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('products').addColumn('takedown_reason', 'text').execute();
  await db.schema.alterTable('products').addColumn('taken_down_at', 'bigint').execute();
  await db.schema.alterTable('products').addColumn('taken_down_by', 'text').execute();
}
