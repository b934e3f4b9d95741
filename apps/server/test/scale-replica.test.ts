import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ensureBootstrapAdmin } from '../src/modules/accounts/accounts.service.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { createRuntime, type Runtime } from '../src/platform/deps.ts';
import { MODULES } from '../src/modules/index.ts';
import { call, loginAdmin } from './support/client.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TEST_DATABASE_URL, type TestApp } from './support/harness.ts';
import { openShop, type Shop } from './support/trade.ts';

/** The test database's URL with a search_path, so one server can stand in for a primary and its replica. */
function inSchema(url: string, schema: string, appName: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  u.searchParams.set('application_name', appName);
  return u.toString();
}

// A replica is another connection string; here it is a second schema of the same server holding different
// rows, so a read that comes back with the replica's rows can only have been routed there.
describe.skipIf(!TEST_DATABASE_URL)(
  'DATABASE_REPLICA_URL routes catalog reads (PostgreSQL only: SQLite has no replica)',
  () => {
    let source: TestApp;
    let shop: Shop;
    let runtime: Runtime;
    let app: FastifyInstance;
    const primary = `t_${randomBytes(6).toString('hex')}`;

    beforeAll(async () => {
      // the "replica": an ordinary test app's schema, with a shop seeded through its API
      source = await createTestApp();
      shop = await openShop(source, { keyCount: 3, priceCents: 700 });
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA ${primary}`);
      await client.end();
      const config = loadConfig({
        DATABASE_URL: inSchema(TEST_DATABASE_URL!, primary, 'kameng_primary'),
        DATABASE_REPLICA_URL: inSchema(TEST_DATABASE_URL!, source.db.schema!, 'kameng_replica'),
        DATA_DIR: source.db.dataDir,
        KAMENG_MASTER_KEY: randomBytes(32).toString('hex'),
        KAMENG_ADMIN_EMAIL: ADMIN_EMAIL,
        KAMENG_ADMIN_PASSWORD: ADMIN_PASSWORD,
        BCRYPT_COST: '4',
        LOG_LEVEL: 'silent',
        KAMENG_SANDBOX: 'on',
      });
      // the primary's handle names its schema so that migrations keep their own tables there
      const primaryDb = openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        pgSchema: primary,
      });
      await migrate(primaryDb, MODULES);
      // the replica is opened by createRuntime from DATABASE_REPLICA_URL, as in production
      runtime = createRuntime(config, MODULES, { log: pino({ level: 'silent' }), database: primaryDb });
      await ensureBootstrapAdmin(runtime.deps);
      app = await buildApp(runtime.deps, { logger: false });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await runtime?.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${primary} CASCADE`);
      await client.end();
      await source?.close();
    });

    it('lists and shows products from the replica, which the primary does not hold', async () => {
      const inPrimary = await runtime.deps.db.selectFrom('products').select('id').execute();
      expect(inPrimary).toEqual([]);
      const list = await call(app, 'GET', '/api/v1/products');
      expect(list.status).toBe(200);
      expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([shop.productId]);
      const page = await call(app, 'GET', `/api/v1/products/${shop.productId}`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ id: shop.productId, priceCents: 700, stock: 3 });
      expect((await call(app, 'GET', '/api/v1/categories')).body.items.map((c: { id: string }) => c.id)).toContain(
        shop.categoryId,
      );
    });

    it('writes and everything outside the public catalog use the primary', async () => {
      const admin = await loginAdmin({ app, clock: runtime.deps.clock });
      const created = await call(app, 'POST', '/api/v1/admin/categories', { token: admin, body: { name: '只在主库' } });
      expect(created.status).toBe(201);
      const primaryRows = await runtime.deps.db.selectFrom('categories').select('id').execute();
      expect(primaryRows.map((r) => r.id)).toEqual([created.body.id]);
      const replicaRows = await source.deps.db.selectFrom('categories').select('id').execute();
      expect(replicaRows.map((r) => r.id)).not.toContain(created.body.id);
      // the operators' product review list reads the primary, which has no products
      const review = await call(app, 'GET', '/api/v1/admin/products', { token: admin });
      expect(review.status).toBe(200);
      expect(review.body.total).toBe(0);
      // buying needs the product in the primary: the order path never reads the replica
      const order = await call(app, 'POST', '/api/v1/orders', {
        body: {
          items: [{ productId: shop.productId, quantity: 1 }],
          paymentMethod: 'sandbox',
          guest: { email: 'guest@example.cn', lookupPassword: 'lookup-1234' },
        },
      });
      expect(order.status).toBe(404);
    });

    it('holds separate connections for primary and replica', async () => {
      const names = async (db: typeof runtime.deps.db) =>
        (
          await db
            .selectNoFrom((eb) => eb.fn<string>('current_setting', [eb.val('application_name')]).as('name'))
            .executeTakeFirstOrThrow()
        ).name;
      expect(await names(runtime.deps.db)).toBe('kameng_primary');
      expect(await names(runtime.deps.readDb)).toBe('kameng_replica');
    });
  },
);
