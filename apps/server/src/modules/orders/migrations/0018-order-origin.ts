import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/** Where an order was placed from (交易记录可追溯): the client address the trusted-proxy setting gave. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('orders').addColumn('created_ip', 'text').execute();
}
