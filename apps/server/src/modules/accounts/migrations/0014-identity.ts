import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../../platform/db/database.ts';

/**
 * Third-party sign-in (WeChat 网站应用, QQ 互联): the apps operators configure, the identities bound to
 * accounts, and the single-use `state` of each sign-in bound to the browser that started it. Accounts made
 * by a third-party sign-in have no password (`password_hash` ''). Closed accounts (PIPL) are recorded in
 * `account_closures`.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('oauth_apps')
    .addColumn('provider', 'text', (c) => c.primaryKey().check(sql`provider <> ''`))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('secrets_enc', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('oauth_identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('openid', 'text', (c) => c.notNull())
    .addColumn('unionid', 'text')
    .addColumn('nickname', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oauth_identities_openid_uq')
    .on('oauth_identities')
    .columns(['provider', 'openid'])
    .unique()
    .execute();
  // one identity per provider on an account
  await db.schema
    .createIndex('oauth_identities_user_uq')
    .on('oauth_identities')
    .columns(['user_id', 'provider'])
    .unique()
    .execute();
  await db.schema
    .createIndex('oauth_identities_unionid_idx')
    .on('oauth_identities')
    .columns(['provider', 'unionid'])
    .execute();

  await db.schema
    .createTable('oauth_states')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose IN ('signin', 'bind', 'totp')`))
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('return_to', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oauth_states_expires_idx').on('oauth_states').column('expires_at').execute();

  // a closed account keeps its users row (orders and the ledger point at it) with its personal fields blanked
  await db.schema
    .createTable('account_closures')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('closed_at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
}
