import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** Supplier qualifications (资质审核), the qualifications categories require, and the classes of banned goods. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('supplier_qualifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('supplier_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('wrapped_dek', 'text', (c) => c.notNull())
    .addColumn('holder_name_enc', 'text', (c) => c.notNull())
    .addColumn('holder_name_masked', 'text', (c) => c.notNull())
    .addColumn('id_number_enc', 'text', (c) => c.notNull())
    .addColumn('id_number_masked', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('document_enc', 'text')
    .addColumn('document_type', 'text')
    .addColumn('document_bytes', 'integer')
    .addColumn('document_name', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('supplier_qualifications_supplier_idx')
    .on('supplier_qualifications')
    .columns(['supplier_id', 'type', 'status'])
    .execute();
  await db.schema
    .createIndex('supplier_qualifications_status_idx')
    .on('supplier_qualifications')
    .columns(['status', 'expires_at'])
    .execute();
  await db.schema
    .createTable('category_qualification_requirements')
    .addColumn('category_id', 'text', (c) => c.primaryKey().references('categories.id').onDelete('cascade'))
    .addColumn('qualification_type', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('banned_goods_classes')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('keywords', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
