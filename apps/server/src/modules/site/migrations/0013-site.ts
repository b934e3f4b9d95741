import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** Site settings: name, logo, record numbers, 客服, announcements, terms and privacy, as one JSON document. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('site_settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
