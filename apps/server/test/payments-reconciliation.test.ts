import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alipayChannelBody, configureChannel, orderAndCheckout, orderStatus, paymentRow } from './support/channels.ts';
import { call, registerAndLogin } from './support/client.ts';
import { type FakeAlipay, startFakeAlipay } from './support/fake-alipay.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop } from './support/trade.ts';

describe(`daily reconciliation against the channel (${dialectName})`, () => {
  // 12:00 in China on 2026-12-01
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 4, 0, 0));
  let t: TestApp;
  let shop: Shop;
  let fake: FakeAlipay;
  let buyer: Awaited<ReturnType<typeof registerAndLogin>>;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    shop = await openShop(t, { keyCount: 20, priceCents: 800 });
    fake = await startFakeAlipay(clock);
    buyer = await registerAndLogin(t.app);
    await configureChannel(t, shop.admin, alipayChannelBody(fake, { methods: ['qr'], feeBps: 0 }));
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  it('finds each kind of difference, repairs what the channel has paid and we missed, and runs daily by itself', async () => {
    const notify = (body: Record<string, string>) =>
      call(t.app, 'POST', '/api/v1/payments/notify/alipay', {
        raw: new URLSearchParams(body).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const agreed = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    expect((await notify(fake.pay(agreed.paymentId))).body).toBe('success');
    const missedByUs = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    fake.pay(missedByUs.paymentId); // its notification is lost; no poll has run yet
    const unknownThere = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    expect((await notify(fake.pay(unknownThere.paymentId))).body).toBe('success');
    fake.trades.delete(unknownThere.paymentId);
    const otherAmount = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    expect((await notify(fake.pay(otherAmount.paymentId))).body).toBe('success');
    const trade = fake.trades.get(otherAmount.paymentId);
    if (trade) trade.totalAmount = '7.99';
    const unpaidBoth = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');

    // refunds of the day: one both sides agree on, one whose answer we lost, one the channel has no record of
    const topUp = await call(t.app, 'POST', '/api/v1/wallet/top-ups', {
      token: buyer.token,
      body: { amountCents: 5000, paymentMethod: 'alipay' },
    });
    await call(t.app, 'POST', `/api/v1/payments/${topUp.body.payment.id}/checkout`, {
      token: buyer.token,
      body: { scene: 'qr' },
    });
    expect((await notify(fake.pay(topUp.body.payment.id))).body).toBe('success');
    const refund = async (amountCents: number) => {
      const r = await call(t.app, 'POST', `/api/v1/admin/payments/${topUp.body.payment.id}/refunds`, {
        token: shop.admin,
        body: { amountCents, reason: 'reconciliation test' },
      });
      expect(r.status).toBe(201);
      return r.body;
    };
    const refundAgreed = await refund(1000);
    const refundAnswerLost = await refund(500);
    const refundUnknownThere = await refund(300);
    await drainJobs(t);
    await t.deps.db.updateTable('refunds').set({ status: 'pending' }).where('id', '=', refundAnswerLost.id).execute();
    fake.refunds.delete(refundUnknownThere.channelRefundNo);

    const forbidden = await call(t.app, 'POST', '/api/v1/admin/reconciliation/runs', {
      token: buyer.token,
      body: { day: '2026-12-01' },
    });
    expect(forbidden.status).toBe(403);
    const future = await call(t.app, 'POST', '/api/v1/admin/reconciliation/runs', {
      token: shop.admin,
      body: { day: '2026-12-05', provider: 'alipay' },
    });
    expect(future.status).toBe(422);
    const queries = () => fake.calls.filter((c) => c === 'alipay.trade.query').length;
    const queriesBefore = queries();
    const run = await call(t.app, 'POST', '/api/v1/admin/reconciliation/runs', {
      token: shop.admin,
      body: { day: '2026-12-01', provider: 'alipay' },
    });
    expect(run.status).toBe(202);
    await drainJobs(t);
    const reports = await call(t.app, 'GET', '/api/v1/admin/reconciliation/reports?day=2026-12-01&provider=alipay', {
      token: shop.admin,
    });
    expect(reports.status).toBe(200);
    // the day's statement (a zip of GBK CSV files) settled every payment but the one it does not list
    expect(fake.calls).toContain('alipay.data.dataservice.bill.downloadurl.query');
    expect(queries() - queriesBefore).toBe(1);
    expect(reports.body.items).toHaveLength(1);
    const report = reports.body.items[0];
    expect(report).toMatchObject({ matched: 4, missingOurs: 2, missingTheirs: 2, amountMismatches: 1, repaired: 2 });
    const byPayment = new Map(report.differences.filter((d: any) => !d.refundId).map((d: any) => [d.paymentId, d]));
    const byRefund = new Map(report.differences.filter((d: any) => d.refundId).map((d: any) => [d.refundId, d]));
    expect(byRefund.get(refundAnswerLost.id)).toMatchObject({ kind: 'missing_ours', repaired: true });
    expect(byRefund.get(refundUnknownThere.id)).toMatchObject({
      kind: 'missing_theirs',
      oursCents: 300,
      theirsCents: null,
    });
    expect(byRefund.has(refundAgreed.id)).toBe(false);
    const lost = await t.deps.db
      .selectFrom('refunds')
      .select('status')
      .where('id', '=', refundAnswerLost.id)
      .executeTakeFirstOrThrow();
    expect(lost.status).toBe('succeeded');
    expect(byPayment.get(missedByUs.paymentId)).toMatchObject({ kind: 'missing_ours', repaired: true });
    expect(byPayment.get(unknownThere.paymentId)).toMatchObject({ kind: 'missing_theirs', repaired: false });
    expect(byPayment.get(otherAmount.paymentId)).toMatchObject({
      kind: 'amount_mismatch',
      oursCents: 800,
      theirsCents: 799,
    });
    expect(byPayment.has(agreed.paymentId)).toBe(false);
    expect(byPayment.has(unpaidBoth.paymentId)).toBe(false);
    // the repair went through the one paid transition: the order is paid and delivered
    expect((await paymentRow(t, missedByUs.paymentId)).status).toBe('paid');
    expect(await orderStatus(t, buyer.token, missedByUs.orderId)).toBe('delivered');

    // a re-run finds the repaired one matched now, and keeps the first report
    clock.advance(1000);
    await call(t.app, 'POST', '/api/v1/admin/reconciliation/runs', { token: shop.admin, body: { day: '2026-12-01' } });
    await drainJobs(t);
    const again = await call(t.app, 'GET', '/api/v1/admin/reconciliation/reports?day=2026-12-01', {
      token: shop.admin,
    });
    expect(again.body.items).toHaveLength(2);
    expect(again.body.items[0]).toMatchObject({ matched: 6, missingOurs: 0, missingTheirs: 2, amountMismatches: 1 });

    // the next morning at 08:00 China time, yesterday is reconciled without anyone asking
    clock.set(Date.UTC(2026, 11, 2, 0, 0, 30));
    await drainJobs(t);
    const daily = await call(t.app, 'GET', '/api/v1/admin/reconciliation/reports?day=2026-12-01', {
      token: shop.admin,
    });
    expect(daily.body.items).toHaveLength(3);
    expect(daily.body.items[0]).toMatchObject({ createdBy: null, matched: 6, missingTheirs: 2, amountMismatches: 1 });
    await expectBalanced(t, shop.admin);
  });
});
