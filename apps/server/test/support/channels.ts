import { expect } from 'vitest';
import { call } from './client.ts';
import type { FakeAlipay } from './fake-alipay.ts';
import type { FakeUnionpay } from './fake-unionpay.ts';
import type { FakeWechat } from './fake-wechat.ts';
import type { TestApp } from './harness.ts';

export const SITE_URL = 'https://shop.kameng.test';

/** The admin API body that points the Alipay channel at a fake gateway, enabled, with all three scenes. */
export function alipayChannelBody(fake: FakeAlipay, o: Record<string, unknown> = {}) {
  return {
    provider: 'alipay',
    enabled: true,
    environment: 'sandbox',
    methods: ['page', 'wap', 'qr'],
    feeBps: 60,
    siteUrl: SITE_URL,
    settings: {
      appId: fake.appId,
      sellerId: fake.sellerId,
      alipayPublicKey: fake.alipay.publicKey,
      gatewayUrl: fake.gatewayUrl,
    },
    secrets: { appPrivateKey: fake.app.privateKey },
    ...o,
  };
}

/** The admin API body that points the WeChat Pay channel at a fake API, enabled, Native and H5. */
export function wechatChannelBody(fake: FakeWechat, o: Record<string, unknown> = {}) {
  return {
    provider: 'wechat',
    enabled: true,
    environment: 'production',
    methods: ['native', 'h5'],
    feeBps: 60,
    siteUrl: SITE_URL,
    settings: {
      mchid: fake.mchid,
      appid: fake.appid,
      merchantSerialNo: fake.merchantSerialNo,
      platformPublicKeys: [{ serial: fake.platformSerial, publicKey: fake.platform.publicKey }],
      apiBase: fake.server.url,
    },
    secrets: { merchantPrivateKey: fake.merchant.privateKey, apiV3Key: fake.apiV3Key },
    ...o,
  };
}

/** The admin API body that points the UnionPay channel at a fake gateway, enabled, PC and WAP. */
export function unionpayChannelBody(fake: FakeUnionpay, o: Record<string, unknown> = {}) {
  return {
    provider: 'unionpay',
    enabled: true,
    environment: 'production',
    methods: ['page', 'wap'],
    feeBps: 60,
    siteUrl: SITE_URL,
    settings: {
      merId: fake.merId,
      certId: fake.certId,
      rootCert: fake.root.certPem,
      middleCert: fake.middle.certPem,
      apiBase: fake.server.url,
    },
    secrets: { signPrivateKey: fake.merchant.privateKey },
    ...o,
  };
}

/** Configures a channel through the admin API and expects it to be accepted. */
export async function configureChannel(t: TestApp, admin: string, body: Record<string, unknown>) {
  const res = await call(t.app, 'PUT', `/api/v1/admin/payment-channels/${body.provider}`, { token: admin, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** A buyer orders one unit and starts paying with `method` in `scene`; returns the order and the launched payment. */
export async function orderAndCheckout(
  t: TestApp,
  token: string,
  productId: string,
  method: string,
  scene: string,
): Promise<{ orderId: string; paymentId: string; payment: any }> {
  const order = await call(t.app, 'POST', '/api/v1/orders', {
    token,
    body: { items: [{ productId, quantity: 1 }], paymentMethod: method },
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const checkout = await call(t.app, 'POST', `/api/v1/payments/${order.body.payment.id}/checkout`, {
    token,
    body: { scene },
  });
  expect(checkout.status, JSON.stringify(checkout.body)).toBe(200);
  return { orderId: order.body.id, paymentId: order.body.payment.id, payment: checkout.body };
}

/** A buyer starts topping the wallet up with `method` and launches it in `scene`; returns the launched payment. */
export async function topUpAndCheckout(t: TestApp, token: string, method: string, scene: string, amountCents: number) {
  const topUp = await call(t.app, 'POST', '/api/v1/wallet/top-ups', {
    token,
    body: { amountCents, paymentMethod: method },
  });
  expect(topUp.status, JSON.stringify(topUp.body)).toBe(201);
  const co = await call(t.app, 'POST', `/api/v1/payments/${topUp.body.payment.id}/checkout`, {
    token,
    body: { scene },
  });
  expect(co.status, JSON.stringify(co.body)).toBe(200);
  return co.body as { id: string; payUrl: string };
}

export async function paymentRow(t: TestApp, id: string) {
  return t.deps.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function orderStatus(t: TestApp, token: string, orderId: string): Promise<string> {
  return (await call(t.app, 'GET', `/api/v1/orders/${orderId}`, { token })).body.status;
}

/** How many journal entries reference a payment or an order: a second paid transition would add some. */
export async function entryCount(t: TestApp, refIds: string[]): Promise<number> {
  const r = await t.deps.db
    .selectFrom('journal_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ref_id', 'in', refIds)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function notificationOutcomes(t: TestApp, paymentId: string | null, provider: string) {
  let qb = t.deps.db.selectFrom('payment_notifications').select(['outcome', 'detail']).where('provider', '=', provider);
  qb = paymentId ? qb.where('payment_id', '=', paymentId) : qb;
  return qb.orderBy('received_at').orderBy('id').execute();
}
