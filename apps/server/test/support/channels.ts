import { expect } from 'vitest';
import { call } from './client.ts';
import type { TestApp } from './harness.ts';

export const SITE_URL = 'https://shop.kameng.test';

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
