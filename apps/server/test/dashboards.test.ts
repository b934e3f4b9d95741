import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedSupplier, call, loginAdmin, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { topUp } from './support/trade.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CST = 8 * HOUR;

/** 23:30 China Standard Time, today: half an hour before a CST day boundary. */
function lateEvening(): number {
  const cstMidnight = Math.floor((Date.now() + CST) / DAY) * DAY - CST;
  return cstMidnight + DAY - HOUR / 2;
}

interface Shop {
  admin: string;
  supplier: string;
  productId: string;
}

/** An approved supplier with one approved manual-delivery product (counted stock; no card keys involved). */
async function openManualShop(t: TestApp, priceCents: number): Promise<Shop> {
  const admin = await loginAdmin(t);
  const supplier = await approvedSupplier(t, admin, '代充小铺');
  const cat = await call(t.app, 'POST', '/api/v1/admin/categories', {
    token: admin,
    body: { name: `代充 ${Math.random()}`, goodsType: 'manual' },
  });
  expect(cat.status).toBe(201);
  const product = await call(t.app, 'POST', '/api/v1/supplier/products', {
    token: supplier.token,
    body: {
      categoryId: cat.body.id,
      title: '代练 一局',
      description: '<p>人工发货</p>',
      priceCents,
      deliveryMode: 'manual',
      stock: 100,
    },
  });
  expect(product.status).toBe(201);
  expect(
    (await call(t.app, 'POST', `/api/v1/admin/products/${product.body.id}/approve`, { token: admin })).status,
  ).toBe(200);
  return { admin, supplier: supplier.token, productId: product.body.id };
}

const cstDate = (ms: number) => new Date(ms + CST).toISOString().slice(0, 10);

describe(`dashboard series (${dialectName})`, () => {
  const clock = new ManualClock(lateEvening());
  let t: TestApp;
  let shop: Shop;
  let day1: string;
  let day2: string;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openManualShop(t, 1234);
    day1 = cstDate(clock.now());
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 10_000);
    const buy = async (quantity: number) => {
      const r = await call(t.app, 'POST', '/api/v1/orders', {
        token: buyer.token,
        body: { items: [{ productId: shop.productId, quantity }], paymentMethod: 'balance' },
      });
      expect(r.status).toBe(201);
      await drainJobs(t);
    };
    await buy(2);
    // an unpaid order counts nowhere
    const unpaid = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    expect(unpaid.status).toBe(201);
    clock.advance(HOUR); // 00:30 CST the next day
    day2 = cstDate(clock.now());
    await buy(1);
    await registerAndLogin(t.app);
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives a supplier its paid orders and sales per CST day, zero-filled, oldest first', async () => {
    const r = await call(t.app, 'GET', '/api/v1/supplier/orders/daily-sales?days=3', { token: shop.supplier });
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(3);
    expect(r.body.items[0]).toEqual({ date: cstDate(clock.now() - 2 * DAY), orders: 0, amountCents: 0 });
    expect(r.body.items[1]).toEqual({ date: day1, orders: 1, amountCents: 2468 });
    expect(r.body.items[2]).toEqual({ date: day2, orders: 1, amountCents: 1234 });
  });

  it("shows another supplier none of this shop's sales", async () => {
    const other = await openManualShop(t, 500);
    const r = await call(t.app, 'GET', '/api/v1/supplier/orders/daily-sales?days=2', { token: other.supplier });
    expect(r.status).toBe(200);
    expect(r.body.items.map((d: { orders: number }) => d.orders)).toEqual([0, 0]);
  });

  it('gives operators platform GMV and signups per day', async () => {
    const sales = await call(t.app, 'GET', '/api/v1/admin/orders/daily-sales?days=2', { token: shop.admin });
    expect(sales.status).toBe(200);
    expect(sales.body.items).toEqual([
      { date: day1, orders: 1, amountCents: 2468 },
      { date: day2, orders: 1, amountCents: 1234 },
    ]);
    const signups = await call(t.app, 'GET', '/api/v1/admin/users/daily-signups?days=2', { token: shop.admin });
    expect(signups.status).toBe(200);
    // day 1: the bootstrap admin, the supplier, the buyer; day 2: one new user and the second shop's supplier
    expect(signups.body.items).toEqual([
      { date: day1, users: 3 },
      { date: day2, users: 2 },
    ]);
  });

  it('refuses other roles and bad ranges', async () => {
    const buyer = await registerAndLogin(t.app);
    expect((await call(t.app, 'GET', '/api/v1/supplier/orders/daily-sales', { token: buyer.token })).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/orders/daily-sales', { token: buyer.token })).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/users/daily-signups', { token: buyer.token })).status).toBe(403);
    expect((await call(t.app, 'GET', '/api/v1/admin/orders/daily-sales')).status).toBe(401);
    for (const days of ['0', '91', 'x']) {
      const r = await call(t.app, 'GET', `/api/v1/admin/orders/daily-sales?days=${days}`, { token: shop.admin });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
