import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { trialBalance } from '../src/modules/ledger/ledger.service.ts';
import { MODULES } from '../src/modules/index.ts';
import { type Database, openDatabase } from '../src/platform/db/database.ts';
import { migrate, migrationPlan } from '../src/platform/db/migrate.ts';
import { call, login } from './support/client.ts';
import {
  createTestDatabase,
  createTestApp,
  dialectName,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './support/harness.ts';

/**
 * A database made by main at 3442744 — before the tables and migrations moved into their modules — with a
 * supplier, a product, a funded buyer, a delivered, a confirmed and a pending order (see
 * fixtures/upgrade-3442744/README.md). Today's code must migrate it forward without changing a row, end with
 * the same schema as a fresh database, and keep trading on it.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures/upgrade-3442744');
const manifest = JSON.parse(readFileSync(join(FIXTURES, `${dialectName}.json`), 'utf8')) as {
  masterKey: string;
  buyer: { email: string; password: string };
  productId: string;
  deliveredOrderId: string;
  deliveredKeys: string[];
  confirmedOrderId: string;
  pendingOrderId: string;
  walletCents: number;
};

const RELEASED = [
  '0001-foundation',
  '0002-catalog',
  '0003-vault',
  '0004-ledger',
  '0005-orders',
  '0006-payments',
  '0007-vault-imports',
  '0008-payment-channels',
  '0009-carousel',
];

async function fixtureDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kameng-upgrade-'));
  if (!TEST_DATABASE_URL) {
    writeFileSync(join(dataDir, 'kameng.sqlite'), gunzipSync(readFileSync(join(FIXTURES, 'sqlite.db.gz'))));
    const database = openDatabase({ dataDir });
    return { database, dataDir, schema: undefined, drop: () => database.close() };
  }
  const schema = `u_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const dump = readFileSync(join(FIXTURES, 'postgres.sql'), 'utf8').replaceAll('__SCHEMA__', schema);
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(dump);
  await client.end();
  const database = openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir, pgSchema: schema });
  return {
    database,
    dataDir,
    schema,
    async drop() {
      await database.close().catch(() => {});
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

async function tableNames(d: Database): Promise<string[]> {
  const rows =
    d.dialect === 'postgres'
      ? await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = ${d.schema} and table_type = 'BASE TABLE'`.execute(d.db)
      : await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(d.db);
  return rows.rows.map((r) => r.name).sort();
}

/** Columns later migrations add to tables the fixture has rows in, with the value an existing row gets. */
const ADDED_COLUMNS: Record<string, Record<string, unknown>> = {
  holds: { frozen_share_cents: 0, frozen_commission_cents: 0 },
  orders: { window_extension_ms: 0, device_hash: null, created_ip: null },
  order_items: { price_rule: null, platform_unit_cents: null },
  products: { takedown_reason: null, taken_down_at: null, taken_down_by: null },
  sessions: { reauth_factor: null },
};

async function allRows(d: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of await tableNames(d)) {
    if (t.startsWith('kysely_migration')) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(d.db as Kysely<unknown>);
    out[t] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

/** Tables, columns, indexes, constraints and triggers, with the schema's name taken out. */
async function describeSchema(d: Database): Promise<string[]> {
  const db = d.db as Kysely<unknown>;
  if (d.dialect === 'sqlite') {
    const r = await sql<{ type: string; name: string; sql: string | null }>`select type, name, sql from sqlite_master
      where name not like 'sqlite_%' and name not like 'kysely_migration%'`.execute(db);
    return r.rows.map((x) => `${x.type} ${x.name}: ${x.sql}`).sort();
  }
  const s = d.schema as string;
  const cols = await sql<Record<string, string>>`select table_name, column_name, data_type, is_nullable,
      coalesce(column_default, '') as dflt from information_schema.columns where table_schema = ${s}`.execute(db);
  const idx = await sql<Record<string, string>>`select indexdef from pg_indexes where schemaname = ${s}`.execute(db);
  const cons = await sql<Record<string, string>>`select conrelid::regclass::text as tbl, conname,
      pg_get_constraintdef(oid) as def from pg_constraint where connamespace = ${s}::regnamespace`.execute(db);
  const trg = await sql<Record<string, string>>`select tgrelid::regclass::text as tbl, tgname from pg_trigger
      where not tgisinternal and tgrelid in (select oid from pg_class where relnamespace = ${s}::regnamespace)`.execute(
    db,
  );
  const lines = [...cols.rows, ...idx.rows, ...cons.rows, ...trg.rows].map((r) => JSON.stringify(r));
  return lines
    .map((l) => l.replaceAll(`${s}.`, ''))
    .filter((l) => !l.includes('kysely_migration'))
    .sort();
}

describe(`upgrade (${dialectName}) from a database made by main at 3442744`, () => {
  const open: Array<{ drop(): Promise<void> }> = [];
  afterAll(async () => {
    for (const o of open) await o.drop();
  });

  test('the released migrations keep their names and order', () => {
    expect(
      migrationPlan(MODULES)
        .map(([name]) => name)
        .slice(0, RELEASED.length),
    ).toEqual(RELEASED);
  });

  test('migrates forward with no row changed, to the schema a fresh database gets, and the shop keeps trading', async () => {
    const old = await fixtureDatabase();
    const before = await allRows(old.database);
    expect(before.orders).toHaveLength(3);

    await migrate(old.database, MODULES);
    // every table that was there keeps its rows, each column as it was; a column a later migration adds to
    // them holds its default (listed in ADDED_COLUMNS); a table a later migration adds starts empty
    const migrated = await allRows(old.database);
    for (const [table, rows] of Object.entries(migrated)) {
      const was = before[table] ?? [];
      const columns = was.length > 0 ? Object.keys(JSON.parse(was[0]!) as object) : [];
      const split = rows.map((r) => {
        const row = JSON.parse(r) as Record<string, unknown>;
        const kept = Object.fromEntries(columns.map((c) => [c, row[c]]));
        const added = Object.fromEntries(Object.entries(row).filter(([c]) => !columns.includes(c)));
        return { kept: JSON.stringify(kept), added };
      });
      expect(split.map((s) => s.kept).sort(), table).toEqual(was);
      if (was.length > 0) for (const s of split) expect(s.added, table).toEqual(ADDED_COLUMNS[table] ?? {});
    }
    expect(Object.keys(migrated)).toEqual(expect.arrayContaining(Object.keys(before)));

    const fresh = await createTestDatabase();
    open.push(fresh);
    expect(await describeSchema(old.database)).toEqual(await describeSchema(fresh.database));

    const t = await createTestApp({ db: old, env: { KAMENG_MASTER_KEY: manifest.masterKey, KAMENG_SANDBOX: 'on' } });
    open.push({ drop: () => t.close() });
    const buyer = await login(t.app, manifest.buyer.email, manifest.buyer.password);

    const delivered = await call(t.app, 'GET', `/api/v1/orders/${manifest.deliveredOrderId}`, { token: buyer.token });
    expect(delivered.status).toBe(200);
    // the keys were sealed under the old database's data keys: they still open
    expect(delivered.body.cardKeys).toEqual(manifest.deliveredKeys);
    const pending = await call(t.app, 'GET', `/api/v1/orders/${manifest.pendingOrderId}`, { token: buyer.token });
    expect(pending.body.status).toBe('pending_payment');
    const wallet = await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token });
    expect(wallet.body.balanceCents).toBe(manifest.walletCents);

    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: manifest.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    expect(order.body.status).toBe('delivered');
    const got = await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token });
    expect(got.body.cardKeys).toHaveLength(1);
    expect(manifest.deliveredKeys).not.toContain(got.body.cardKeys[0]);
    const after = await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token });
    expect(after.body.balanceCents).toBe(manifest.walletCents - 1000);
    expect((await trialBalance(t.deps.db)).balanced).toBe(true);
  });
});
