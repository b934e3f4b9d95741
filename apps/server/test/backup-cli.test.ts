import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { MODULES } from '../src/modules/index.ts';
import { kameng } from './support/cli.ts';
import { copyTemplateToDatabase } from './support/db-template.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, TEST_DATABASE_URL, type TestApp, type TestDatabase } from './support/harness.ts';
import { createPgDatabase } from './support/pg-database.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

const MASTER = randomBytes(32).toString('hex');

// on PostgreSQL the commands work on a whole database: the test below gives them databases of their own
describe.skipIf(TEST_DATABASE_URL)('kameng backup / restore / master-key export (sqlite, the commands)', () => {
  let t: TestApp;
  let shop: Shop;
  const work = mkdtempSync(join(tmpdir(), 'kameng-cli-backup-'));
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER } });
    shop = await openShop(t, { keyCount: 3, priceCents: 700 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up the running shop, restores only into an empty DATA_DIR with the key, and the order is there', async () => {
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 2000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);

    const archive = join(work, 'shop.kmb');
    const made = await kameng(['backup', '--out', archive], { DATA_DIR: t.db.dataDir, KAMENG_MASTER_KEY: MASTER });
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/backup written: .*shop\.kmb \(sqlite.*; a full\)/);
    expect((await kameng(['backup'], { DATA_DIR: t.db.dataDir, KAMENG_MASTER_KEY: MASTER })).code).toBe(1);

    // a second order after the full, carried by an incremental on top of it
    const later = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(later.status).toBe(201);
    const incr = join(work, 'shop-incr1.kmb');
    const made1 = await kameng(['backup', '--out', incr, '--since', archive], {
      DATA_DIR: t.db.dataDir,
      KAMENG_MASTER_KEY: MASTER,
    });
    expect(made1.err).toBe('');
    expect(made1.out).toMatch(/incremental #1 written: .*shop-incr1\.kmb/);
    const chained = join(work, 'restored-chain');
    const fromChain = await kameng(['restore', '--from', archive, '--from', incr], {
      DATA_DIR: chained,
      KAMENG_MASTER_KEY: MASTER,
    });
    expect(fromChain.err).toBe('');
    expect(fromChain.out).toMatch(/up to incremental #1/);
    const missing = await kameng(['restore', '--from', incr], {
      DATA_DIR: join(work, 'r2'),
      KAMENG_MASTER_KEY: MASTER,
    });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/is an incremental: a restore starts from its full/);
    const chainDb = openDatabase({ dataDir: chained });
    try {
      const ids = await chainDb.db.selectFrom('orders').select('id').execute();
      expect(ids.map((o) => o.id).sort()).toEqual([order.body.id, later.body.id].sort());
    } finally {
      await chainDb.close();
    }

    const restored = join(work, 'restored');
    const keyless = await kameng(['restore', '--from', archive], { DATA_DIR: restored });
    expect(keyless.code).toBe(1);
    expect(keyless.err).toMatch(/no master key/);
    const wrong = await kameng(['restore', '--from', archive], {
      DATA_DIR: restored,
      KAMENG_MASTER_KEY: randomBytes(32).toString('hex'),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/does not open with this master key/);

    const ok = await kameng(['restore', '--from', archive], { DATA_DIR: restored, KAMENG_MASTER_KEY: MASTER });
    expect(ok.code).toBe(0);
    const again = await kameng(['restore', '--from', archive], { DATA_DIR: restored, KAMENG_MASTER_KEY: MASTER });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/not empty/);

    const exported = await kameng(['master-key', 'export'], { DATA_DIR: restored, KAMENG_MASTER_KEY: MASTER });
    expect(exported.code).toBe(0);
    expect(exported.out).toBe(`${MASTER}\n`);

    const database = openDatabase({ dataDir: restored });
    try {
      const audit = await database.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'master_key.exported')
        .execute();
      expect(audit).toHaveLength(1);
      const row = await database.db
        .selectFrom('orders')
        .select(['id', 'status'])
        .where('id', '=', order.body.id)
        .executeTakeFirst();
      expect(row).toEqual({ id: order.body.id, status: 'delivered' });
    } finally {
      await database.close();
    }
  });
});

