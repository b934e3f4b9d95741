import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/client.ts';
import { type CaseWorld, caseWorld, HOUR, tick, walletCents } from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';

/** Keys never shown to the buyer go back within a window, without a case; to stock only if the supplier says so. */
describe(`returns of unrevealed keys (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let w: CaseWorld;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    w = await caseWorld(t, 20);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A delivered wallet order whose keys the buyer has not looked at. */
  const order = async (quantity: number): Promise<string> => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: w.buyer.token,
      body: { items: [{ productId: w.shop.productId, quantity }], paymentMethod: 'balance' },
    });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('delivered');
    expect(r.body.cardKeys).toBeUndefined();
    return r.body.id;
  };
  const giveBack = (id: string, body: Record<string, unknown> = {}, token = w.buyer.token) =>
    call(t.app, 'POST', `/api/v1/orders/${id}/key-returns`, { token, body });
  const stock = async () => (await call(t.app, 'GET', `/api/v1/products/${w.shop.productId}`)).body.stock as number;

  it('returns keys never shown for their price; shown keys, strangers and inflated requests are refused', async () => {
    const id = await order(3);
    const wallet = await walletCents(t, w.buyer.token);
    expect((await giveBack(id, { quantity: 2, amountCents: 99_999 })).status).toBe(400);
    expect((await giveBack(id, { quantity: 4 })).status).toBe(422);
    expect((await giveBack(id, {}, w.stranger.token)).status).toBe(404);
    const r = await giveBack(id, { quantity: 2 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ orderId: id, keys: 2, refundedCents: 2000, status: 'pending' });
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 2000);
    // the buyer now looks: one key left, and it is shown, so nothing more goes back
    const seen = await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    expect(seen.body.status).toBe('delivered');
    expect(seen.body.cardKeys).toHaveLength(1);
    expect((await giveBack(id)).status).toBe(409);
    await tick(t, w);

    const late = await order(1);
    clock.advance(24 * HOUR + 1);
    expect((await giveBack(late)).status).toBe(409);
    await tick(t, w);
  });

  it('the whole order back refunds it; the supplier restocks one return and discards another, once each', async () => {
    const whole = await order(2);
    const before = await stock();
    const all = await giveBack(whole);
    expect(all.body).toMatchObject({ keys: 2, refundedCents: 2000 });
    expect((await call(t.app, 'GET', `/api/v1/orders/${whole}`, { token: w.buyer.token })).body.status).toBe(
      'refunded',
    );
    const other = await giveBack(await order(1));
    expect(other.status).toBe(201);

    const queue = await call(t.app, 'GET', '/api/v1/supplier/key-returns', { token: w.shop.supplier.token });
    expect(queue.body.items.filter((r: { status: string }) => r.status === 'pending').length).toBeGreaterThanOrEqual(2);
    const decide = (id: string, decision: string, token = w.shop.supplier.token) =>
      call(t.app, 'POST', `/api/v1/supplier/key-returns/${id}/${decision}`, { token });
    expect((await decide(all.body.id, 'restock', w.otherSupplier.token)).status).toBe(404);
    const restocked = await decide(all.body.id, 'restock');
    expect(restocked.status).toBe(200);
    expect(restocked.body.status).toBe('restocked');
    expect((await decide(all.body.id, 'discard')).status).toBe(409);
    await drainJobs(t);
    expect(await stock()).toBe(before - 1 + 2);
    expect((await decide(other.body.id, 'discard')).body.status).toBe('discarded');
    expect(await stock()).toBe(before - 1 + 2);
    await tick(t, w);
  });
});
