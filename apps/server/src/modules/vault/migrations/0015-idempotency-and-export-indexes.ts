import type { Kysely } from 'kysely';

/** Card-key exports read a product's keys of one status newest first, page after page. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('card_keys_export_idx')
    .on('card_keys')
    .columns(['product_id', 'status', 'created_at', 'id'])
    .execute();
}
