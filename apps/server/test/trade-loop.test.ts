import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandbox, sandboxKey } from '../src/modules/payments/providers/sandbox.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

describe(`the trade loop (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 10, priceCents: 1000 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the approved product with its key count as stock', async () => {
    const list = await call(t.app, 'GET', `/api/v1/products?categoryId=${shop.categoryId}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: shop.productId, priceCents: 1000, stock: 10 })]);
    const one = await call(t.app, 'GET', `/api/v1/products/${shop.productId}`);
    expect(one.body).toMatchObject({ id: shop.productId, priceCents: 1000, stock: 10 });
  });

  it('tops up through the sandbox, buys with balance and with the sandbox, receives keys, confirms; the hold settles', async () => {
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 5000);
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body).toMatchObject({
      balanceCents: 5000,
    });
    await expectBalanced(t, shop.admin);

    const byBalance = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 2 }], paymentMethod: 'balance', amountCents: 1 },
    });
    expect(byBalance.status).toBe(400); // client amounts are not even accepted
    const order1 = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 2 }], paymentMethod: 'balance' },
    });
    expect(order1.status).toBe(201);
    // card keys are handed over in the paying transaction: delivered before any job runs
    expect(order1.body).toMatchObject({
      status: 'delivered',
      amountCents: 2000,
      payment: { method: 'balance', status: 'paid' },
    });
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(3000);
    await expectBalanced(t, shop.admin);

    const got1 = await call(t.app, 'GET', `/api/v1/orders/${order1.body.id}`, { token: buyer.token });
    expect(got1.body.status).toBe('delivered');
    expect(got1.body.cardKeys).toHaveLength(2);
    for (const k of got1.body.cardKeys) expect(shop.keys).toContain(k);

    const order2 = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    expect(order2.status).toBe(201);
    expect(order2.body).toMatchObject({ status: 'pending_payment', payment: { method: 'sandbox', status: 'pending' } });
    expect(order2.body.payment.payUrl).toBe(`/sandbox/payments/${order2.body.payment.id}`);
    const cashier = await call(t.app, 'GET', order2.body.payment.payUrl);
    expect(cashier.status).toBe(200);
    expect(cashier.body).toContain('沙箱');
    // the browser coming back proves nothing: still pending until the gateway notifies
    expect((await call(t.app, 'GET', `/api/v1/orders/${order2.body.id}`, { token: buyer.token })).body.status).toBe(
      'pending_payment',
    );
    await call(t.app, 'POST', `/sandbox/payments/${order2.body.payment.id}/complete`, { body: {} });
    await drainJobs(t);
    const got2 = await call(t.app, 'GET', `/api/v1/orders/${order2.body.id}`, { token: buyer.token });
    expect(got2.body.status).toBe('delivered');
    expect(got2.body.cardKeys).toHaveLength(1);
    const allDelivered = [...got1.body.cardKeys, ...got2.body.cardKeys];
    expect(new Set(allDelivered).size).toBe(3);
    await expectBalanced(t, shop.admin);

    const supplierBefore = await call(t.app, 'GET', '/api/v1/supplier/balance', { token: shop.supplier.token });
    expect(supplierBefore.body).toMatchObject({ heldCents: 2850, availableCents: 0 });

    const confirmed = await call(t.app, 'POST', `/api/v1/orders/${order1.body.id}/confirm`, { token: buyer.token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('completed');
    const again = await call(t.app, 'POST', `/api/v1/orders/${order1.body.id}/confirm`, { token: buyer.token });
    expect(again.status).toBe(409);
    const supplierAfter = await call(t.app, 'GET', '/api/v1/supplier/balance', { token: shop.supplier.token });
    expect(supplierAfter.body).toMatchObject({ heldCents: 950, availableCents: 1900 });

    // the confirmation window closes on the second order by itself
    clock.advance(73 * 3600_000);
    await drainJobs(t);
    expect((await call(t.app, 'GET', `/api/v1/orders/${order2.body.id}`, { token: buyer.token })).body.status).toBe(
      'completed',
    );
    const settled = await call(t.app, 'GET', '/api/v1/supplier/balance', { token: shop.supplier.token });
    expect(settled.body).toMatchObject({ heldCents: 0, availableCents: 2850 });
    await expectBalanced(t, shop.admin);
  });

  it('shows an order and its keys to its buyer only', async () => {
    const buyer = await registerAndLogin(t.app);
    const other = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 1000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    await drainJobs(t);
    for (const token of [other.token, shop.supplier.token]) {
      const res = await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('QB-');
    }
    expect((await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`)).status).toBe(401);
    const list = await call(t.app, 'GET', '/api/v1/orders?status=delivered', { token: buyer.token });
    expect(list.body.items.map((o: { id: string }) => o.id)).toContain(order.body.id);
    expect((await call(t.app, 'GET', '/api/v1/orders', { token: other.token })).body.total).toBe(0);
    const admin = await call(t.app, 'GET', `/api/v1/admin/orders/${order.body.id}`, { token: shop.admin });
    expect(admin.body.events.map((e: { to: string }) => e.to)).toEqual(['pending_payment', 'paid', 'delivered']);
    expect(admin.body.cardKeys).toBeUndefined();
  });

  it('refuses a wallet order the balance cannot cover and writes nothing', async () => {
    const buyer = await registerAndLogin(t.app);
    const before = await call(t.app, 'GET', `/api/v1/products/${shop.productId}`);
    const res = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect((await call(t.app, 'GET', '/api/v1/orders', { token: buyer.token })).body.total).toBe(0);
    expect((await call(t.app, 'GET', `/api/v1/products/${shop.productId}`)).body.stock).toBe(before.body.stock);
  });

  it('honours Idempotency-Key: same body → same order, different body → 422', async () => {
    const buyer = await registerAndLogin(t.app);
    const headers = { 'idempotency-key': 'checkout-42' };
    const body = { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' };
    const a = await call(t.app, 'POST', '/api/v1/orders', { token: buyer.token, headers, body });
    const b = await call(t.app, 'POST', '/api/v1/orders', { token: buyer.token, headers, body });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    const c = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      headers,
      body: { ...body, items: [{ productId: shop.productId, quantity: 2 }] },
    });
    expect(c.status).toBe(422);
    expect(c.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    await call(t.app, 'POST', `/api/v1/orders/${a.body.id}/cancel`, { token: buyer.token });
  });

  it('verifies notifications on their raw bytes; forged, stale or cross-amount ones change nothing; replays pay once', async () => {
    const buyer = await registerAndLogin(t.app);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    const paymentId = order.body.payment.id;
    const send = (body: string, ts: number, sig?: string) =>
      call(t.app, 'POST', '/api/v1/payments/notify/sandbox', {
        raw: body,
        headers: {
          'content-type': 'application/json',
          'x-sandbox-timestamp': String(ts),
          'x-sandbox-signature': sig ?? signSandbox(sandboxKey(t.deps), String(ts), body),
        },
      });
    const now = Math.floor(clock.now() / 1000);
    const good = JSON.stringify({
      paymentId,
      tradeNo: 'T-1',
      amountCents: 1000,
      status: 'SUCCESS',
      merchantId: 'kameng-sandbox',
    });
    const flipped = good.replace('T-1', 'T-2');
    expect((await send(flipped, now, signSandbox(sandboxKey(t.deps), String(now), good))).status).toBe(400);
    const reserialised = JSON.stringify(JSON.parse(good), null, 1);
    expect((await send(reserialised, now, signSandbox(sandboxKey(t.deps), String(now), good))).status).toBe(400);
    expect((await send(good, now - 301)).status).toBe(400);
    expect((await send(good, now + 301)).status).toBe(400);
    const cheaper = JSON.stringify({
      paymentId,
      tradeNo: 'T-1',
      amountCents: 1,
      status: 'SUCCESS',
      merchantId: 'kameng-sandbox',
    });
    expect((await send(cheaper, now)).status).toBe(400);
    const otherMerchant = JSON.stringify({
      paymentId,
      tradeNo: 'T-1',
      amountCents: 1000,
      status: 'SUCCESS',
      merchantId: 'evil',
    });
    expect((await send(otherMerchant, now)).status).toBe(400);
    expect((await call(t.app, 'POST', '/api/v1/payments/notify/alipay', { raw: good })).status).toBe(400);
    expect((await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe(
      'pending_payment',
    );

    const results = await Promise.all(Array.from({ length: 20 }, () => send(good, now)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const entries = await t.deps.db
      .selectFrom('journal_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ref_id', '=', order.body.id)
      .executeTakeFirstOrThrow();
    expect(Number(entries.n)).toBe(1);
    await drainJobs(t);
    const got = await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token });
    expect(got.body.status).toBe('delivered');
    expect(got.body.cardKeys).toHaveLength(1);
    // a stale PENDING afterwards never moves it back
    const stale = JSON.stringify({
      paymentId,
      tradeNo: 'T-1',
      amountCents: 1000,
      status: 'PENDING',
      merchantId: 'kameng-sandbox',
    });
    expect((await send(stale, now)).status).toBe(200);
    expect((await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe(
      'delivered',
    );
    await expectBalanced(t, shop.admin);
  });

  it('an unpaid order expires and releases its keys; a late payment is delivered while stock remains', async () => {
    const buyer = await registerAndLogin(t.app);
    const stock = async () => (await call(t.app, 'GET', `/api/v1/products/${shop.productId}`)).body.stock;
    const before = await stock();
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    expect(await stock()).toBe(before - 1);
    clock.advance(15 * 60_000 + 1000);
    await drainJobs(t);
    expect((await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe(
      'cancelled',
    );
    expect(await stock()).toBe(before);
    await call(t.app, 'POST', `/sandbox/payments/${order.body.payment.id}/complete`, { body: {} });
    await drainJobs(t);
    const late = await call(t.app, 'GET', `/api/v1/orders/${order.body.id}`, { token: buyer.token });
    expect(late.body.status).toBe('delivered');
    expect(late.body.cardKeys).toHaveLength(1);
    await expectBalanced(t, shop.admin);
  });

  it('a guest buys with an email and finds the order again only with its lookup password', async () => {
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      body: {
        items: [{ productId: shop.productId, quantity: 1 }],
        paymentMethod: 'sandbox',
        guest: { email: 'guest@example.cn', lookupPassword: 'my-lookup-9' },
      },
    });
    expect(order.status).toBe(201);
    await call(t.app, 'POST', `/sandbox/payments/${order.body.payment.id}/complete`, { body: {} });
    await drainJobs(t);
    const wrong = await call(t.app, 'POST', '/api/v1/orders/lookup', {
      body: { orderId: order.body.id, lookupPassword: 'guess-1234' },
    });
    expect(wrong.status).toBe(404);
    const found = await call(t.app, 'POST', '/api/v1/orders/lookup', {
      body: { orderId: order.body.id, lookupPassword: 'my-lookup-9' },
    });
    expect(found.status).toBe(200);
    expect(found.body.cardKeys).toHaveLength(1);
    expect(t.sender.last('guest@example.cn')?.text).toContain(order.body.id);
    expect(t.sender.last('guest@example.cn')?.text).not.toContain(found.body.cardKeys[0]);
    const walletGuest = await call(t.app, 'POST', '/api/v1/orders', {
      body: {
        items: [{ productId: shop.productId, quantity: 1 }],
        paymentMethod: 'balance',
        guest: { email: 'g@example.cn', lookupPassword: 'abcdef12' },
      },
    });
    expect(walletGuest.status).toBe(422);
  });
});
