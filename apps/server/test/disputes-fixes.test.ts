import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoCompleteOrders } from '../src/modules/orders/orders.service.ts';
import { call, reauthAdmin, registerAndLogin, staffUser } from './support/client.ts';
import {
  addShopProduct,
  answer,
  auditCount,
  type CaseWorld,
  caseWorld,
  getCase,
  HOUR,
  openCase,
  placeOrder,
  rule,
  setStanding as setStandingAt,
  tick,
  walletCents,
} from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { openShop, topUp } from './support/trade.ts';

/** Defects a review found in after-sales, each pinned by the request that showed it. */
describe(`after-sales fixes (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let w: CaseWorld;
  /** The shop's second product: 500 fen a key, its keys imported after the first product's. */
  let cheap: string;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    w = await caseWorld(t, 60);
    clock.advance(1000);
    cheap = await addProduct(500, 'auto', 20);
  });
  afterAll(async () => {
    await t.close();
  });

  const addProduct = (priceCents: number, deliveryMode: 'auto' | 'manual', keys: number) =>
    addShopProduct(t, w, priceCents, deliveryMode, keys);

  const setStanding = (userId: string, action: 'settlement_delayed' | 'fast_track', side: 'buyer' | 'supplier') =>
    setStandingAt(t, userId, action, side, clock.now());

  const place = (items: { productId: string; quantity: number }[], token = w.buyer.token) =>
    placeOrder(t, items, token);

  it('a refund never exceeds what is left of the item after a return of its keys', async () => {
    // item A: 2 × 1000 (keys imported first, so listed first), item B: 1 × 500; 2500 in all
    const id = await place([
      { productId: w.shop.productId, quantity: 2 },
      { productId: cheap, quantity: 1 },
    ]);
    const wallet = await walletCents(t, w.buyer.token);
    // one unrevealed key of A goes back for 1000
    const back = await call(t.app, 'POST', `/api/v1/orders/${id}/key-returns`, {
      token: w.buyer.token,
      body: { quantity: 1 },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    expect(back.body.refundedCents).toBe(1000);
    const order = await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    expect(order.body.cardKeys).toHaveLength(2);
    // A's remaining key is the order's first; a case on it gives back at most the 1000 left of A, though the
    // order still has 1500
    const caseId = await openCase(t, w, id, { reason: 'invalid_key', message: '无效', cardKeyIndexes: [0] });
    const tooMuch = await answer(t, w, caseId, { action: 'refund', amountCents: 1500, message: '退款' });
    expect(tooMuch.status, JSON.stringify(tooMuch.body)).toBe(422);
    expect(tooMuch.body.error.details.refundableCents).toBe(1000);
    const ok = await answer(t, w, caseId, { action: 'refund', amountCents: 1000, message: '退款' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('resolved_refund');
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 2000);
    await tick(t, w);
  });

  it('a case after a replacement cannot refund again what an earlier case of the item gave back', async () => {
    // item A: 2 × 500, item B: 1 × 1000 (its key listed first); 2000 in all
    const id = await place([
      { productId: cheap, quantity: 2 },
      { productId: w.shop.productId, quantity: 1 },
    ]);
    await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    const first = await openCase(t, w, id, { reason: 'invalid_key', message: '无效', cardKeyIndexes: [1] });
    // less than a key's price: compensation, the key stays with the buyer
    expect((await answer(t, w, first, { action: 'refund', amountCents: 300, message: '补偿 3 元' })).status).toBe(200);
    const replaced = await rule(t, w, first, { action: 'replace', ruling: '换新' });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.status).toBe('resolved_replace');
    const wallet = await walletCents(t, w.buyer.token);
    const second = await openCase(t, w, id, { reason: 'invalid_key', message: '新卡也无效', cardKeyIndexes: [1] });
    const again = await rule(t, w, second, { action: 'refund', amountCents: 1000, ruling: '全退' });
    expect(again.status, JSON.stringify(again.body)).toBe(422);
    expect(again.body.error.details.refundableCents).toBe(700);
    const rest = await rule(t, w, second, { action: 'refund', amountCents: 700, ruling: '退余下' });
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 700);
    await tick(t, w);
  });

  it('card keys delivered at once cannot be "not received": such a case is refused, so no deadline refunds kept keys', async () => {
    const id = await place([{ productId: w.shop.productId, quantity: 1 }]);
    const r = await call(t.app, 'POST', `/api/v1/orders/${id}/disputes`, {
      token: w.buyer.token,
      body: { reason: 'not_received', message: '没收到' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.error.details.issues[0].path).toEqual(['reason']);
    // the order is untouched: still delivered, a case for a key that does not work is still possible
    expect((await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token })).body.status).toBe('delivered');
    await openCase(t, w, id);
    await tick(t, w);
  });

  it('a deadline that cannot be carried out goes to the platform and the other due cases still run', async () => {
    const manual = await addProduct(2000, 'manual', 10);
    const delivered = async () => {
      const id = await place([{ productId: manual, quantity: 1 }]);
      const d = await call(t.app, 'POST', `/api/v1/supplier/orders/${id}/deliver`, {
        token: w.shop.supplier.token,
        body: { content: '已充值到账户 12345' },
      });
      expect(d.status).toBe(200);
      return id;
    };
    const broken = await delivered();
    const brokenCase = await openCase(t, w, broken, { reason: 'not_received', message: '没到账' });
    clock.advance(1000);
    const fine = await delivered();
    const fineCase = await openCase(t, w, fine, { reason: 'not_received', message: '没到账' });
    // the older case's escrow can no longer pay (as if settled behind the case's back): its refund throws
    await t.deps.db.updateTable('holds').set({ status: 'posted' }).where('order_id', '=', broken).execute();
    const wallet = await walletCents(t, w.buyer.token);
    clock.advance(24 * HOUR + 1);
    await drainJobs(t);
    const up = await getCase(t, w.buyer.token, brokenCase);
    expect(up.body).toMatchObject({ status: 'escalated', level: 'platform', refundedCents: 0 });
    expect(up.body.messages.at(-1)).toMatchObject({ actor: 'system', kind: 'deadline' });
    expect((await getCase(t, w.buyer.token, fineCase)).body).toMatchObject({
      status: 'resolved_refund',
      refundedCents: 2000,
    });
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 2000);
    // escalated, the broken case is not due again: the next runs leave it to the arbitrator
    clock.advance(HOUR);
    await drainJobs(t);
    expect(await auditCount(t, 'dispute.deadline', brokenCase)).toBe(1);
    await t.deps.db.updateTable('holds').set({ status: 'frozen' }).where('order_id', '=', broken).execute();
    await tick(t, w);
  });

  it('a reveal racing a return of unrevealed keys never shows a key the return took back', async () => {
    // a buyer of his own: returns are limited to ten a minute per user
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 20_000);
    for (let round = 0; round < 8; round++) {
      const id = await place([{ productId: w.shop.productId, quantity: 2 }], buyer.token);
      const [seen, back] = await Promise.all([
        call(t.app, 'GET', `/api/v1/orders/${id}`, { token: buyer.token }),
        call(t.app, 'POST', `/api/v1/orders/${id}/key-returns`, { token: buyer.token, body: { quantity: 1 } }),
      ]);
      expect(seen.status).toBe(200);
      const after = await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: buyer.token });
      if (back.status === 201) {
        // the return came first: the reveal shows only the key left on the order
        expect(after.body.cardKeys).toHaveLength(1);
        expect(seen.body.cardKeys ?? []).toEqual(after.body.cardKeys);
      } else {
        // the reveal came first: both keys were shown, so neither may go back
        expect(back.status, JSON.stringify(back.body)).toBe(409);
        expect(seen.body.cardKeys).toHaveLength(2);
      }
    }
    await tick(t, w);
  });

  it('reading an order with ?keys=hidden shows and records nothing; the reveal step does both', async () => {
    const id = await place([{ productId: w.shop.productId, quantity: 2 }]);
    const hidden = await call(t.app, 'GET', `/api/v1/orders/${id}?keys=hidden`, { token: w.buyer.token });
    expect(hidden.status).toBe(200);
    expect(hidden.body.status).toBe('delivered');
    expect(hidden.body.cardKeys).toBeUndefined();
    expect(hidden.body.cardKeyCount).toBe(2);
    expect((await call(t.app, 'GET', `/api/v1/orders/${id}?keys=some`, { token: w.buyer.token })).status).toBe(400);
    const reveal = (token: string, orderId = id) =>
      call(t.app, 'POST', `/api/v1/orders/${orderId}/keys/reveal`, { token });
    expect((await reveal(w.stranger.token)).status).toBe(404);
    expect((await reveal(w.buyer.token, 'ord_nope')).status).toBe(404);
    // nothing was recorded: one key can still go back unseen
    const back = await call(t.app, 'POST', `/api/v1/orders/${id}/key-returns`, {
      token: w.buyer.token,
      body: { quantity: 1 },
    });
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const shown = await reveal(w.buyer.token);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ cardKeys: [expect.stringMatching(/^QB-/)] });
    // the reveal is recorded: nothing is left to return unseen; the v1 read still answers with the keys
    const again = await call(t.app, 'POST', `/api/v1/orders/${id}/key-returns`, { token: w.buyer.token, body: {} });
    expect(again.status).toBe(409);
    const read = await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    expect(read.body.cardKeys).toEqual(shown.body.cardKeys);
    const pending = await call(t.app, 'POST', '/api/v1/orders', {
      token: w.buyer.token,
      body: { items: [{ productId: w.shop.productId, quantity: 1 }], paymentMethod: 'sandbox' },
    });
    expect((await reveal(w.buyer.token, pending.body.id)).status).toBe(409);
    await tick(t, w);
  });

  it('orders of a supplier whose settlement is delayed do not hold back everyone else’s auto-complete', async () => {
    // the delayed shop's orders are the oldest due; a page of two would hold only them
    const delayed = await openShop(t, { keyCount: 4, priceCents: 100 });
    const buyOf = async (productId: string) => place([{ productId, quantity: 1 }]);
    const held = [await buyOf(delayed.productId), await buyOf(delayed.productId), await buyOf(delayed.productId)];
    clock.advance(1000);
    const other = await buyOf(w.shop.productId);
    await setStanding(delayed.supplier.userId, 'settlement_delayed', 'supplier');
    clock.advance(73 * HOUR);
    // runs of two, as the job runs until nothing more completes
    while ((await autoCompleteOrders(t.deps, 2)) > 0) clock.advance(60_000);
    const status = async (id: string) =>
      (await call(t.app, 'GET', `/api/v1/orders/${id}?keys=hidden`, { token: w.buyer.token })).body.status;
    expect(await status(other)).toBe('completed');
    for (const id of held) expect(await status(id)).toBe('delivered');
    await t.deps.db.deleteFrom('dispute_standings').where('user_id', '=', delayed.supplier.userId).execute();
    await tick(t, w);
  });

  it('staff never decide their own case nor lift their own standing', async () => {
    const judge = await staffUser(t, w.shop.admin, ['arbitrator', 'operator']);
    await topUp(t, judge.token, 5000);
    const id = await place([{ productId: w.shop.productId, quantity: 1 }], judge.token);
    const opened = await call(t.app, 'POST', `/api/v1/orders/${id}/disputes`, {
      token: judge.token,
      body: { reason: 'invalid_key', message: '无效' },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const own = await call(t.app, 'POST', `/api/v1/admin/disputes/${opened.body.id}/rule`, {
      token: judge.token,
      body: { action: 'refund', ruling: '我判我自己' },
    });
    expect(own.status, JSON.stringify(own.body)).toBe(403);
    expect((await getCase(t, judge.token, opened.body.id)).body.status).toBe('open');
    const fair = await rule(t, w, opened.body.id, { action: 'reject', ruling: '卡密有效' });
    expect(fair.status).toBe(200);

    await setStanding(judge.userId, 'fast_track', 'buyer');
    const lift = (token: string) =>
      call(t.app, 'POST', `/api/v1/admin/dispute-standings/${judge.userId}/fast_track/lift`, { token });
    expect((await lift(judge.token)).status).toBe(403);
    expect((await lift(w.operator.token)).status).toBe(200);
    await tick(t, w);
  });

  it('a replacement takes keys from stock and the storefront shows the new stock at once', async () => {
    const stock = async () => (await call(t.app, 'GET', `/api/v1/products/${cheap}`)).body.stock as number;
    const id = await place([{ productId: cheap, quantity: 1 }]);
    const caseId = await openCase(t, w, id, { reason: 'invalid_key', message: '无效' });
    const before = await stock();
    expect((await rule(t, w, caseId, { action: 'replace', ruling: '换新' })).status).toBe(200);
    expect(await stock()).toBe(before - 1);
    const again = await openCase(t, w, id, { reason: 'invalid_key', message: '新卡也无效' });
    const before2 = await stock();
    const r = await answer(t, w, again, { action: 'replace', message: '补发' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await stock()).toBe(before2 - 1);
    await tick(t, w);
  });

  it('an operator who refunds a disputed order in full closes its case', async () => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: w.buyer.token,
      body: { items: [{ productId: cheap, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(r.status).toBe(201);
    const caseId = await openCase(t, w, r.body.id);
    const wallet = await walletCents(t, w.buyer.token);
    await reauthAdmin(t, w.shop.admin);
    const refund = await call(t.app, 'POST', `/api/v1/admin/payments/${r.body.payment.id}/refunds`, {
      token: w.shop.admin,
      body: { amountCents: 500, reason: 'buyer asked', destination: 'wallet' },
    });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 500);
    const c = await getCase(t, w.buyer.token, caseId);
    expect(c.body.status).toBe('closed');
    expect(c.body.messages.at(-1)).toMatchObject({ actor: 'platform', kind: 'operator_refund' });
    // nothing is left to decide: a late answer is refused, and the buyer may open no other case on it
    expect((await answer(t, w, caseId, { action: 'refund', message: '退款' })).status).toBe(409);
    await tick(t, w);
  });
});
