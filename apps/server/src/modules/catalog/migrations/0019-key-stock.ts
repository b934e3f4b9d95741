import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/**
 * Card-key stock as a counter on the product row, kept by the vault in the same transaction as every key
 * status change, so showing and checking stock never counts keys. The vault's part of this migration fills it.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('products')
    .addColumn('key_stock', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
