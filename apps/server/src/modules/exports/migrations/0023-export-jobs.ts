import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** Exports run as jobs: who asked, what, with which filters, how far it got, and the file until it expires. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('export_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows_done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_total', 'bigint')
    .addColumn('file_bytes', 'bigint')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('export_jobs_requester')
    .on('export_jobs')
    .columns(['requester_id', 'created_at'])
    .execute();
  await db.schema.createIndex('export_jobs_status').on('export_jobs').columns(['status', 'expires_at']).execute();
}
