import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureChannel,
  entryCount,
  notificationOutcomes,
  orderAndCheckout,
  orderStatus,
  paymentRow,
  SITE_URL,
  wechatChannelBody,
} from './support/channels.ts';
import { call, reauthAdmin, registerAndLogin } from './support/client.ts';
import { rsaKeyPair } from './support/fake-server.ts';
import { type FakeWechat, startFakeWechat } from './support/fake-wechat.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop } from './support/trade.ts';

async function notify(t: TestApp, n: { headers: Record<string, string>; body: string }) {
  return call(t.app, 'POST', '/api/v1/payments/notify/wechat', { raw: n.body, headers: n.headers });
}

describe(`WeChat Pay v3 (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let fake: FakeWechat;
  let buyer: Awaited<ReturnType<typeof registerAndLogin>>;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 30, priceCents: 1500 });
    fake = await startFakeWechat(clock);
    buyer = await registerAndLogin(t.app);
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  const channel = () => wechatChannelBody(fake);

  async function paidNative() {
    const o = await orderAndCheckout(t, buyer.token, shop.productId, 'wechat', 'native');
    fake.pay(o.paymentId);
    return o;
  }

  it('cannot be enabled without the APIv3 key; Native gives a QR code and H5 a link, both signed both ways', async () => {
    const incomplete = await call(t.app, 'PUT', '/api/v1/admin/payment-channels/wechat', {
      token: shop.admin,
      body: { ...channel(), secrets: { merchantPrivateKey: fake.merchant.privateKey } },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.details.missing).toEqual(['secrets.apiV3Key']);
    const view = await configureChannel(t, shop.admin, channel());
    expect(view.secrets).toEqual({
      merchantPrivateKey: expect.stringMatching(/^••••/),
      apiV3Key: `••••${fake.apiV3Key.slice(-4)}`,
    });

    const native = await orderAndCheckout(t, buyer.token, shop.productId, 'wechat', 'native');
    expect(native.payment.qrCode).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const switched = await call(t.app, 'POST', `/api/v1/payments/${native.paymentId}/checkout`, {
      token: buyer.token,
      body: { scene: 'h5' },
    });
    expect(switched.status).toBe(409);
    const h5 = await orderAndCheckout(t, buyer.token, shop.productId, 'wechat', 'h5');
    expect(h5.payment.payUrl).toMatch(/^https:\/\/wx\.tenpay\.com\//);
    const created = fake.server.requests.filter((r) => r.path.startsWith('/v3/pay/transactions/'));
    expect(JSON.parse(created[0]?.body ?? '{}')).toMatchObject({
      out_trade_no: native.paymentId,
      amount: { total: 1500, currency: 'CNY' },
      notify_url: `${SITE_URL}/api/v1/payments/notify/wechat`,
    });
  });

  it('pays once on a verified, decrypted notification and answers 204 with an empty body; replays change nothing', async () => {
    const o = await paidNative();
    const n = fake.paidNotification(o.paymentId);
    const res = await notify(t, n);
    expect(res.status).toBe(204);
    expect(res.body).toBe('');
    expect(await paymentRow(t, o.paymentId)).toMatchObject({
      status: 'paid',
      provider_trade_id: fake.trades.get(o.paymentId)?.transactionId,
    });
    for (let i = 0; i < 3; i++) expect((await notify(t, n)).status).toBe(204);
    expect(await entryCount(t, [o.orderId, o.paymentId])).toBe(2);
    expect((await notificationOutcomes(t, o.paymentId, 'wechat')).filter((x) => x.outcome === 'paid')).toHaveLength(1);
    await drainJobs(t);
    expect(await orderStatus(t, buyer.token, o.orderId)).toBe('delivered');
    // five minutes later the same delivery is stale: refused, and still nothing moves
    clock.advance(301_000);
    const stale = await notify(t, n);
    expect(stale.status).toBe(400);
    expect(stale.body).toEqual({ code: 'FAIL', message: 'rejected' });
    await expectBalanced(t, shop.admin);
  });

  it('rejects SIGNTEST probes, flipped or re-serialised bodies, foreign keys, unknown serials, skewed clocks and field mismatches', async () => {
    const o = await paidNative();
    const stranger = rsaKeyPair();
    const good = fake.paidNotification(o.paymentId);
    const flipped = good.body.replace(/"ciphertext":"(.)/, (_m, c: string) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`);
    const cases: [string, { headers: Record<string, string>; body: string }][] = [
      ['SIGNTEST probe', { ...good, headers: { ...good.headers, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc==' } }],
      ['flipped byte in the body', { ...good, body: flipped }],
      ['re-serialised body', { ...good, body: JSON.stringify(JSON.parse(good.body), null, 2) }],
      ['signed with another key', fake.paidNotification(o.paymentId, { signWith: stranger.privateKey })],
      ['an unknown Wechatpay-Serial', fake.paidNotification(o.paymentId, { serial: 'PUB_KEY_ID_UNKNOWN' })],
      ['301 s old', fake.paidNotification(o.paymentId, { timestampOffset: -301 })],
      ['301 s in the future', fake.paidNotification(o.paymentId, { timestampOffset: 301 })],
      ['encrypted under another APIv3 key', fake.paidNotification(o.paymentId, { apiV3Key: 'x'.repeat(32) })],
      ['amount differs', fake.paidNotification(o.paymentId, { resource: { amount: { total: 1, currency: 'CNY' } } })],
      ['another merchant', fake.paidNotification(o.paymentId, { resource: { mchid: '1900000999' } })],
      ['another app', fake.paidNotification(o.paymentId, { resource: { appid: 'wx0000000000000000' } })],
      ['no payment of ours', fake.paidNotification(o.paymentId, { resource: { out_trade_no: 'pay_notours' } })],
      ['missing headers', { body: good.body, headers: { 'content-type': 'application/json' } }],
    ];
    for (const [name, n] of cases) {
      const res = await notify(t, n);
      expect(res.status, name).toBe(400);
      expect(res.body, name).toEqual({ code: 'FAIL', message: 'rejected' });
    }
    // not yet paid at WeChat: acknowledged, nothing moves
    const notPaid = fake.paidNotification(o.paymentId, {
      resource: { trade_state: 'NOTPAY' },
      eventType: 'TRANSACTION.SUCCESS',
    });
    expect((await notify(t, notPaid)).status).toBe(204);
    expect((await paymentRow(t, o.paymentId)).status).toBe('pending');
    expect(await entryCount(t, [o.orderId, o.paymentId])).toBe(0);
    const reasons = (await notificationOutcomes(t, null, 'wechat')).map((x) => x.detail ?? '');
    for (const r of [
      'SIGNTEST',
      'bad signature',
      'unknown Wechatpay-Serial',
      'timestamp outside',
      'APIv3 key',
      'mchid is not ours',
      'appid is not ours',
      'amount mismatch',
    ]) {
      expect(
        reasons.some((d) => d.includes(r)),
        r,
      ).toBe(true);
    }

    // a sandbox payment is not settled by WeChat (cross-channel)
    const sbx = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    const cross = fake.paidNotification(o.paymentId, {
      resource: { out_trade_no: sbx.body.payment.id, amount: { total: 1500 } },
    });
    expect((await notify(t, cross)).status).toBe(400);
    expect((await paymentRow(t, sbx.body.payment.id)).status).toBe('pending');

    // 299 s of skew either way is within the window
    expect((await notify(t, fake.paidNotification(o.paymentId, { timestampOffset: 299 }))).status).toBe(204);
    expect((await paymentRow(t, o.paymentId)).status).toBe('paid');
  });

  it('recovers a lost notification by querying, and closes an expired payment at WeChat', async () => {
    const lost = await paidNative();
    const unpaid = await orderAndCheckout(t, buyer.token, shop.productId, 'wechat', 'native');
    clock.advance(2 * 60_000 + 1000);
    await drainJobs(t);
    expect((await paymentRow(t, lost.paymentId)).status).toBe('paid');
    expect(await orderStatus(t, buyer.token, lost.orderId)).toBe('delivered');
    clock.advance(16 * 60_000);
    await drainJobs(t);
    clock.advance(60_000);
    await drainJobs(t);
    expect(await orderStatus(t, buyer.token, unpaid.orderId)).toBe('cancelled');
    expect(fake.trades.get(unpaid.paymentId)?.state).toBe('CLOSED');
    expect((await paymentRow(t, unpaid.paymentId)).provider_closed_at).not.toBeNull();
    await expectBalanced(t, shop.admin);
  });

  it('an operator refunds a paid order from escrow, in parts, through the channel or to the wallet', async () => {
    const toChannel = await paidNative();
    expect((await notify(t, fake.paidNotification(toChannel.paymentId))).status).toBe(204);
    await drainJobs(t);
    const refundAt = (body: Record<string, unknown>, token = shop.admin) =>
      call(t.app, 'POST', `/api/v1/admin/payments/${toChannel.paymentId}/refunds`, { token, body });
    expect((await refundAt({ amountCents: 100, reason: '卡密无效' }, buyer.token)).status).toBe(403);
    const stale = await refundAt({ amountCents: 100, destination: 'original', reason: '少发一张' });
    expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
    await reauthAdmin(t, shop.admin);
    const part = await refundAt({ amountCents: 100, destination: 'original', reason: '少发一张' });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    expect(part.body).toMatchObject({ destination: 'original', status: 'pending', amountCents: 100 });
    expect(await orderStatus(t, buyer.token, toChannel.orderId)).toBe('delivered');
    expect((await refundAt({ amountCents: 1401, reason: 'too much' })).status).toBe(422);
    const rest = await refundAt({ amountCents: 1400, destination: 'original', reason: '卡密无效' });
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(await orderStatus(t, buyer.token, toChannel.orderId)).toBe('refunded');
    await drainJobs(t);
    expect(fake.refunds.get(part.body.channelRefundNo)).toMatchObject({ refund: 100, status: 'SUCCESS' });
    expect(fake.refunds.get(rest.body.channelRefundNo)).toMatchObject({ refund: 1400, status: 'SUCCESS' });
    // the supplier's held share and the commission gave back exactly the order's amount
    const hold = await t.deps.db
      .selectFrom('holds')
      .selectAll()
      .where('order_id', '=', toChannel.orderId)
      .executeTakeFirstOrThrow();
    // 100 came out of it as 95 share + 5 commission (its 5% proportion); the void gave back the rest
    expect(hold).toMatchObject({ status: 'voided', share_cents: 1330, commission_cents: 70 });
    expect((await refundAt({ amountCents: 1, destination: 'original', reason: 'again' })).status).toBe(409);
    expect(fake.refunds.size).toBe(2);

    const toWallet = await paidNative();
    expect((await notify(t, fake.paidNotification(toWallet.paymentId))).status).toBe(204);
    const before = (await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents;
    const w = await call(t.app, 'POST', `/api/v1/admin/payments/${toWallet.paymentId}/refunds`, {
      token: shop.admin,
      body: { amountCents: 1500, destination: 'wallet', reason: '缺货' },
    });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    expect(w.body).toMatchObject({ destination: 'wallet', status: 'succeeded' });
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(before + 1500);
    expect(fake.refunds.size).toBe(2);
    await drainJobs(t);
    // the reserved key went back to stock instead of being delivered
    expect(await orderStatus(t, buyer.token, toWallet.orderId)).toBe('refunded');
    await expectBalanced(t, shop.admin);
  });

  it('refunds a top-up with one out_refund_no; a PROCESSING refund settles by the refund notification', async () => {
    const walletBefore = (await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents;
    const topUp = await call(t.app, 'POST', '/api/v1/wallet/top-ups', {
      token: buyer.token,
      body: { amountCents: 3000, paymentMethod: 'wechat' },
    });
    const paymentId = topUp.body.payment.id;
    await call(t.app, 'POST', `/api/v1/payments/${paymentId}/checkout`, {
      token: buyer.token,
      body: { scene: 'native' },
    });
    fake.pay(paymentId);
    expect((await notify(t, fake.paidNotification(paymentId))).status).toBe(204);
    fake.refundsProcess = true;
    const refundsBefore = fake.refunds.size;
    await reauthAdmin(t, shop.admin);
    const r = await call(t.app, 'POST', `/api/v1/admin/payments/${paymentId}/refunds`, {
      token: shop.admin,
      body: { amountCents: 1000, reason: '重复充值' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await drainJobs(t);
    expect(fake.refunds.get(r.body.channelRefundNo)?.status).toBe('PROCESSING');
    const sent = fake.server.requests.find(
      (q) => q.path === '/v3/refund/domestic/refunds' && q.body.includes(r.body.channelRefundNo),
    );
    expect(JSON.parse(sent?.body ?? '{}').notify_url).toBe(`${SITE_URL}/api/v1/payments/notify/wechat`);
    const pending = await t.deps.db
      .selectFrom('refunds')
      .selectAll()
      .where('id', '=', r.body.id)
      .executeTakeFirstOrThrow();
    expect(pending.status).toBe('pending');
    const atWechat = fake.refunds.get(r.body.channelRefundNo);
    if (atWechat) atWechat.status = 'SUCCESS';
    const done = fake.notification(
      {
        mchid: fake.mchid,
        out_trade_no: paymentId,
        transaction_id: fake.trades.get(paymentId)?.transactionId,
        out_refund_no: r.body.channelRefundNo,
        refund_id: '50300000000000000001',
        refund_status: 'SUCCESS',
        amount: { total: 3000, refund: 1000, payer_total: 3000, payer_refund: 1000 },
      },
      { eventType: 'REFUND.SUCCESS' },
    );
    expect((await notify(t, done)).status).toBe(204);
    clock.advance(60_000);
    await drainJobs(t);
    const settled = await t.deps.db
      .selectFrom('refunds')
      .selectAll()
      .where('id', '=', r.body.id)
      .executeTakeFirstOrThrow();
    expect(settled.status).toBe('succeeded');
    expect(fake.refunds.size).toBe(refundsBefore + 1);
    // a refund notification for a refund we never made is refused
    const unknown = fake.notification(
      { mchid: fake.mchid, out_trade_no: paymentId, out_refund_no: 'Rnotours', refund_status: 'SUCCESS' },
      { eventType: 'REFUND.SUCCESS' },
    );
    expect((await notify(t, unknown)).status).toBe(400);
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(
      walletBefore + 2000,
    );

    // reconciliation reads WeChat's trade bill (a payment whose notification is lost is found and repaired
    // without a query) and asks about each refund by its out_refund_no; a refund WeChat lost is reported
    const missed = await paidNative();
    const lostThere = [...fake.refunds.keys()].find((k) => k !== r.body.channelRefundNo);
    if (lostThere) fake.refunds.delete(lostThere);
    const day = new Date(clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(
      (
        await call(t.app, 'POST', '/api/v1/admin/reconciliation/runs', {
          token: shop.admin,
          body: { day, provider: 'wechat' },
        })
      ).status,
    ).toBe(202);
    await drainJobs(t);
    const report = (
      await call(t.app, 'GET', `/api/v1/admin/reconciliation/reports?day=${day}&provider=wechat`, { token: shop.admin })
    ).body.items[0];
    const refundDiffs = report.differences.filter((d: any) => d.refundId);
    expect(refundDiffs.map((d: any) => [d.kind, d.tradeNo])).toEqual(lostThere ? [['missing_theirs', lostThere]] : []);
    expect(fake.server.requests.some((q) => q.path === `/v3/refund/domestic/refunds/${r.body.channelRefundNo}`)).toBe(
      true,
    );
    expect(fake.server.requests.some((q) => q.path === '/v3/billdownload/file')).toBe(true);
    expect(report.differences.find((d: any) => d.paymentId === missed.paymentId)).toMatchObject({
      kind: 'missing_ours',
      repaired: true,
    });
    expect((await paymentRow(t, missed.paymentId)).status).toBe('paid');
    // found in the bill: no trade query was needed for it
    expect(fake.server.requests.some((q) => q.path === `/v3/pay/transactions/out-trade-no/${missed.paymentId}`)).toBe(
      false,
    );
    await expectBalanced(t, shop.admin);
  });
});
