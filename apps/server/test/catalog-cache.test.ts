import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import {
  CATALOG_CACHE_TTL_MS,
  cached,
  invalidateCatalogCache,
  invalidateCatalogProducts,
  REPLICA_CACHE_TTL_MS,
} from '../src/modules/catalog/catalog.cache.ts';
import { createRuntime, type Runtime } from '../src/platform/deps.ts';
import { MODULES } from '../src/modules/index.ts';
import { approvedSupplier, call, loginAdmin } from './support/client.ts';
import {
  createTestApp,
  dialectName,
  ManualClock,
  openSameDatabase,
  TEST_REDIS_URL,
  type TestApp,
} from './support/harness.ts';

describe(`catalog cache (${dialectName}${TEST_REDIS_URL ? ' + redis' : ''})`, () => {
  let t: TestApp;
  let clock: ManualClock;
  let admin: string;
  let supplier: string;
  let categoryId: string;
  let productId: string;

  const priceSeen = async (app: FastifyInstance) => {
    const res = await call(app, 'GET', `/api/v1/products?categoryId=${categoryId}`);
    expect(res.status).toBe(200);
    return res.body.items[0]?.priceCents as number | undefined;
  };
  // a change behind the catalog's back, as if another process wrote it without telling the cache
  const setPriceDirectly = (priceCents: number) =>
    t.deps.db.updateTable('products').set({ price_cents: priceCents }).where('id', '=', productId).execute();

  beforeAll(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1));
    t = await createTestApp({ clock });
    admin = await loginAdmin(t);
    supplier = (await approvedSupplier(t, admin, '缓存小店')).token;
    categoryId = (await call(t.app, 'POST', '/api/v1/admin/categories', { token: admin, body: { name: '缓存' } })).body
      .id;
    const made = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: supplier,
      body: { categoryId, title: '缓存商品', description: '', priceCents: 1000, deliveryMode: 'manual' },
    });
    productId = made.body.id;
    await call(t.app, 'POST', `/api/v1/admin/products/${productId}/approve`, { token: admin });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves listings from the cache until invalidated, and for at most the TTL', async () => {
    expect(await priceSeen(t.app)).toBe(1000);
    await setPriceDirectly(1111);
    expect(await priceSeen(t.app)).toBe(1000);
    await invalidateCatalogCache(t.deps);
    expect(await priceSeen(t.app)).toBe(1111);

    await setPriceDirectly(1222);
    clock.advance(CATALOG_CACHE_TTL_MS - 1);
    if (!TEST_REDIS_URL) expect(await priceSeen(t.app)).toBe(1111);
    clock.advance(2);
    // Redis expires on its own clock; the in-process cache follows the injected one
    if (!TEST_REDIS_URL) expect(await priceSeen(t.app)).toBe(1222);
  });

  it('keeps what it read from a replica only briefly: a lagging replica cannot pin a stale page for the TTL', async () => {
    // a process whose catalog reads go to a replica (any other handle than the primary's)
    const withReplica = { ...t.deps, readDb: openSameDatabase(t.db).db };
    let computed = 0;
    const read = () => cached(withReplica, 'replica-probe', async () => ++computed);
    await invalidateCatalogCache(withReplica);
    expect(await read()).toBe(1);
    expect(await read()).toBe(1);
    if (TEST_REDIS_URL) {
      const keys = await t.deps.redis!.keys(`${t.deps.redisPrefix}catalog:*:replica-probe`);
      expect(keys).toHaveLength(1);
      const ttl = await t.deps.redis!.pttl(keys[0]!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(REPLICA_CACHE_TTL_MS);
    } else {
      clock.advance(REPLICA_CACHE_TTL_MS + 1);
      expect(await read()).toBe(2);
    }
    await withReplica.readDb.destroy();
  });

  it('drops cached listings and pages on an edit through the API', async () => {
    await invalidateCatalogCache(t.deps);
    const before = await call(t.app, 'GET', `/api/v1/products/${productId}`);
    expect(before.body.onSale).toBe(true);
    const off = await call(t.app, 'PATCH', `/api/v1/supplier/products/${productId}`, {
      token: supplier,
      body: { onSale: false },
    });
    expect(off.status).toBe(200);
    expect((await call(t.app, 'GET', `/api/v1/products/${productId}`)).status).toBe(404);
    expect(await priceSeen(t.app)).toBeUndefined();
    await call(t.app, 'PATCH', `/api/v1/supplier/products/${productId}`, { token: supplier, body: { onSale: true } });
    expect(await priceSeen(t.app)).toBeDefined();
  });

  it('sends a cached page with an ETag and answers 304 to a client that holds it', async () => {
    await invalidateCatalogCache(t.deps);
    for (const url of ['/api/v1/products', `/api/v1/products/${productId}`, '/api/v1/categories']) {
      const first = await call(t.app, 'GET', url);
      expect(first.status).toBe(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(first.headers['x-content-type-options']).toBe('nosniff');
      const again = await call(t.app, 'GET', url, { headers: { 'if-none-match': `W/"other", ${etag}` } });
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect((await call(t.app, 'GET', url, { headers: { 'if-none-match': '"other"' } })).body).toEqual(first.body);
    }
    const before = (await call(t.app, 'GET', `/api/v1/products/${productId}`)).headers.etag;
    await setPriceDirectly(1333);
    await invalidateCatalogCache(t.deps);
    const after = await call(t.app, 'GET', `/api/v1/products/${productId}`, {
      headers: { 'if-none-match': `${before}` },
    });
    expect(after.status).toBe(200);
    expect(after.body.priceCents).toBe(1333);
    expect(after.headers.etag).not.toBe(before);
  });

  it('a stock change drops only the pages that show the product; a sale also drops the listings sorted by sales', async () => {
    const made = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: supplier,
      body: { categoryId, title: '缓存旁品', description: '', priceCents: 2000, deliveryMode: 'manual' },
    });
    const otherId = made.body.id as string;
    await call(t.app, 'POST', `/api/v1/admin/products/${otherId}/approve`, { token: admin });
    await invalidateCatalogCache(t.deps);
    const page = async (id: string) => (await call(t.app, 'GET', `/api/v1/products/${id}`)).body.priceCents;
    const inList = async (query: string, id: string) =>
      (await call(t.app, 'GET', `/api/v1/products?${query}`)).body.items.find((i: { id: string }) => i.id === id)
        ?.priceCents;
    const both = `categoryId=${categoryId}&sort=price_asc`;
    const onlyOther = `q=${encodeURIComponent('缓存旁品')}`;
    await setPriceDirectly(1700);
    await invalidateCatalogCache(t.deps);
    expect([await page(productId), await page(otherId)]).toEqual([1700, 2000]);
    expect([await inList(both, productId), await inList(onlyOther, otherId)]).toEqual([1700, 2000]);

    await setPriceDirectly(1800);
    await t.deps.db.updateTable('products').set({ price_cents: 2100 }).where('id', '=', otherId).execute();
    await invalidateCatalogProducts(t.deps, [productId]);
    expect(await page(productId)).toBe(1800);
    expect(await inList(both, productId)).toBe(1800);
    // neither shows the product: kept
    expect(await page(otherId)).toBe(2000);
    expect(await inList(onlyOther, otherId)).toBe(2000);

    // a sale may reorder every listing sorted by sales (the default sort)
    await invalidateCatalogProducts(t.deps, [productId], { sold: true });
    expect(await inList(onlyOther, otherId)).toBe(2100);
    expect(await page(otherId)).toBe(2000);
    await call(t.app, 'PATCH', `/api/v1/supplier/products/${otherId}`, { token: supplier, body: { onSale: false } });
  });

  it("a listing shows card-key stock from the products' counters and counts no key", async () => {
    const cardProduct = async (title: string) => {
      const made = await call(t.app, 'POST', '/api/v1/supplier/products', {
        token: supplier,
        body: { categoryId, title, description: '', priceCents: 3000, deliveryMode: 'auto' },
      });
      const id = made.body.id as string;
      await call(t.app, 'POST', `/api/v1/admin/products/${id}/approve`, { token: admin });
      const keys = Array.from({ length: 3 }, (_, i) => `${title}-KEY-${i}-${id}`);
      expect(
        (await call(t.app, 'POST', `/api/v1/supplier/products/${id}/card-keys`, { token: supplier, body: { keys } }))
          .status,
      ).toBe(200);
      return id;
    };
    const a = await cardProduct('计数甲');
    const b = await cardProduct('计数乙');
    await invalidateCatalogCache(t.deps);
    const listed = `categoryId=${categoryId}&sort=price_asc`;
    const stocks = async () => {
      const items = (await call(t.app, 'GET', `/api/v1/products?${listed}`)).body.items as {
        id: string;
        stock: number;
      }[];
      return [a, b].map((id) => items.find((i) => i.id === id)?.stock);
    };
    expect(await stocks()).toEqual([3, 3]);
    // one key of a leaves behind the vault's back: stock is the products' counter, no key is counted again
    const one = await t.deps.db
      .selectFrom('card_keys')
      .select('id')
      .where('product_id', '=', a)
      .where('status', '=', 'available')
      .executeTakeFirstOrThrow();
    await t.deps.db.updateTable('card_keys').set({ status: 'void' }).where('id', '=', one.id).execute();
    await invalidateCatalogProducts(t.deps, [a]);
    expect(await stocks()).toEqual([3, 3]);
    // one key of b voided through the vault moves b's counter, and the refilled page shows it
    const two = await t.deps.db
      .selectFrom('card_keys')
      .select('id')
      .where('product_id', '=', b)
      .where('status', '=', 'available')
      .executeTakeFirstOrThrow();
    const voided = await call(t.app, 'POST', `/api/v1/supplier/products/${b}/card-keys/void`, {
      token: supplier,
      body: { ids: [two.id] },
    });
    expect(voided.body.voided).toBe(1);
    expect(await stocks()).toEqual([3, 2]);
    for (const id of [a, b]) {
      await call(t.app, 'PATCH', `/api/v1/supplier/products/${id}`, { token: supplier, body: { onSale: false } });
    }
  });

  it('drops the cached category tree on a category change', async () => {
    const names = async () =>
      (await call(t.app, 'GET', '/api/v1/categories')).body.items.map((c: { name: string }) => c.name);
    expect(await names()).toContain('缓存');
    await call(t.app, 'PATCH', `/api/v1/admin/categories/${categoryId}`, { token: admin, body: { name: '缓存2' } });
    expect(await names()).toContain('缓存2');
  });

  it.skipIf(!TEST_REDIS_URL)('a hit asks Redis nothing once the process listens for invalidations', async () => {
    await priceSeen(t.app);
    const redis = t.deps.redis!;
    const get = redis.get;
    let gets = 0;
    redis.get = ((...args: Parameters<typeof get>) => {
      gets++;
      return get.apply(redis, args);
    }) as typeof get;
    try {
      for (let i = 0; i < 5; i++) await priceSeen(t.app);
    } finally {
      redis.get = get;
    }
    expect(gets).toBe(0);
  });

  describe.skipIf(!TEST_REDIS_URL)('across processes', () => {
    let second: Runtime;
    let app2: FastifyInstance;
    beforeAll(async () => {
      second = createRuntime(t.config, MODULES, {
        clock,
        database: openSameDatabase(t.db),
        log: pino({ level: 'silent' }),
        redisPrefix: t.deps.redisPrefix,
      });
      app2 = await buildApp(second.deps, { logger: false });
      await app2.ready();
    });
    afterAll(async () => {
      await app2.close();
      await second.close();
    });

    // the other process hears of an invalidation through pub/sub: within the moment the message takes
    const seenBy = async (app: FastifyInstance, want: number | undefined) => {
      for (const deadline = Date.now() + 2000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 5))) {
        if ((await priceSeen(app)) === want) break;
      }
      return priceSeen(app);
    };

    it('an invalidation in one process makes every process miss', async () => {
      await invalidateCatalogCache(t.deps);
      await setPriceDirectly(1500);
      expect(await seenBy(app2, 1500)).toBe(1500);
      expect(await priceSeen(t.app)).toBe(1500);
      await setPriceDirectly(1600);
      expect(await priceSeen(app2)).toBe(1500);
      // the approval path in process 1 invalidates; process 2 sees the change
      await invalidateCatalogCache(t.deps);
      expect(await seenBy(app2, 1600)).toBe(1600);

      const edit = await call(t.app, 'PATCH', `/api/v1/supplier/products/${productId}`, {
        token: supplier,
        body: { onSale: false },
      });
      expect(edit.status).toBe(200);
      expect(await seenBy(app2, undefined)).toBeUndefined();
      await call(t.app, 'PATCH', `/api/v1/supplier/products/${productId}`, { token: supplier, body: { onSale: true } });
    });

    it("a product's stock change drops its pages in every process, and only those", async () => {
      const page = async (app: FastifyInstance) =>
        (await call(app, 'GET', `/api/v1/products/${productId}`)).body.priceCents as number;
      const tree = async (app: FastifyInstance) => (await call(app, 'GET', '/api/v1/categories')).body.items;
      await setPriceDirectly(1900);
      await invalidateCatalogCache(t.deps);
      expect(await seenBy(app2, 1900)).toBe(1900);
      const treeBefore = await tree(app2);
      await t.deps.db.updateTable('categories').set({ name: '缓存3' }).where('id', '=', categoryId).execute();
      await setPriceDirectly(1950);
      await invalidateCatalogProducts(t.deps, [productId]);
      for (const deadline = Date.now() + 2000; Date.now() < deadline && (await page(app2)) !== 1950; )
        await new Promise((r) => setTimeout(r, 5));
      expect(await page(app2)).toBe(1950);
      // the tree shows no product: still the cached one
      expect(await tree(app2)).toEqual(treeBefore);
    });
  });
});
