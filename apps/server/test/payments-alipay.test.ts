import { AlipaySdk } from 'alipay-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleNotification } from '../src/modules/payments/payments.service.ts';
import {
  alipayChannelBody,
  configureChannel,
  entryCount,
  notificationOutcomes,
  orderAndCheckout,
  orderStatus,
  paymentRow,
  SITE_URL,
} from './support/channels.ts';
import { call, registerAndLogin } from './support/client.ts';
import { alipayTime, type FakeAlipay, startFakeAlipay } from './support/fake-alipay.ts';
import { rsaKeyPair } from './support/fake-server.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

const form = (p: Record<string, string>) => new URLSearchParams(p).toString();

async function notify(t: TestApp, body: string) {
  return call(t.app, 'POST', '/api/v1/payments/notify/alipay', {
    raw: body,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  });
}

describe(`Alipay (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let fake: FakeAlipay;
  let buyer: Awaited<ReturnType<typeof registerAndLogin>>;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 30, priceCents: 990 });
    fake = await startFakeAlipay(clock);
    buyer = await registerAndLogin(t.app);
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  const channel = () => alipayChannelBody(fake);

  async function paidQr() {
    const o = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    return { ...o, notification: fake.pay(o.paymentId) };
  }

  it('cannot be enabled without the application private key; configured, it offers page, WAP and QR', async () => {
    const incomplete = await call(t.app, 'PUT', '/api/v1/admin/payment-channels/alipay', {
      token: shop.admin,
      body: { ...channel(), secrets: {} },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.details.missing).toEqual(['secrets.appPrivateKey']);
    const view = await configureChannel(t, shop.admin, channel());
    expect(view.secrets.appPrivateKey).toMatch(/^••••.{4}$/);
    expect(JSON.stringify(view)).not.toContain(fake.app.privateKey.split('\n')[2]);

    const qr = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    expect(qr.payment.qrCode).toMatch(/^https:\/\/qr\.alipay\.com\//);
    expect(fake.calls).toContain('alipay.trade.precreate');
    // asking again for the same scene reuses the code instead of opening a second trade
    const again = await call(t.app, 'POST', `/api/v1/payments/${qr.paymentId}/checkout`, {
      token: buyer.token,
      body: { scene: 'qr' },
    });
    expect(again.body.qrCode).toBe(qr.payment.qrCode);
    expect(fake.calls.filter((c) => c === 'alipay.trade.precreate')).toHaveLength(1);

    for (const scene of ['page', 'wap'] as const) {
      const o = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', scene);
      const url = new URL(o.payment.payUrl);
      expect(url.searchParams.get('method')).toBe(scene === 'page' ? 'alipay.trade.page.pay' : 'alipay.trade.wap.pay');
      expect(url.searchParams.get('notify_url')).toBe(`${SITE_URL}/api/v1/payments/notify/alipay`);
      expect(url.searchParams.get('return_url')).toBe(`${SITE_URL}/cashier/${o.paymentId}`);
      const visit = await fetch(o.payment.payUrl);
      expect(visit.status).toBe(200); // the fake gateway accepted the SDK's signature
      expect(JSON.parse(url.searchParams.get('biz_content') ?? '{}')).toMatchObject({
        out_trade_no: o.paymentId,
        total_amount: '9.90',
      });
    }
  });

  it('pays once on a verified notification the official SDK also accepts; fifty concurrent copies make one transition', async () => {
    const { paymentId, orderId, notification } = await paidQr();
    const sdk = new AlipaySdk({
      appId: fake.appId,
      privateKey: fake.app.privateKey,
      alipayPublicKey: fake.alipay.publicKey,
      keyType: 'PKCS8',
    });
    expect(sdk.checkNotifySignV2(notification)).toBe(true);
    const copies = await Promise.all(Array.from({ length: 50 }, () => notify(t, form(notification))));
    for (const c of copies) expect(c.status === 200 ? c.body : c.status).toBe('success');
    const row = await paymentRow(t, paymentId);
    expect(row).toMatchObject({ status: 'paid', provider_trade_id: notification.trade_no });
    expect(await entryCount(t, [orderId, paymentId])).toBe(2);
    const outcomes = (await notificationOutcomes(t, paymentId, 'alipay')).map((o) => o.outcome);
    expect(outcomes.filter((o) => o === 'paid')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(49);
    await drainJobs(t);
    expect(await orderStatus(t, buyer.token, orderId)).toBe('delivered');
    // a TRADE_CLOSED arriving late (a full refund at Alipay, or reordering) never moves it back
    const closed = fake.signNotification({ ...notification, trade_status: 'TRADE_CLOSED' });
    expect((await notify(t, form(closed))).body).toBe('success');
    expect((await paymentRow(t, paymentId)).status).toBe('paid');
    await expectBalanced(t, shop.admin);
  });

  it('acknowledges only after the commit: a failed commit answers 500; a reply lost after the commit makes the redelivery a no-op', async () => {
    const { paymentId, orderId, notification } = await paidQr();
    const db = t.deps.db as unknown as { transaction: () => unknown };
    const original = db.transaction;
    db.transaction = () => {
      throw new Error('database unavailable (simulated)');
    };
    let failed: Awaited<ReturnType<typeof notify>>;
    try {
      failed = await notify(t, form(notification));
    } finally {
      db.transaction = original;
    }
    expect(failed.status).toBe(500);
    expect(failed.body).not.toBe('success');
    expect((await paymentRow(t, paymentId)).status).toBe('pending');

    // the commit succeeds but the reply never reaches Alipay (the process dies): Alipay sends it again
    const raw = Buffer.from(form(notification));
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await handleNotification(t.deps, 'alipay', raw, headers)).ok).toBe(true);
    expect((await paymentRow(t, paymentId)).status).toBe('paid');
    const entries = await entryCount(t, [orderId, paymentId]);
    expect((await notify(t, form(notification))).body).toBe('success');
    expect(await entryCount(t, [orderId, paymentId])).toBe(entries);
  });

  it('each of the four field checks, trade_status, a flipped byte, a foreign key, a re-encoded body: nothing changes', async () => {
    const { paymentId, orderId, notification: n } = await paidQr();
    const stranger = rsaKeyPair();
    const resign = (patch: Record<string, string>) => form(fake.signNotification({ ...n, ...patch }));
    const rejected: [string, string][] = [
      ['out_trade_no of no payment of ours', resign({ out_trade_no: 'pay_0000000000notours000000' })],
      ['total_amount differs', resign({ total_amount: '0.01' })],
      ['seller_id of another merchant', resign({ seller_id: '2088999999999999' })],
      ['app_id of another application', resign({ app_id: '2021009999999999' })],
      ['flipped byte in the body', form({ ...n, total_amount: '9.91' })],
      ['signed with a key that is not Alipay’s', form(fake.signNotification(n, stranger.privateKey))],
      ['RSA (SHA1) instead of RSA2', form({ ...n, sign_type: 'RSA' })],
      ['duplicated total_amount', `${form(n)}&total_amount=0.01`],
      // decoding the subject twice turns %25 into % and breaks the signed value
      ['re-encoded (double-decoded) body', form(n).replace('%25', '%2525')],
      ['no sign', form(Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'sign')))],
      ['sent 301 s ago', resign({ notify_time: alipayTime(clock.now() - 301_000) })],
      ['sent 301 s in the future', resign({ notify_time: alipayTime(clock.now() + 301_000) })],
      [
        'without notify_time',
        form(fake.signNotification(Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'notify_time')))),
      ],
    ];
    for (const [name, body] of rejected) {
      const res = await notify(t, body);
      expect(res.status, name).toBe(400);
      expect(res.body, name).toBe('fail');
    }
    for (const status of ['WAIT_BUYER_PAY', 'TRADE_CLOSED']) {
      expect((await notify(t, resign({ trade_status: status }))).body).toBe('success');
    }
    expect((await paymentRow(t, paymentId)).status).toBe('pending');
    expect(await entryCount(t, [orderId, paymentId])).toBe(0);

    // a payment made through another provider (the sandbox) is not settled by an Alipay notification
    const sbx = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    expect((await notify(t, resign({ out_trade_no: sbx.body.payment.id }))).status).toBe(400);
    expect((await paymentRow(t, sbx.body.payment.id)).status).toBe('pending');

    expect((await notify(t, form(n))).body).toBe('success');
    expect((await paymentRow(t, paymentId)).status).toBe('paid');
  });

  it('finds a payment whose notification was lost by querying after two minutes; closes an expired one at Alipay', async () => {
    const lost = await paidQr();
    const unpaid = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    clock.advance(60_000);
    await drainJobs(t);
    expect((await paymentRow(t, lost.paymentId)).status).toBe('pending');
    clock.advance(61_000);
    await drainJobs(t);
    expect((await paymentRow(t, lost.paymentId)).status).toBe('paid');
    expect(await orderStatus(t, buyer.token, lost.orderId)).toBe('delivered');
    clock.advance(20 * 60_000);
    await drainJobs(t);
    clock.advance(60_000);
    await drainJobs(t);
    expect(await orderStatus(t, buyer.token, unpaid.orderId)).toBe('cancelled');
    expect((await paymentRow(t, unpaid.paymentId)).provider_closed_at).not.toBeNull();
    expect(fake.trades.get(unpaid.paymentId)?.status).toBe('TRADE_CLOSED');
    expect(fake.calls).toContain('alipay.trade.close');
    await expectBalanced(t, shop.admin);
  });

  it('a guest’s late payment for a sold-out order is refunded through Alipay, once, however often the answer is lost', async () => {
    const one = await openShop(t, { keyCount: 1, priceCents: 500 });
    const guest = await call(t.app, 'POST', '/api/v1/orders', {
      body: {
        items: [{ productId: one.productId, quantity: 1 }],
        paymentMethod: 'alipay',
        guest: { email: 'guest@example.cn', lookupPassword: 'lookup-123' },
      },
    });
    expect(guest.status).toBe(201);
    const paymentId = guest.body.payment.id;
    expect(
      (await call(t.app, 'POST', `/api/v1/payments/${paymentId}/checkout`, { body: { scene: 'qr' } })).status,
    ).toBe(200);
    const late = fake.pay(paymentId);
    fake.down = true; // neither the notification nor our queries get through until the order has expired
    clock.advance(16 * 60_000);
    await drainJobs(t);
    const orderOf = async () =>
      (await t.deps.db.selectFrom('orders').select('status').where('id', '=', guest.body.id).executeTakeFirstOrThrow())
        .status;
    expect(await orderOf()).toBe('cancelled');
    const rival = await registerAndLogin(t.app);
    await topUp(t, rival.token, 500);
    const bought = await call(t.app, 'POST', '/api/v1/orders', {
      token: rival.token,
      body: { items: [{ productId: one.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(bought.status).toBe(201);
    fake.down = false;
    fake.loseRefundAnswers = 1;
    // the first sending is now stale; Alipay's retry carries a fresh notify_time
    expect((await notify(t, form(late))).status).toBe(400);
    const retry = fake.signNotification({ ...late, notify_time: alipayTime(clock.now()) });
    expect((await notify(t, form(retry))).body).toBe('success');
    for (let i = 0; i < 3; i++) {
      await drainJobs(t);
      clock.advance(10_000);
    }
    const refunds = await t.deps.db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).execute();
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ destination: 'original', status: 'succeeded', amount_cents: 500 });
    expect(fake.refunds.size).toBe(1);
    expect([...fake.refunds.keys()]).toEqual([refunds[0]?.channel_refund_no]);
    expect(fake.calls.filter((c) => c === 'alipay.trade.refund').length).toBe(2);
    expect(await orderOf()).toBe('refunded');
    await expectBalanced(t, shop.admin);
  });

  it('lists every notify route in the OpenAPI document', async () => {
    const doc = await call(t.app, 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/v1/payments/notify/alipay'].post).toBeDefined();
    expect(doc.body.paths['/api/v1/payments/notify/wechat'].post).toBeDefined();
    expect(doc.body.paths['/api/v1/payments/notify/epay'].get).toBeDefined();
    expect(doc.body.paths['/api/v1/payments/notify/epay'].post).toBeDefined();
  });
});
