import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, reauthAdmin, registerAndLogin } from './support/client.ts';
import {
  addShopProduct,
  answer,
  type CaseWorld,
  caseWorld,
  HOUR,
  openCase,
  orderStatus,
  placeOrder,
  rule,
  setStanding,
  supplierBalance,
  tick,
  walletCents,
  withdrawals,
} from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { topUp } from './support/trade.ts';

/**
 * After-sales and the escrow: only the disputed item's share freezes, the window grows by the time a case
 * was open, a refund takes back the keys it paid for, returns are idempotent and not for fast-tracked buyers.
 */
describe(`after-sales escrow and keys (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let w: CaseWorld;
  /** the shop's second product: 500 fen a key, its keys imported after the first product's */
  let cheap: string;
  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    w = await caseWorld(t, 40);
    const off = await call(t.app, 'PATCH', '/api/v1/admin/settings', {
      token: w.shop.admin,
      body: { 'disputes.buyerFastTrackScore': 101 },
    });
    expect(off.status).toBe(200);
    clock.advance(1000);
    cheap = await addShopProduct(t, w, 500, 'auto', 20);
  });
  afterAll(async () => {
    await t.close();
  });

  const soldKeys = async (orderId: string) =>
    (
      await t.deps.db
        .selectFrom('card_keys')
        .select('id')
        .where('order_id', '=', orderId)
        .where('status', '=', 'sold')
        .orderBy('id')
        .execute()
    ).map((k) => k.id);

  it('only the disputed item’s share freezes: the rest settles on time, withdrawable to the fen', async () => {
    // item A: 1 × 1000 (its key listed first), item B: 2 × 500; 2000 paid, 1900 the supplier's share
    const id = await placeOrder(
      t,
      [
        { productId: w.shop.productId, quantity: 1 },
        { productId: cheap, quantity: 2 },
      ],
      w.buyer.token,
    );
    await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    const start = await supplierBalance(t, w.shop.supplier.token);
    const caseId = await openCase(t, w, id, { reason: 'invalid_key', message: 'A 无效', cardKeyIndexes: [0] });
    expect(await supplierBalance(t, w.shop.supplier.token)).toMatchObject({
      frozenCents: start.frozenCents + 950,
      heldCents: start.heldCents,
      availableCents: start.availableCents,
    });

    // the window passes with the case open: item B's 950 settles, item A's 950 stays frozen
    clock.advance(72 * HOUR + 60_000);
    await tick(t, w);
    expect(await orderStatus(t, w, id)).toBe('disputed');
    const due = await supplierBalance(t, w.shop.supplier.token);
    expect(due).toMatchObject({
      frozenCents: start.frozenCents + 950,
      heldCents: start.heldCents - 950,
      availableCents: start.availableCents + 950,
    });

    // withdrawals: all that is available, never a fen of the frozen part
    const withdraw = await withdrawals(t, w);
    expect((await withdraw(due.availableCents + 1)).status).toBe(409);
    expect((await withdraw(due.availableCents)).status).toBe(201);
    await tick(t, w);

    // an operator cannot give back the settled part either: only what is still in escrow
    const detail = await call(t.app, 'GET', `/api/v1/admin/orders/${id}`, { token: w.shop.admin });
    await reauthAdmin(t, w.shop.admin);
    const opRefund = await call(t.app, 'POST', `/api/v1/admin/payments/${detail.body.paymentId}/refunds`, {
      token: w.shop.admin,
      body: { amountCents: 2000, reason: 'buyer asked', destination: 'wallet' },
    });
    expect(opRefund.status, JSON.stringify(opRefund.body)).toBe(422);
    expect(opRefund.body.error.details.refundableCents).toBe(1000);

    // the arbitrator refunds item A: its 1000 comes out of what stayed frozen; the rest was the supplier's
    const wallet = await walletCents(t, w.buyer.token);
    const tooMuch = await rule(t, w, caseId, { action: 'refund', amountCents: 1001, ruling: '多退' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error.details.refundableCents).toBe(1000);
    const ruled = await rule(t, w, caseId, { action: 'refund', ruling: 'A 退款' });
    expect(ruled.status, JSON.stringify(ruled.body)).toBe(200);
    expect(ruled.body.refundedCents).toBe(1000);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);
    const after = await supplierBalance(t, w.shop.supplier.token);
    expect(after).toMatchObject({ frozenCents: start.frozenCents, heldCents: start.heldCents - 1900 });
    // the refunded key left the buyer; item B's keys stay his
    expect(await soldKeys(id)).toHaveLength(2);
    expect(await orderStatus(t, w, id)).toBe('delivered');
    clock.advance(200 * HOUR);
    await tick(t, w);
    expect(await orderStatus(t, w, id)).toBe('completed');
    expect((await supplierBalance(t, w.shop.supplier.token)).heldCents).toBe(start.heldCents - 1900);
  });

  it('a case on another item after the rest settled is refused: that money is the supplier’s', async () => {
    const id = await placeOrder(
      t,
      [
        { productId: w.shop.productId, quantity: 1 },
        { productId: cheap, quantity: 1 },
      ],
      w.buyer.token,
    );
    await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    const first = await openCase(t, w, id, { reason: 'invalid_key', message: 'A 无效', cardKeyIndexes: [0] });
    clock.advance(72 * HOUR + 60_000);
    await tick(t, w);
    expect((await rule(t, w, first, { action: 'reject', ruling: '驳回' })).status).toBe(200);
    expect(await orderStatus(t, w, id)).toBe('delivered');
    const other = await call(t.app, 'POST', `/api/v1/orders/${id}/disputes`, {
      token: w.buyer.token,
      body: { reason: 'invalid_key', message: 'B 也无效', cardKeyIndexes: [1] },
    });
    expect(other.status, JSON.stringify(other.body)).toBe(409);
    expect(await orderStatus(t, w, id)).toBe('delivered');
    await tick(t, w);
  });

  it('after a replacement, a refund takes back the fresh keys it pays for, not the keys the buyer keeps', async () => {
    const id = await placeOrder(t, [{ productId: w.shop.productId, quantity: 2 }], w.buyer.token);
    await call(t.app, 'GET', `/api/v1/orders/${id}`, { token: w.buyer.token });
    const [claimed, kept] = await soldKeys(id);
    const caseId = await openCase(t, w, id, { reason: 'invalid_key', message: '第一张无效', cardKeyIndexes: [0] });
    expect((await answer(t, w, caseId, { action: 'replace', message: '已补发' })).status).toBe(200);
    const fresh = (await soldKeys(id)).filter((k) => k !== kept);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).not.toBe(claimed);
    const up = await call(t.app, 'POST', `/api/v1/disputes/${caseId}/escalate`, {
      token: w.buyer.token,
      body: { message: '补发的也不行' },
    });
    expect(up.status).toBe(200);
    const wallet = await walletCents(t, w.buyer.token);
    const ruled = await rule(t, w, caseId, { action: 'refund', ruling: '退这一张' });
    expect(ruled.status, JSON.stringify(ruled.body)).toBe(200);
    expect(ruled.body.refundedCents).toBe(1000);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);
    // he keeps the key he was not refunded for, and neither the claimed key nor its replacement
    expect(await soldKeys(id)).toEqual([kept]);
    const page = await call(t.app, 'POST', `/api/v1/orders/${id}/keys/reveal`, { token: w.buyer.token });
    expect(page.body.cardKeys).toHaveLength(1);
    await tick(t, w);
  });

  it('returns of unrevealed keys are idempotent with an Idempotency-Key: the same return twice is one', async () => {
    const id = await placeOrder(t, [{ productId: cheap, quantity: 4 }], w.buyer.token);
    const wallet = await walletCents(t, w.buyer.token);
    const giveBack = (key: string, quantity = 1) =>
      call(t.app, 'POST', `/api/v1/orders/${id}/key-returns`, {
        token: w.buyer.token,
        body: { quantity },
        headers: { 'idempotency-key': key },
      });
    const first = await giveBack('ret-1');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await giveBack('ret-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await giveBack('ret-1', 2)).status).toBe(422);
    // a double click: the same key sent at once, one return
    const racing = await Promise.all(Array.from({ length: 4 }, () => giveBack('ret-2')));
    expect(racing.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    expect(await walletCents(t, w.buyer.token)).toBe(wallet + 1000);
    expect(await soldKeys(id)).toHaveLength(2);
    // a key is returned once, whatever asks: the keys' primary key refuses a second row for it
    const [row] = await t.deps.db.selectFrom('key_return_keys').selectAll().where('order_id', '=', id).execute();
    await expect(
      t.deps.db
        .insertInto('key_return_keys')
        .values({ ...row!, return_id: first.body.id })
        .execute(),
    ).rejects.toThrow();
    await tick(t, w);
  });

  it('a fast-tracked buyer cannot return keys without the platform; his case goes to an arbitrator', async () => {
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 5000);
    const id = await placeOrder(t, [{ productId: cheap, quantity: 2 }], buyer.token);
    await setStanding(t, buyer.userId, 'fast_track', 'buyer', clock.now());
    const wallet = await walletCents(t, buyer.token);
    const back = await call(t.app, 'POST', `/api/v1/orders/${id}/key-returns`, { token: buyer.token, body: {} });
    expect(back.status, JSON.stringify(back.body)).toBe(403);
    expect(await walletCents(t, buyer.token)).toBe(wallet);
    expect(await soldKeys(id)).toHaveLength(2);
    const opened = await call(t.app, 'POST', `/api/v1/orders/${id}/disputes`, {
      token: buyer.token,
      body: { reason: 'invalid_key', message: '无效' },
    });
    expect(opened.status).toBe(201);
    expect(opened.body.status).toBe('escalated');
    // the supplier cannot refund him either: only the platform decides
    expect((await answer(t, w, opened.body.id, { action: 'refund', message: '退' })).status).toBe(409);
    await tick(t, w);
  });

  it('only the one-open-case index answers 409 "already open"; any other unique violation is a fault', async () => {
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 5000);
    const [a, b] = [
      await placeOrder(t, [{ productId: cheap, quantity: 1 }], buyer.token),
      await placeOrder(t, [{ productId: cheap, quantity: 1 }], buyer.token),
    ];
    // a second unique index on cases, for this buyer only: his second case breaks it, not the open-case one
    const index = `disputes_test_${buyer.userId.slice(-8)}_uq`;
    await sql`CREATE UNIQUE INDEX ${sql.raw(index)} ON disputes (buyer_id) WHERE buyer_id = ${sql.lit(buyer.userId)}`.execute(
      t.deps.db,
    );
    try {
      const open = (orderId: string) =>
        call(t.app, 'POST', `/api/v1/orders/${orderId}/disputes`, {
          token: buyer.token,
          body: { reason: 'invalid_key', message: '无效' },
        });
      expect((await open(a)).status).toBe(201);
      expect((await open(a)).status).toBe(409);
      const other = await open(b);
      expect(other.status).toBe(500);
      expect(other.body.error.code).toBe('INTERNAL');
      // nothing half-written: the order is not disputed, its escrow not frozen
      expect((await call(t.app, 'GET', `/api/v1/orders/${b}`, { token: buyer.token })).body.status).toBe('delivered');
    } finally {
      await sql`DROP INDEX ${sql.raw(index)}`.execute(t.deps.db);
    }
    await tick(t, w);
  });

  it('a guest who looks his order up has its keys’ reveal recorded, so they cannot go back unseen', async () => {
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      body: {
        items: [{ productId: cheap, quantity: 1 }],
        paymentMethod: 'sandbox',
        guest: { email: 'guest-reveal@example.cn', lookupPassword: 'my-lookup-9' },
      },
    });
    expect(order.status).toBe(201);
    await call(t.app, 'POST', `/sandbox/payments/${order.body.payment.id}/complete`, { body: {} });
    await drainJobs(t);
    const reveals = () =>
      t.deps.db.selectFrom('card_key_reveals').selectAll().where('order_id', '=', order.body.id).execute();
    expect(await reveals()).toHaveLength(0);
    const found = await call(t.app, 'POST', '/api/v1/orders/lookup', {
      body: { orderId: order.body.id, lookupPassword: 'my-lookup-9' },
    });
    expect(found.status).toBe(200);
    expect(found.body.cardKeys).toHaveLength(1);
    const seen = await reveals();
    expect(seen.map((r) => r.key_id)).toEqual(await soldKeys(order.body.id));
    expect(Number(seen[0]!.revealed_at)).toBe(clock.now());
  });
});