/** A whole PostgreSQL database, migrated, as a test app's database (closing the app drops it). */
async function wholeDatabase(tag: string): Promise<TestDatabase & { url: string }> {
  const created = await createPgDatabase(tag);
  const dataDir = mkdtempSync(join(tmpdir(), `kameng-${tag}-`));
  // the run's migrated template (support/db-template.ts) when there is one, as every test database is
  const template = inject('kamengDbTemplate');
  if (template) await copyTemplateToDatabase(template, created.url);
  const database = openDatabase({ databaseUrl: created.url, dataDir });
  if (!template) await migrate(database, MODULES);
  return {
    database,
    dataDir,
    schema: undefined,
    url: created.url,
    async drop() {
      await database.close().catch(() => {});
      await created.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe.runIf(TEST_DATABASE_URL)('kameng backup / restore (postgres, the commands on whole databases)', () => {
  let t: TestApp;
  let shop: Shop;
  let source: Awaited<ReturnType<typeof wholeDatabase>>;
  const work = mkdtempSync(join(tmpdir(), 'kameng-cli-pg-'));
  beforeAll(async () => {
    source = await wholeDatabase('cli_src');
    t = await createTestApp({ db: source, env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER } });
    shop = await openShop(t, { keyCount: 3, priceCents: 700 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up the running shop with --out, restores it with --from into an empty database only, and it all opens', async () => {
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 2000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 2 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    const sold = (await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token })).body.cardKeys;
    expect(sold).toHaveLength(2);

    const archive = join(work, 'shop.kmb');
    const env = (url: string) => ({ DATABASE_URL: url, DATA_DIR: join(work, 'data'), KAMENG_MASTER_KEY: MASTER });
    const made = await kameng(['backup', '--out', archive], env(source.url));
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/backup written: .*shop\.kmb \(postgres.*a full \(pg_dump\).*WAL archiving/);
    // incrementals on PostgreSQL are WAL archiving (pgBackRest), not this command: refused with the way to it
    const incr = await kameng(['backup', '--out', join(work, 'incr.kmb'), '--since', archive], env(source.url));
    expect(incr.code).toBe(1);
    expect(incr.err).toMatch(/SQLite only.*WAL archiving/);

    // the running shop's own database is not empty: refused, nothing touched
    const onto = await kameng(['restore', '--from', archive], env(source.url));
    expect(onto.code).toBe(1);
    expect(onto.err).toMatch(/not empty/);

    const target = await wholeDatabaseUnmigrated();
    try {
      const ok = await kameng(['restore', '--from', archive], env(target.url));
      expect(ok.err).toBe('');
      expect(ok.code).toBe(0);
      const database = openDatabase({ databaseUrl: target.url, dataDir: join(work, 'restored') });
      await migrate(database, MODULES);
      const r = await createTestApp({
        db: { database, dataDir: join(work, 'restored'), schema: undefined, drop: () => database.close() },
        env: { KAMENG_SANDBOX: 'on', KAMENG_MASTER_KEY: MASTER },
      });
      try {
        const got = await call(r.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token });
        expect(got.status).toBe(200);
        expect(got.body.cardKeys).toEqual(sold);
        expect((await call(r.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(600);
        expect((await call(r.app, 'GET', `/api/v1/products/${shop.productId}`)).body.stock).toBe(1);
        await expectBalanced(r, shop.admin);
      } finally {
        await r.close();
      }
    } finally {
      await target.drop();
    }
  });
});

/** An empty PostgreSQL database, not even migrated: what `restore` wants. */
async function wholeDatabaseUnmigrated(): Promise<{ url: string; drop(): Promise<void> }> {
  return createPgDatabase('cli_dst');
}
