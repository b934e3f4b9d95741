import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** SMS gateways (Aliyun, Tencent Cloud) configured by operators: settings in clear, secrets encrypted. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  // no CHECK listing the gateways: the contracts' list is the one list, and a migration is fixed once run
  await db.schema
    .createTable('sms_gateways')
    .addColumn('provider', 'text', (c) => c.primaryKey().check(sql`provider <> ''`))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('secrets_enc', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
