import type { Kysely } from 'kysely';

/** Exports read every order newest first, page after page: an index in that order, so no page sorts the table. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('orders_created_idx').on('orders').columns(['created_at', 'id']).execute();
}
