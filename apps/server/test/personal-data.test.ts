import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, PASSWORD, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

describe(`personal information: export and closing an account (${dialectName})`, () => {
  let t: TestApp;
  let shop: Shop;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' }, clock });
    shop = await openShop(t, { priceCents: 1000 });
  });
  afterAll(async () => {
    await t.close();
  });

  async function buyerWithOrder() {
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 1000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    expect(order.body.status).toBe('delivered');
    return { ...buyer, orderId: order.body.id as string };
  }

  it('exports the signed-in user’s data as JSON, and only his', async () => {
    const buyer = await buyerWithOrder();
    expect((await call(t.app, 'GET', '/api/v1/me/export')).status).toBe(401);
    const res = await call(t.app, 'GET', '/api/v1/me/export', { token: buyer.token });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-disposition'])).toContain('attachment');
    expect(res.body.account).toMatchObject({ id: buyer.userId, email: buyer.email, roles: ['buyer'] });
    expect(res.body.sessions.length).toBeGreaterThan(0);
    expect(res.body.wallet).toEqual({ balanceCents: 0 });
    expect(res.body.orders.items.map((o: { id: string }) => o.id)).toEqual([buyer.orderId]);
    expect(Array.isArray(res.body.notices)).toBe(true);
    const other = await registerAndLogin(t.app);
    const theirs = await call(t.app, 'GET', '/api/v1/me/export', { token: other.token });
    expect(JSON.stringify(theirs.body)).not.toContain(buyer.orderId);
    expect(JSON.stringify(theirs.body)).not.toContain(buyer.email);
  });

  it('closes an account after the password is confirmed again, keeping the book whole', async () => {
    const buyer = await buyerWithOrder();
    const extra = await call(t.app, 'POST', '/api/v1/me/close', { token: buyer.token, body: { userId: 'usr_x' } });
    expect(extra.status).toBe(400);
    clock.advance(11 * 60_000);
    const stale = await call(t.app, 'POST', '/api/v1/me/close', { token: buyer.token, body: {} });
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
    const reauth = await call(t.app, 'POST', '/api/v1/auth/reauth', {
      token: buyer.token,
      body: { password: PASSWORD },
    });
    expect(reauth.status).toBe(200);
    const closed = await call(t.app, 'POST', '/api/v1/me/close', { token: buyer.token, body: {} });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ ok: true, closed: true });

    expect((await call(t.app, 'GET', '/api/v1/me', { token: buyer.token })).status).toBe(401);
    await expect(login(t.app, buyer.email)).rejects.toThrow(/401/);
    const row = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', buyer.userId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: null, phone: null, password_hash: '', status: 'frozen' });
    // the sale stays on the supplier's side and in the book
    const order = await call(t.app, 'GET', `/api/v1/admin/orders/${buyer.orderId}`, { token: shop.admin });
    expect(order.status).toBe(200);
    await expectBalanced(t, shop.admin);
    // the address is free for a new account
    expect(
      (await call(t.app, 'POST', '/api/v1/auth/register', { body: { email: buyer.email, password: PASSWORD } })).status,
    ).toBe(201);
  });

  it('refuses to close an account with money in its wallet, or a supplier’s, and changes nothing', async () => {
    const rich = await registerAndLogin(t.app);
    await topUp(t, rich.token, 500);
    const res = await call(t.app, 'POST', '/api/v1/me/close', { token: rich.token, body: {} });
    expect(res.status).toBe(422);
    expect(res.body.error.details.reason).toBe('wallet_not_empty');
    expect((await call(t.app, 'GET', '/api/v1/me', { token: rich.token })).body.email).toBe(rich.email);

    const supplier = await call(t.app, 'POST', '/api/v1/me/close', { token: shop.supplier.token, body: {} });
    expect(supplier.status).toBe(422);
    await expectBalanced(t, shop.admin);
  });
});
