import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as dropProviderCheck } from '../src/modules/payments/migrations/0010-payment-channel-providers.ts';
import { createTestDatabase, dialectName, type TestDatabase } from './support/harness.ts';

describe(`migration 0010: payment_channels without the provider list (${dialectName})`, () => {
  let t: TestDatabase;
  const row = {
    provider: 'alipay' as const,
    enabled: 1,
    environment: 'production' as const,
    methods: '["qr"]',
    fee_bps: 60,
    settings: '{"appId":"2021"}',
    secrets_enc: 'sealed',
    updated_by: 'usr_1',
    created_at: 1,
    updated_at: 2,
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    // the table as 0008 left it: the providers listed in a CHECK, with a configured channel in it
    const db = t.database.db;
    await db.schema.dropTable('payment_channels').execute();
    await db.schema
      .createTable('payment_channels')
      .addColumn('provider', 'text', (c) => c.primaryKey().check(sql`provider IN ('alipay', 'wechat', 'epay')`))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('environment', 'text', (c) => c.notNull().check(sql`environment IN ('sandbox', 'production')`))
      .addColumn('methods', 'text', (c) => c.notNull())
      .addColumn('fee_bps', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('secrets_enc', 'text')
      .addColumn('updated_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.insertInto('payment_channels').values(row).execute();
  });
  afterAll(async () => t.drop());

  it('keeps every row as it was, takes any channel of the registry, and still refuses an empty provider', async () => {
    const db = t.database.db;
    const insert = (provider: string) =>
      db
        .insertInto('payment_channels')
        .values({ ...row, provider: provider as 'alipay' })
        .execute();
    await expect(insert('unionpay')).rejects.toThrow();
    await dropProviderCheck(db as unknown as Kysely<unknown>, t.database.dialect);
    const rows = await db.selectFrom('payment_channels').selectAll().execute();
    expect(rows.map((r) => ({ ...r, created_at: Number(r.created_at), updated_at: Number(r.updated_at) }))).toEqual([
      row,
    ]);
    await insert('unionpay');
    await expect(insert('')).rejects.toThrow();
    await expect(
      db
        .insertInto('payment_channels')
        .values({ ...row, provider: 'wechat', environment: 'staging' as 'sandbox' })
        .execute(),
    ).rejects.toThrow();
  });
});
