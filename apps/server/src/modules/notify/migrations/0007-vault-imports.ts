import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** In-site notices (the notify part of 0007, which shipped together with the vault's imports). */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // in-site messages (owned by notify): any module tells a user something through notify.service
  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('read_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notices_user_idx').on('notices').columns(['user_id', 'created_at']).execute();
}
