import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_TTL_MS, pruneIdempotencyKeys } from '../src/platform/idempotency.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop } from './support/trade.ts';

/** PROMISES #12: Idempotency-Key on top-ups, refunds and guest orders (orders and withdrawals: their own tests). */
describe(`Idempotency-Key (${dialectName})`, () => {
  let t: TestApp;
  let shop: Shop;

  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 5 });
  });
  afterAll(async () => {
    await expectBalanced(t, shop.admin);
    await t.close();
  });

  const topUp = (token: string, key: string | undefined, amountCents: number) =>
    call(t.app, 'POST', '/api/v1/wallet/top-ups', {
      token,
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
      body: { amountCents, paymentMethod: 'sandbox' },
    });
  const topUps = async (userId: string) =>
    (await t.deps.db.selectFrom('payments').select('id').where('user_id', '=', userId).execute()).length;

  it('POST /wallet/top-ups: same key and body → the same top-up; same key, other body → 422', async () => {
    const buyer = await registerAndLogin(t.app);
    const first = await topUp(buyer.token, 'topup-1', 5000);
    expect(first.status).toBe(201);
    const again = await topUp(buyer.token, 'topup-1', 5000);
    expect(again.status).toBe(200);
    expect(again.body.payment.id).toBe(first.body.payment.id);
    expect(again.body).toEqual(first.body);
    const other = await topUp(buyer.token, 'topup-1', 6000);
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH', details: { scope: 'top_up' } });
    expect(await topUps(buyer.userId)).toBe(1);

    // paid once, the replay still answers the same payment (now paid); the wallet holds the money once
    await call(t.app, 'POST', `/sandbox/payments/${first.body.payment.id}/complete`, { body: {} });
    await drainJobs(t);
    const paid = await topUp(buyer.token, 'topup-1', 5000);
    expect(paid.status).toBe(200);
    expect(paid.body.payment).toMatchObject({ id: first.body.payment.id, status: 'paid' });
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(5000);

    // without a key every request is a new top-up; a new key is a new top-up
    expect((await topUp(buyer.token, undefined, 5000)).status).toBe(201);
    expect((await topUp(buyer.token, 'topup-2', 5000)).status).toBe(201);
    expect(await topUps(buyer.userId)).toBe(3);
  });

  it('a key is its owner’s: another buyer’s same key makes their own top-up and never sees the first', async () => {
    const a = await registerAndLogin(t.app);
    const b = await registerAndLogin(t.app);
    const mine = await topUp(a.token, 'shared-key', 1000);
    const theirs = await topUp(b.token, 'shared-key', 1000);
    expect(theirs.status).toBe(201);
    expect(theirs.body.payment.id).not.toBe(mine.body.payment.id);
    expect((await topUp(b.token, 'shared-key', 2000)).status).toBe(422);
  });

  it('racing requests with one key make one top-up', async () => {
    const buyer = await registerAndLogin(t.app);
    const all = await Promise.all(Array.from({ length: 8 }, () => topUp(buyer.token, 'race', 1500)));
    expect(all.map((r) => r.status).sort(), JSON.stringify(all.map((r) => r.body))).toEqual([
      200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(all.map((r) => r.body.payment.id)).size).toBe(1);
    expect(await topUps(buyer.userId)).toBe(1);
  });

  it('refunds: the same key and body refund once; another amount with it is refused', async () => {
    const buyer = await registerAndLogin(t.app);
    const paid = await topUp(buyer.token, undefined, 5000);
    await call(t.app, 'POST', `/sandbox/payments/${paid.body.payment.id}/complete`, { body: {} });
    await drainJobs(t);
    const refund = (amountCents: number) =>
      call(t.app, 'POST', `/api/v1/admin/payments/${paid.body.payment.id}/refunds`, {
        token: shop.admin,
        headers: { 'idempotency-key': 'refund-once' },
        body: { amountCents, reason: 'buyer asked' },
      });
    const first = await refund(2000);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await refund(2000);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await refund(1000)).status).toBe(422);
    expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(3000);
    const rows = await t.deps.db
      .selectFrom('refunds')
      .select('id')
      .where('payment_id', '=', paid.body.payment.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('guest orders: the same key, email, password and items → the same order; another password → 422', async () => {
    const order = (lookupPassword: string, quantity = 1) =>
      call(t.app, 'POST', '/api/v1/orders', {
        headers: { 'idempotency-key': 'guest-checkout-1' },
        body: {
          items: [{ productId: shop.productId, quantity }],
          paymentMethod: 'sandbox',
          guest: { email: 'Guest.Idem@example.cn', lookupPassword },
        },
      });
    const first = await order('lookup-pass-1');
    expect(first.status).toBe(201);
    const again = await order('lookup-pass-1');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.payment.id).toBe(first.body.payment.id);
    // someone who knows the email and the key but not the lookup password learns nothing
    const guess = await order('other-pass-2');
    expect(guess.status).toBe(422);
    expect(JSON.stringify(guess.body)).not.toContain(first.body.id);
    expect((await order('lookup-pass-1', 2)).status).toBe(422);
    const made = await t.deps.db
      .selectFrom('orders')
      .select('id')
      .where('guest_email', '=', 'guest.idem@example.cn')
      .execute();
    expect(made).toHaveLength(1);
    // the stored hash is keyed: the password is not recoverable from it
    const stored = await t.deps.db.selectFrom('idempotency_keys').selectAll().where('scope', '=', 'order').execute();
    expect(JSON.stringify(stored)).not.toContain('lookup-pass-1');
  });

  it('keys are forgotten after a week (the system module prunes them), never sooner', async () => {
    const buyer = await registerAndLogin(t.app);
    const first = await topUp(buyer.token, 'weekly', 1000);
    const later = (ms: number) => ({ ...t.deps, clock: { ...t.deps.clock, now: () => Date.now() + ms } });
    await pruneIdempotencyKeys(later(IDEMPOTENCY_KEY_TTL_MS - 60_000));
    expect((await topUp(buyer.token, 'weekly', 2000)).status).toBe(422);
    expect(await pruneIdempotencyKeys(later(IDEMPOTENCY_KEY_TTL_MS + 60_000))).toBeGreaterThan(0);
    const fresh = await topUp(buyer.token, 'weekly', 2000);
    expect(fresh.status).toBe(201);
    expect(fresh.body.payment.id).not.toBe(first.body.payment.id);
  });

  it('a bad key is a clear 400', async () => {
    const buyer = await registerAndLogin(t.app);
    const r = await call(t.app, 'POST', '/api/v1/wallet/top-ups', {
      token: buyer.token,
      headers: { 'idempotency-key': 'x'.repeat(129) },
      body: { amountCents: 1000, paymentMethod: 'sandbox' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
  });
});
