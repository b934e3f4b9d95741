import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/client.ts';
import { type CaseWorld, caseWorld, HOUR, openCase, orderStatus, tick, walletCents } from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

/** Manual delivery (手动审核) closes its loop: not delivered in time, or delivered and never received. */
describe(`after-sales for manual goods (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let w: CaseWorld;
  let productId: string;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    w = await caseWorld(t, 1);
    const p = await call(t.app, 'POST', '/api/v1/supplier/products', {
      token: w.shop.supplier.token,
      body: {
        categoryId: w.shop.categoryId,
        title: '代充 100 元',
        description: '<p>人工处理</p>',
        priceCents: 2000,
        deliveryMode: 'manual',
        stock: 10,
      },
    });
    expect(p.status).toBe(201);
    productId = p.body.id;
    expect(
      (await call(t.app, 'POST', `/api/v1/admin/products/${productId}/approve`, { token: w.shop.admin })).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  const order = async () => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: w.buyer.token,
      body: { items: [{ productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('paid');
    return r.body.id as string;
  };

  it('not delivered by the deadline: the buyer cancels and is refunded in one click', async () => {
    const id = await order();
    const wallet = await walletCents(t, w.buyer.token);
    const early = await call(t.app, 'POST', `/api/v1/orders/${id}/cancel`, { token: w.buyer.token });
    expect(early.status).toBe(409);
    // no case for goods not yet delivered: the deadline and the cancel button are the remedy
    const noCase = await call(t.app, 'POST', `/api/v1/orders/${id}/disputes`, {
      token: w.buyer.token,
      body: { reason: 'not_received', message: '还没到' },
    });
    expect(noCase.status).toBe(409);
    clock.advance(24 * HOUR + 1);
    const cancelled = await call(t.app, 'POST', `/api/v1/orders/${id}/cancel`, { token: w.buyer.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('refunded');
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 2000);
    await tick(t, w);
  });

  it('delivered but not received and the supplier silent: refunded when the answer deadline passes', async () => {
    const id = await order();
    const delivered = await call(t.app, 'POST', `/api/v1/supplier/orders/${id}/deliver`, {
      token: w.shop.supplier.token,
      body: { content: '已充值到账户 12345' },
    });
    expect(delivered.status).toBe(200);
    const wallet = await walletCents(t, w.buyer.token);
    const caseId = await openCase(t, w, id, { reason: 'not_received', message: '账户没到账' });
    // replacing is for card keys: the supplier may refund or reject here
    const replace = await call(t.app, 'POST', `/api/v1/supplier/disputes/${caseId}/answer`, {
      token: w.shop.supplier.token,
      body: { action: 'replace', message: '补发' },
    });
    expect(replace.status).toBe(422);
    clock.advance(24 * HOUR + 1);
    await tick(t, w);
    expect((await call(t.app, 'GET', `/api/v1/disputes/${caseId}`, { token: w.buyer.token })).body).toMatchObject({
      status: 'resolved_refund',
      refundedCents: 2000,
    });
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 2000);
    expect(await orderStatus(t, w, id)).toBe('refunded');
  });
});
