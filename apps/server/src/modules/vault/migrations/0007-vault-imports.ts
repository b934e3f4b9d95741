import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** Streamed card-key imports as jobs, generated codes, low-stock alerts, in-site notices. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // batches imported before this migration were written in one transaction: they are done
  await db.schema
    .alterTable('card_key_batches')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('done'))
    .execute();
  await db.schema
    .alterTable('card_key_batches')
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('card_key_batches').addColumn('finished_at', 'bigint').execute();
  await db.schema
    .createIndex('card_key_batches_product_idx')
    .on('card_key_batches')
    .columns(['product_id', 'created_at'])
    .execute();

  // allocation takes the oldest available keys first: (product, status) narrows, id (time-ordered) sorts
  await db.schema.dropIndex('card_keys_stock_idx').execute();
  await db.schema.createIndex('card_keys_stock_idx').on('card_keys').columns(['product_id', 'status', 'id']).execute();
  // most keys name no order: index only the ones that do (smaller index, faster imports)
  await db.schema.dropIndex('card_keys_order_idx').execute();
  await db.schema
    .createIndex('card_keys_order_idx')
    .on('card_keys')
    .column('order_id')
    .where(sql.ref('order_id'), 'is not', null)
    .execute();

  // a large import: the upload is staged (encrypted) in import_upload_chunks, a job inserts it batch by batch
  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('card_key_batches.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('upload', 'generate')`))
    .addColumn('spec', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('queued', 'running', 'done', 'failed')`))
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('lines_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('duplicates', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('import_jobs_supplier_idx')
    .on('import_jobs')
    .columns(['supplier_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('import_upload_chunks')
    .addColumn('import_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_upload_chunks_pk', ['import_id', 'seq'])
    .execute();

  // one row per watched product: alerted_at is set while the product sits at or below its threshold
  await db.schema
    .createTable('vault_stock_alerts')
    .addColumn('product_id', 'text', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull())
    .addColumn('armed_at', 'bigint', (c) => c.notNull())
    .addColumn('alerted_at', 'bigint')
    .execute();
}
