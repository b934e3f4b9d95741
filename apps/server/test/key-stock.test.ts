import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidateCatalogProducts } from '../src/modules/catalog/catalog.service.ts';
import { postEntry } from '../src/modules/ledger/ledger.service.ts';
import { recountKeyStock } from '../src/modules/vault/vault.service.ts';
import { call, registerAndLogin, registerMany } from './support/client.ts';
import { createTestApp, createTestDatabase, dialectName, type TestApp } from './support/harness.ts';
import { capturedLog } from './support/captured-log.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, fundWallets, openShop, type Shop } from './support/trade.ts';

async function fund(t: TestApp, userId: string, amountCents: number): Promise<void> {
  await t.deps.db.transaction().execute((tx) =>
    postEntry(tx, t.deps, {
      id: `test-fund:${userId}:${amountCents}:${Math.random()}`,
      kind: 'test_funding',
      transfers: [{ from: 'clearing:test', to: `wallet:${userId}`, amountCents }],
    }),
  );
}

async function counter(t: TestApp, productId: string): Promise<number> {
  const r = await t.deps.db
    .selectFrom('key_stock')
    .select('available')
    .where('product_id', '=', productId)
    .executeTakeFirstOrThrow();
  return Number(r.available);
}

async function availableKeys(t: TestApp, productId: string): Promise<number> {
  const r = await t.deps.db
    .selectFrom('card_keys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('product_id', '=', productId)
    .where('status', '=', 'available')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function stockShown(t: TestApp, productId: string): Promise<number> {
  const r = await call(t.app, 'GET', `/api/v1/products/${productId}`);
  expect(r.status).toBe(200);
  return r.body.stock as number;
}

/** The counter, the keys and the product page agree, and a recount finds nothing to repair. */
async function expectInStep(t: TestApp, productId: string, available: number): Promise<void> {
  expect(await availableKeys(t, productId)).toBe(available);
  expect(await counter(t, productId)).toBe(available);
  await invalidateCatalogProducts(t.deps, [productId]);
  expect(await stockShown(t, productId)).toBe(available);
  expect((await recountKeyStock(t.deps)).drifts).toEqual([]);
}

const METRICS_TOKEN = 'metrics-token-for-key-stock-tests';
const RACERS = dialectName === 'postgres' ? 200 : 60;
const RACE_KEYS = dialectName === 'postgres' ? 60 : 20;

describe(`card-key stock counter (${dialectName})`, () => {
  let t: TestApp;
  const logged = capturedLog();
  const statements: string[] = [];
  let recording = false;
  beforeAll(async () => {
    const db = await createTestDatabase({
      onQuery: (sql) => {
        if (recording) statements.push(sql);
      },
    });
    t = await createTestApp({ db, env: { KAMENG_SANDBOX: 'on', METRICS_TOKEN }, log: logged.log });
  });
  afterAll(async () => {
    await t.close();
  });

  it('moves with every key status change: import, reservation, release, wallet sale, void', async () => {
    const shop: Shop = await openShop(t, { keyCount: 10, priceCents: 300 });
    await expectInStep(t, shop.productId, 10);
    const buyer = await registerAndLogin(t.app);
    await fund(t, buyer.userId, 10_000);

    // a wallet purchase of 2: reserved and sold in one transaction
    const sold = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 2 }], paymentMethod: 'balance' },
    });
    expect(sold.status).toBe(201);
    await expectInStep(t, shop.productId, 8);

    // a channel order reserves 3; cancelling it gives them back
    const pending = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 3 }], paymentMethod: 'sandbox' },
    });
    expect(pending.status).toBe(201);
    await expectInStep(t, shop.productId, 5);
    expect((await call(t.app, 'POST', `/api/v1/orders/${pending.body.id}/cancel`, { token: buyer.token })).status).toBe(
      200,
    );
    await expectInStep(t, shop.productId, 8);

    // the supplier voids two unsold keys (and one that is sold: not counted twice)
    const keys = await t.deps.db
      .selectFrom('card_keys')
      .select(['id', 'status'])
      .where('product_id', '=', shop.productId)
      .orderBy('id')
      .execute();
    const ids = [...keys.filter((k) => k.status === 'available').slice(0, 2), keys.find((k) => k.status === 'sold')!];
    const voided = await call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys/void`, {
      token: shop.supplier.token,
      body: { ids: ids.map((k) => k.id) },
    });
    expect(voided.status).toBe(200);
    expect(voided.body.voided).toBe(2);
    await expectInStep(t, shop.productId, 6);

    // more keys arrive, duplicates of held ones not counted
    const more = await call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys`, {
      token: shop.supplier.token,
      body: { keys: ['NEW-KEY-1', 'NEW-KEY-2', shop.keys[9]!] },
    });
    expect(more.status).toBeLessThan(300);
    await drainJobs(t);
    await expectInStep(t, shop.productId, 8);
    await expectBalanced(t, shop.admin);
  });

  it('shows stock without counting keys: a product page reads no card_keys row, however many keys', async () => {
    const shop = await openShop(t, { keyCount: dialectName === 'postgres' ? 3000 : 1000 });
    await invalidateCatalogProducts(t.deps, [shop.productId]);
    statements.length = 0;
    recording = true;
    const detail = await call(t.app, 'GET', `/api/v1/products/${shop.productId}`);
    const listing = await call(t.app, 'GET', `/api/v1/products?categoryId=${shop.categoryId}`);
    recording = false;
    expect(detail.body.stock).toBe(dialectName === 'postgres' ? 3000 : 1000);
    expect(listing.body.items[0].stock).toBe(detail.body.stock);
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((s) => s.includes('card_keys'))).toEqual([]);
  });

  it('the recount reports a drift (error log, metric) and repairs it', async () => {
    const shop = await openShop(t, { keyCount: 5 });
    // a key leaves behind the counter's back: the bug the recount is there to catch
    const one = await t.deps.db
      .selectFrom('card_keys')
      .select('id')
      .where('product_id', '=', shop.productId)
      .where('status', '=', 'available')
      .executeTakeFirstOrThrow();
    await t.deps.db.updateTable('card_keys').set({ status: 'void' }).where('id', '=', one.id).execute();
    expect(await counter(t, shop.productId)).toBe(5);
    const found = await recountKeyStock(t.deps);
    expect(found.drifts).toEqual([{ productId: shop.productId, counted: 4, counter: 5 }]);
    expect(logged.text()).toContain('card-key stock counter drifted');
    await expectInStep(t, shop.productId, 4);
    const metrics = await call(t.app, 'GET', '/metrics', { token: METRICS_TOKEN });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/kameng_key_stock_drifts_total 1\n/);
  });

  it(`${RACERS} buyers racing (wallet and channel, some cancelling) with a supplier voiding: no drift`, async () => {
    const shop = await openShop(t, { keyCount: RACE_KEYS, priceCents: 100 });
    const buyers = await registerMany(t.app, RACERS);
    await fundWallets(
      t,
      buyers.map((b) => b.userId),
      100,
    );
    const keyIds = (
      await t.deps.db.selectFrom('card_keys').select('id').where('product_id', '=', shop.productId).execute()
    ).map((k) => k.id);
    const results = await Promise.all([
      ...buyers.map(async (b, i) => {
        const r = await call(t.app, 'POST', '/api/v1/orders', {
          token: b.token,
          body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: i % 3 ? 'balance' : 'sandbox' },
        });
        if (r.status === 201 && i % 6 === 0)
          await call(t.app, 'POST', `/api/v1/orders/${r.body.id}/cancel`, { token: b.token });
        return r;
      }),
      call(t.app, 'POST', `/api/v1/supplier/products/${shop.productId}/card-keys/void`, {
        token: shop.supplier.token,
        body: { ids: keyIds.slice(0, 5) },
      }),
    ]);
    expect(results.every((r) => r.status === 201 || r.status === 200 || r.status === 409)).toBe(true);
    const left = await availableKeys(t, shop.productId);
    await expectInStep(t, shop.productId, left);
    await expectBalanced(t, shop.admin);
  }, 180_000);
});
