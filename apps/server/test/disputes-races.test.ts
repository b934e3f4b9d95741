import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, staffUser } from './support/client.ts';
import {
  addShopProduct,
  answer,
  buy,
  type CaseWorld,
  caseWorld,
  getCase,
  HOUR,
  openCase,
  orderStatus,
  placeOrder,
  rule,
  supplierBalance,
  walletCents,
  withdrawals,
} from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced } from './support/trade.ts';

/** Money moves once whatever runs at the same time (PostgreSQL runs these truly concurrently). */
describe(`after-sales races (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let w: CaseWorld;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    w = await caseWorld(t, 60);
    const off = await call(t.app, 'PATCH', '/api/v1/admin/settings', {
      token: w.shop.admin,
      body: { 'disputes.buyerFastTrackScore': 101 },
    });
    expect(off.status).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  async function noNegativeBalances(): Promise<void> {
    const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: w.shop.admin });
    expect(tb.body.balanced).toBe(true);
    expect(tb.body.negativeAccounts).toEqual([]);
  }

  async function refundPostings(orderId: string): Promise<number> {
    const rows = await t.deps.db.selectFrom('refunds').select('amount_cents').where('order_id', '=', orderId).execute();
    return rows.reduce((s, r) => s + Number(r.amount_cents), 0);
  }

  it('ten buyers’ requests opening a case on one order at once: one case', async () => {
    const order = await buy(t, w, 1);
    const body = { reason: 'invalid_key', message: '无效' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(t.app, 'POST', `/api/v1/orders/${order.id}/disputes`, { token: w.buyer.token, body }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    const id = results.find((r) => r.status === 201)!.body.id;
    await rule(t, w, id, { action: 'reject', ruling: '驳回' });
    await noNegativeBalances();
  });

  it('two arbitrators and the supplier acting on one case at once: one outcome, one payout', async () => {
    const order = await buy(t, w, 2);
    const id = await openCase(t, w, order.id);
    const second = await staffUser(t, w.shop.admin, ['arbitrator']);
    const wallet = await walletCents(t, w.buyer.token);
    const results = await Promise.all([
      rule(t, w, id, { action: 'refund', amountCents: 700, ruling: '退 7 元' }),
      call(t.app, 'POST', `/api/v1/admin/disputes/${id}/rule`, {
        token: second.token,
        body: { action: 'refund', amountCents: 900, ruling: '退 9 元' },
      }),
      rule(t, w, id, { action: 'refund', amountCents: 700, ruling: '重放' }),
      answer(t, w, id, { action: 'refund', amountCents: 500, message: '卖家退 5 元' }),
    ]);
    const ok = results.filter((r) => r.status === 200);
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const paid = ok.reduce((s, r) => s + r.body.refundedCents, 0);
    const c = (await getCase(t, w.buyer.token, id)).body;
    // the supplier's answer may come first and a ruling after it; never two rulings, never more than one refund each
    expect(c.messages.filter((m: { kind: string }) => m.kind === 'ruling').length).toBeLessThanOrEqual(1);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + c.refundedCents);
    expect(await refundPostings(order.id)).toBe(c.refundedCents);
    expect(c.refundedCents).toBeLessThanOrEqual(2000);
    expect(paid).toBeGreaterThan(0);
    if (c.status === 'supplier_answered') await rule(t, w, id, { action: 'reject', ruling: '结案' });
    await noNegativeBalances();
  });

  it('a ruling racing the settlement job after the window: the hold is refunded or settled, never both', async () => {
    const order = await buy(t, w, 1);
    const id = await openCase(t, w, order.id);
    const escalate = await answer(t, w, id, { action: 'reject', message: '不退' });
    expect(escalate.status).toBe(200);
    await call(t.app, 'POST', `/api/v1/disputes/${id}/escalate`, { token: w.buyer.token, body: { message: '仲裁' } });
    clock.advance(80 * HOUR); // past the order's confirmation window
    await drainJobs(t); // the earlier tests' orders settle now, not during the race
    clock.advance(60_000); // the next minute: the recurring jobs run again in the race
    const before = await supplierBalance(t, w.shop.supplier.token);
    const wallet = await walletCents(t, w.buyer.token);
    const [ruled] = await Promise.all([rule(t, w, id, { action: 'refund', ruling: '全额退款' }), drainJobs(t)]);
    expect(ruled.status).toBe(200);
    await drainJobs(t);
    expect(await orderStatus(t, w, order.id)).toBe('refunded');
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);
    const after = await supplierBalance(t, w.shop.supplier.token);
    expect(after.availableCents).toBe(before.availableCents);
    expect(after.frozenCents).toBe(before.frozenCents - 950);
    await noNegativeBalances();
  });

  it('a ruling racing the settlement of the rest of a two-item order: each part moves once', async () => {
    const cheap = await addShopProduct(t, w, 500, 'auto', 4);
    const id = await placeOrder(
      t,
      [
        { productId: w.shop.productId, quantity: 1 },
        { productId: cheap, quantity: 2 },
      ],
      w.buyer.token,
    );
    await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    const caseId = await openCase(t, w, id, { reason: 'invalid_key', message: '无效', cardKeyIndexes: [0] });
    await drainJobs(t);
    const before = await supplierBalance(t, w.shop.supplier.token);
    const wallet = await walletCents(t, w.buyer.token);
    clock.advance(72 * HOUR + 60_000); // the window ends with the case open: the rest settles in this run
    const [ruled] = await Promise.all([rule(t, w, caseId, { action: 'refund', ruling: '退 A' }), drainJobs(t)]);
    expect(ruled.status, JSON.stringify(ruled.body)).toBe(200);
    await drainJobs(t);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);
    const after = await supplierBalance(t, w.shop.supplier.token);
    // item B's 950 settled once (now, or with the order's completion), item A's 950 went back once
    expect(after.frozenCents).toBe(before.frozenCents - 950);
    expect(after.availableCents + after.heldCents).toBe(before.availableCents + before.heldCents - 950);
    expect(await refundPostings(id)).toBe(1000);
    await noNegativeBalances();
    // the case was open 72 h: whatever is left settles 72 + 72 h after delivery, and nothing after that
    clock.advance(73 * HOUR);
    await drainJobs(t);
    expect(await orderStatus(t, w, id)).toBe('completed');
    const done = await supplierBalance(t, w.shop.supplier.token);
    expect(done.availableCents + done.heldCents).toBe(after.availableCents + after.heldCents);
    expect(done.availableCents).toBe(before.availableCents + 950);
    await expectBalanced(t, w.shop.admin);
  });

  it('a case opened racing the settlement job: either the case freezes the hold or the hold settles', async () => {
    const order = await buy(t, w, 1);
    clock.advance(73 * HOUR);
    const before = await supplierBalance(t, w.shop.supplier.token);
    const [opened] = await Promise.all([
      call(t.app, 'POST', `/api/v1/orders/${order.id}/disputes`, {
        token: w.buyer.token,
        body: { reason: 'invalid_key', message: '无效' },
      }),
      drainJobs(t),
    ]);
    const after = await supplierBalance(t, w.shop.supplier.token);
    if (opened.status === 201) {
      expect(await orderStatus(t, w, order.id)).toBe('disputed');
      expect(after.availableCents).toBe(before.availableCents);
      await rule(t, w, opened.body.id, { action: 'reject', ruling: '驳回' });
    } else {
      expect(opened.status).toBe(409);
      expect(await orderStatus(t, w, order.id)).toBe('completed');
      expect(after.availableCents).toBe(before.availableCents + 950);
    }
    await noNegativeBalances();
  });

  it('a refund racing the supplier’s withdrawal: the frozen share is never withdrawable, each moves once', async () => {
    const settled = await buy(t, w, 3);
    expect((await call(t.app, 'POST', `/api/v1/orders/${settled.id}/confirm`, { token: w.buyer.token })).status).toBe(
      200,
    );
    const disputed = await buy(t, w, 1);
    const id = await openCase(t, w, disputed.id);
    const s = w.shop.supplier;
    const withdraw = await withdrawals(t, w);
    const before = await supplierBalance(t, s.token);
    const wallet = await walletCents(t, w.buyer.token);
    const [tooMuch, ruled, fits] = await Promise.all([
      withdraw(before.availableCents + 950),
      rule(t, w, id, { action: 'refund', ruling: '全额退款' }),
      withdraw(before.availableCents),
    ]);
    expect(tooMuch.status).toBe(409);
    expect(ruled.status).toBe(200);
    expect(fits.status).toBe(201);
    const after = await supplierBalance(t, s.token);
    expect(after).toMatchObject({
      availableCents: 0,
      withdrawingCents: before.withdrawingCents + before.availableCents,
      frozenCents: before.frozenCents - 950,
      heldCents: before.heldCents - 950,
    });
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);
    await noNegativeBalances();
    await expectBalanced(t, w.shop.admin);
  });
});
