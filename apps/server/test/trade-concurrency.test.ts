import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEntry } from '../src/modules/ledger/ledger.service.ts';
import { sandboxKey, signSandbox } from '../src/modules/payments/providers/sandbox.ts';
import { call, registerAndLogin, registerMany } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, fundWallets, openShop } from './support/trade.ts';

async function fund(t: TestApp, userId: string, amountCents: number): Promise<void> {
  await t.deps.db.transaction().execute((tx) =>
    postEntry(tx, t.deps, {
      id: `test-fund:${userId}:${amountCents}`,
      kind: 'test_funding',
      transfers: [{ from: 'clearing:test', to: `wallet:${userId}`, amountCents }],
    }),
  );
}

// Races are meaningful where transactions really run side by side: on PostgreSQL. SQLite serialises
// writers, so there the same scenarios run as a smaller smoke test.
const BUYERS = dialectName === 'postgres' ? 500 : 120;
const KEYS = dialectName === 'postgres' ? 100 : 30;

describe(`concurrency (${dialectName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`${BUYERS} buyers racing for ${KEYS} keys: ${KEYS} delivered, no key twice, every other buyer refused`, async () => {
    const shop = await openShop(t, { keyCount: KEYS, priceCents: 500 });
    const buyers = await registerMany(t.app, BUYERS);
    await fundWallets(
      t,
      buyers.map((b) => b.userId),
      500,
    );
    const results = await Promise.all(
      buyers.map((b) =>
        call(t.app, 'POST', '/api/v1/orders', {
          token: b.token,
          body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
        }),
      ),
    );
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status !== 201);
    expect(won).toHaveLength(KEYS);
    expect(lost.every((r) => r.status === 409 && r.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    await drainJobs(t);
    const keys: string[] = [];
    for (const r of won) {
      const buyer = buyers[results.indexOf(r)]!;
      const order = await call(t.app, 'GET', `/api/v1/orders/${r.body.id}`, { token: buyer.token });
      expect(order.body.status).toBe('delivered');
      keys.push(...order.body.cardKeys);
    }
    expect(keys).toHaveLength(KEYS);
    expect(new Set(keys).size).toBe(KEYS);
    for (const r of lost) {
      const buyer = buyers[results.indexOf(r)]!;
      expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(500);
    }
    await expectBalanced(t, shop.admin);
  }, 180_000);

  it('50 concurrent copies of one notification: one transition, one ledger entry, one delivery', async () => {
    const shop = await openShop(t, { keyCount: 5 });
    const buyer = await registerAndLogin(t.app);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    const ts = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({
      paymentId: order.body.payment.id,
      tradeNo: 'SBX-RACE',
      amountCents: order.body.amountCents,
      status: 'SUCCESS',
      merchantId: 'kameng-sandbox',
    });
    const headers = {
      'content-type': 'application/json',
      'x-sandbox-timestamp': ts,
      'x-sandbox-signature': signSandbox(sandboxKey(t.deps), ts, body),
    };
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => call(t.app, 'POST', '/api/v1/payments/notify/sandbox', { raw: body, headers })),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const entries = await t.deps.db
      .selectFrom('journal_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ref_id', '=', order.body.id)
      .executeTakeFirstOrThrow();
    expect(Number(entries.n)).toBe(1);
    const paidEvents = await t.deps.db
      .selectFrom('order_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('order_id', '=', order.body.id)
      .where('to_status', '=', 'paid')
      .executeTakeFirstOrThrow();
    expect(Number(paidEvents.n)).toBe(1);
    await drainJobs(t);
    const got = await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token });
    expect(got.body.cardKeys).toHaveLength(1);
    await expectBalanced(t, shop.admin);
  }, 60_000);

  it('one wallet spent concurrently never goes negative', async () => {
    const shop = await openShop(t, { keyCount: 30, priceCents: 1000 });
    const buyer = await registerAndLogin(t.app);
    await fund(t, buyer.userId, 5000);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(t.app, 'POST', '/api/v1/orders', {
          token: buyer.token,
          body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'INSUFFICIENT_FUNDS')).toBe(true);
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(0);
    expect((await call(t.app, 'GET', `/api/v1/products/${shop.productId}`)).body.stock).toBe(25);
    await expectBalanced(t, shop.admin);
  }, 60_000);
});
