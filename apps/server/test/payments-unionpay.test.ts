import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureChannel,
  entryCount,
  notificationOutcomes,
  orderAndCheckout,
  orderStatus,
  paymentRow,
  SITE_URL,
  topUpAndCheckout,
  unionpayChannelBody,
} from './support/channels.ts';
import { call, registerAndLogin } from './support/client.ts';
import {
  type FakeUnionpay,
  issue,
  issueChain,
  type Signer,
  signAsUnionpay,
  startFakeUnionpay,
  UNIONPAY_OWNER_CN,
} from './support/fake-unionpay.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop } from './support/trade.ts';

const form = (p: Record<string, string>) => new URLSearchParams(p).toString();
const DAY = 86_400_000;

async function notify(t: TestApp, body: string) {
  return call(t.app, 'POST', '/api/v1/payments/notify/unionpay', {
    raw: body,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
  });
}

/** The browser posts the launched form to the gateway (payUrl's query as the form's fields). */
async function postToGateway(payUrl: string) {
  const u = new URL(payUrl);
  const res = await fetch(`${u.origin}${u.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: u.searchParams.toString(),
  });
  return { status: res.status, text: await res.text() };
}

describe(`UnionPay 全渠道 (${dialectName})`, () => {
  // 12:00 in China on 2026-12-01
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 4, 0, 0));
  let t: TestApp;
  let shop: Shop;
  let fake: FakeUnionpay;
  let buyer: Awaited<ReturnType<typeof registerAndLogin>>;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    shop = await openShop(t, { keyCount: 30, priceCents: 1234 });
    fake = await startFakeUnionpay({ clock });
    buyer = await registerAndLogin(t.app);
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  /** An order launched at the gateway (the buyer's browser posted the form) and paid there; the notification unsent. */
  async function paidAtGateway(scene: 'page' | 'wap' = 'page') {
    const o = await orderAndCheckout(t, buyer.token, shop.productId, 'unionpay', scene);
    expect((await postToGateway(o.payment.payUrl)).status).toBe(200);
    return { ...o, notification: fake.pay(o.paymentId) };
  }

  it('cannot be enabled without its certificates; configured, it is a payment method for orders and top-ups', async () => {
    const before = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'unionpay' },
    });
    expect(before.status).toBe(422);
    const { rootCert: _r, middleCert: _m, ...settings } = unionpayChannelBody(fake).settings;
    const incomplete = await call(t.app, 'PUT', '/api/v1/admin/payment-channels/unionpay', {
      token: shop.admin,
      body: { ...unionpayChannelBody(fake), settings, secrets: {} },
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.error.details.missing).toEqual([
      'settings.rootCert',
      'settings.middleCert',
      'secrets.signPrivateKey',
    ]);
    const badScene = await call(t.app, 'PUT', '/api/v1/admin/payment-channels/unionpay', {
      token: shop.admin,
      body: unionpayChannelBody(fake, { methods: ['qr'] }),
    });
    expect(badScene.status).toBe(400); // QR is an Alipay scene, not a UnionPay one

    const view = await configureChannel(t, shop.admin, unionpayChannelBody(fake));
    expect(view).toMatchObject({ provider: 'unionpay', enabled: true, missing: [], methods: ['page', 'wap'] });
    expect(view.notifyUrl).toBe(`${SITE_URL}/api/v1/payments/notify/unionpay`);
    expect(view.secrets).toEqual({ signPrivateKey: expect.stringMatching(/^••••.{4}$/) });
    expect(JSON.stringify(view)).not.toContain(fake.merchant.privateKey.split('\n')[2]);
    const methods = await call(t.app, 'GET', '/api/v1/payments/methods');
    expect(methods.body.methods).toContainEqual({ method: 'unionpay', scenes: ['page', 'wap'] });
  });

  it('launches a signed PC or WAP front transaction; a verified notification pays once, replays change nothing', async () => {
    const o = await orderAndCheckout(t, buyer.token, shop.productId, 'unionpay', 'page');
    const launched = new URL(o.payment.payUrl);
    expect(launched.pathname).toBe('/gateway/api/frontTransReq.do');
    expect(Object.fromEntries(launched.searchParams)).toMatchObject({
      version: '5.1.0',
      signMethod: '01',
      txnType: '01',
      channelType: '07',
      merId: fake.merId,
      certId: fake.certId,
      txnAmt: '1234',
      orderId: o.paymentId.replace('_', ''),
      backUrl: `${SITE_URL}/api/v1/payments/notify/unionpay`,
      frontUrl: `${SITE_URL}/cashier/${o.paymentId}`,
    });
    // the buyer's browser goes to our launch page, which may post forms to that gateway only, and posts it there
    const launch = await call(t.app, 'GET', `/api/v1/payments/${o.paymentId}/launch`, { token: buyer.token });
    expect(launch.status).toBe(200);
    expect(launch.headers['content-security-policy']).toContain(`form-action ${fake.server.url} https://*.95516.com;`);
    expect(launch.body).toContain(`<form method="post" action="${fake.server.url}/gateway/api/frontTransReq.do">`);
    expect(launch.body).toContain(`name="signature" value="${launched.searchParams.get('signature')}"`);
    const stranger = await registerAndLogin(t.app);
    expect((await call(t.app, 'GET', `/api/v1/payments/${o.paymentId}/launch`, { token: stranger.token })).status).toBe(
      404,
    );
    const page = await postToGateway(o.payment.payUrl); // the fake checks our signature and certId
    expect(page.status).toBe(200);
    expect(page.text).toContain('银联在线支付');
    // the buyer may switch to the phone page for the same payment
    const wap = await call(t.app, 'POST', `/api/v1/payments/${o.paymentId}/checkout`, {
      token: buyer.token,
      body: { scene: 'wap' },
    });
    expect(new URL(wap.body.payUrl).searchParams.get('channelType')).toBe('08');

    const n = fake.pay(o.paymentId);
    expect((await paymentRow(t, o.paymentId)).status).toBe('pending'); // coming back proves nothing
    const res = await notify(t, form(n));
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok');
    const row = await paymentRow(t, o.paymentId);
    expect(row).toMatchObject({ status: 'paid', provider_trade_id: n.queryId });
    expect(await orderStatus(t, buyer.token, o.orderId)).toBe('delivered');
    expect(await entryCount(t, [o.orderId, o.paymentId])).toBe(2); // the escrow hold and the channel fee
    const replays = await Promise.all(Array.from({ length: 10 }, () => notify(t, form(n))));
    expect(replays.map((r) => r.body)).toEqual(Array(10).fill('ok'));
    expect(await entryCount(t, [o.orderId, o.paymentId])).toBe(2);
    const outcomes = (await notificationOutcomes(t, o.paymentId, 'unionpay')).map((x) => x.outcome);
    expect(outcomes.filter((x) => x === 'paid')).toHaveLength(1);
    expect(outcomes.filter((x) => x === 'duplicate')).toHaveLength(10);
    await expectBalanced(t, shop.admin);
  });

  it('tops a wallet up by the phone page', async () => {
    const p = await topUpAndCheckout(t, buyer.token, 'unionpay', 'wap', 5000);
    expect((await postToGateway(p.payUrl)).status).toBe(200);
    expect(fake.trades.get(p.id.replace('_', ''))?.channelType).toBe('08');
    expect((await notify(t, form(fake.pay(p.id)))).body).toBe('ok');
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(5000);
    await expectBalanced(t, shop.admin);
  });

  it('refuses forged, tampered, foreign-chain, expired, wrong-owner, wrong-merchant and wrong-amount notifications; nothing changes', async () => {
    const { paymentId, orderId, notification: n } = await paidAtGateway();
    const now = clock.now();
    const foreign = await issueChain(now); // a well-formed chain, but not the one configured
    const expired = await issue(UNIONPAY_OWNER_CN, {
      issuer: fake.middle,
      ca: false,
      from: now - 400 * DAY,
      to: now - DAY,
    });
    const notYet = await issue(UNIONPAY_OWNER_CN, {
      issuer: fake.middle,
      ca: false,
      from: now + DAY,
      to: now + 400 * DAY,
    });
    const stranger = await issue('CN=041@Z12@某某科技有限公司@00000001', {
      issuer: fake.middle,
      ca: false,
      from: now - DAY,
      to: now + DAY,
    });
    const { signature: sig = '', ...unsigned } = n;
    const resign = (fields: Record<string, string>, signer: Signer = fake.signing) =>
      fake.notification(paymentId, { fields, signer });
    const cases: [string, string][] = [
      ['amount changed, signature kept', form({ ...n, txnAmt: '1' })],
      ['merchant changed, signature kept', form({ ...n, merId: '777290058110099' })],
      [
        'flipped signature byte',
        form({ ...n, signature: `${sig.slice(0, 9)}${sig[9] === 'A' ? 'B' : 'A'}${sig.slice(10)}` }),
      ],
      ['no signature', form(unsigned)],
      ['no signPubKeyCert', form(Object.fromEntries(Object.entries(n).filter(([k]) => k !== 'signPubKeyCert')))],
      ['signed by a foreign chain', form(resign({}, foreign.signing))],
      ['foreign certificate, genuine signature kept', form({ ...n, signPubKeyCert: foreign.signing.certPem })],
      ['expired signing certificate', form(resign({}, expired))],
      ['signing certificate not yet valid', form(resign({}, notYet))],
      ['certificate of someone else than UnionPay', form(resign({}, stranger))],
      ['the intermediate itself signing', form(resign({}, fake.middle))],
      ['another merchant, genuinely signed', form(resign({ merId: '777290058110099' }))],
      ['another amount, genuinely signed', form(resign({ txnAmt: '1' }))],
      ['an order that is not ours', form(resign({ orderId: 'pay01zzzzzzzzzzzzzzzzzzzzzzzzz' }))],
      ['signMethod 11 (SM3 or a shared key) where certificates are configured', form({ ...n, signMethod: '11' })],
      ['duplicated txnAmt', `${form(n)}&txnAmt=1`],
    ];
    for (const [name, body] of cases) {
      const res = await notify(t, body);
      expect(res.status, name).toBe(400);
      expect(res.body, name).toBe('fail');
    }
    // a declined payment (respCode 01), genuinely signed, is acknowledged and moves nothing
    expect((await notify(t, form(resign({ respCode: '01', respMsg: 'declined' })))).body).toBe('ok');
    expect((await paymentRow(t, paymentId)).status).toBe('pending');
    expect(await entryCount(t, [orderId, paymentId])).toBe(0);
    const reasons = (await notificationOutcomes(t, null, 'unionpay')).map((x) => x.detail ?? '');
    for (const r of [
      'bad signature',
      'signPubKeyCert is not issued by the configured intermediate',
      'outside its validity dates',
      'not UnionPay',
      'merId is not ours',
      'amount mismatch',
      'duplicate parameter txnAmt',
    ]) {
      expect(
        reasons.some((d) => d.includes(r)),
        r,
      ).toBe(true);
    }
    // the genuine one still pays
    expect((await notify(t, form(n))).body).toBe('ok');
    expect((await paymentRow(t, paymentId)).status).toBe('paid');
    await expectBalanced(t, shop.admin);
  });

  it('a notification for a payment made with another channel settles nothing (cross-channel)', async () => {
    const { paymentId, notification: n } = await paidAtGateway();
    await t.deps.db.updateTable('payments').set({ provider: 'alipay' }).where('id', '=', paymentId).execute();
    expect((await notify(t, form(n))).status).toBe(400);
    await t.deps.db.updateTable('payments').set({ provider: 'unionpay' }).where('id', '=', paymentId).execute();
    expect((await paymentRow(t, paymentId)).status).toBe('pending');
  });

  it('settles a payment whose notification is late by queryTrans after two minutes', async () => {
    const late = await paidAtGateway('wap'); // the notification is never delivered
    const unpaid = await orderAndCheckout(t, buyer.token, shop.productId, 'unionpay', 'page');
    await postToGateway(unpaid.payment.payUrl);
    await drainJobs(t);
    expect((await paymentRow(t, late.paymentId)).status).toBe('pending');
    clock.advance(2 * 60_000 + 1000);
    await drainJobs(t);
    expect((await paymentRow(t, late.paymentId)).status).toBe('paid');
    expect((await notificationOutcomes(t, late.paymentId, 'unionpay')).map((x) => [x.outcome, x.detail])).toEqual([
      ['paid', 'by query'],
    ]);
    expect(await orderStatus(t, buyer.token, late.orderId)).toBe('delivered');
    // the unpaid one is still pending at UnionPay and here; it is asked again later
    const still = await paymentRow(t, unpaid.paymentId);
    expect(still.status).toBe('pending');
    expect(still.query_attempts).toBeGreaterThan(0);
    // the notification arriving after the query changes nothing more
    expect((await notify(t, form(late.notification))).body).toBe('ok');
    expect(await entryCount(t, [late.orderId, late.paymentId])).toBe(2);
    await expectBalanced(t, shop.admin);
  });

  it('refunds a top-up by backTransReq with one refund number, also while UnionPay is still processing it', async () => {
    const { id, payUrl } = await topUpAndCheckout(t, buyer.token, 'unionpay', 'page', 3000);
    await postToGateway(payUrl);
    expect((await notify(t, form(fake.pay(id)))).body).toBe('ok');
    const balance = async () => (await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents;
    const before = await balance();
    fake.slowRefunds = 1;
    const r = await call(t.app, 'POST', `/api/v1/admin/payments/${id}/refunds`, {
      token: shop.admin,
      body: { amountCents: 1200, reason: 'buyer asked' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(await balance()).toBe(before - 1200);
    for (let i = 0; i < 4; i++) {
      await drainJobs(t);
      clock.advance(30_000);
    }
    const refund = fake.refunds.get(r.body.channelRefundNo);
    expect(refund).toMatchObject({ txnAmt: '1200', origQryId: (await paymentRow(t, id)).provider_trade_id });
    expect(fake.refunds.size).toBe(1);
    const sent = fake.server.requests.filter((q) => q.path === '/gateway/api/backTransReq.do');
    expect(new Set(sent.map((q) => new URLSearchParams(q.body).get('orderId')))).toEqual(
      new Set([r.body.channelRefundNo]),
    );
    const listed = await call(t.app, 'GET', '/api/v1/admin/refunds?status=succeeded', { token: shop.admin });
    expect(listed.body.items).toContainEqual(expect.objectContaining({ id: r.body.id, status: 'succeeded' }));

    // UnionPay's refund notification names the refund and, through reqReserved, our payment
    const refundNotice = signAsUnionpay(
      {
        merId: fake.merId,
        orderId: r.body.channelRefundNo,
        queryId: refund?.queryId ?? '',
        origQryId: refund?.origQryId ?? '',
        reqReserved: id.replace('_', ''),
        respCode: '00',
        txnAmt: '1200',
        txnType: '04',
        txnSubType: '00',
        encoding: 'UTF-8',
      },
      fake.signing,
    );
    expect((await notify(t, form(refundNotice))).body).toBe('ok');
    expect((await notificationOutcomes(t, id, 'unionpay')).map((x) => x.outcome)).toContain('refund_succeeded');
    await expectBalanced(t, shop.admin);
  });

  it('reconciles the day against the fileTransfer statement and reports every difference', async () => {
    const agreed = await paidAtGateway();
    expect((await notify(t, form(agreed.notification))).body).toBe('ok');
    const missedByUs = await paidAtGateway(); // paid at UnionPay, its notification lost, no poll yet
    const otherAmount = await paidAtGateway();
    expect((await notify(t, form(otherAmount.notification))).body).toBe('ok');
    const listed = fake.trades.get(otherAmount.paymentId.replace('_', ''));
    if (listed) listed.statementAmt = '1233';
    const unknownThere = await paidAtGateway();
    expect((await notify(t, form(unknownThere.notification))).body).toBe('ok');
    fake.trades.delete(unknownThere.paymentId.replace('_', ''));

    const run = await call(t.app, 'POST', '/api/v1/admin/reconciliation/runs', {
      token: shop.admin,
      body: { day: '2026-12-01', provider: 'unionpay' },
    });
    expect(run.status).toBe(202);
    await drainJobs(t);
    const file = fake.server.requests.find(
      (q) => q.path === '/' && new URLSearchParams(q.body).get('txnType') === '76',
    );
    expect(new URLSearchParams(file?.body).get('settleDate')).toBe('1201');
    const reports = await call(t.app, 'GET', '/api/v1/admin/reconciliation/reports?day=2026-12-01&provider=unionpay', {
      token: shop.admin,
    });
    expect(reports.body.items).toHaveLength(1);
    const report = reports.body.items[0];
    const byPayment = new Map(report.differences.filter((d: any) => !d.refundId).map((d: any) => [d.paymentId, d]));
    expect(byPayment.get(missedByUs.paymentId)).toMatchObject({ kind: 'missing_ours', repaired: true });
    expect(byPayment.get(otherAmount.paymentId)).toMatchObject({
      kind: 'amount_mismatch',
      oursCents: 1234,
      theirsCents: 1233,
    });
    expect(byPayment.get(unknownThere.paymentId)).toMatchObject({ kind: 'missing_theirs', repaired: false });
    expect(byPayment.has(agreed.paymentId)).toBe(false);
    expect(report.matched).toBeGreaterThanOrEqual(3);
    expect((await paymentRow(t, missedByUs.paymentId)).status).toBe('paid');
    expect(await orderStatus(t, buyer.token, missedByUs.orderId)).toBe('delivered');
    await expectBalanced(t, shop.admin);
  });

  it('documents its notify route in the OpenAPI document', async () => {
    const doc = await call(t.app, 'GET', '/openapi.json');
    const route = doc.body.paths['/api/v1/payments/notify/unionpay'];
    expect(route.post).toBeDefined();
    expect(route.get).toBeUndefined();
    expect(route.post.summary).toContain('5.1.0');
  });
});
