import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, PASSWORD, registerAndLogin, staffUser } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

// PIPL (#18): operators see a user's phone masked in the users list, the user's detail and the orders list and
// detail, and reveal it one user at a time by an audited call; a supplier sees his buyers masked; the user
// himself sees himself whole.

describe(`masking of personal data shown to operators (${dialectName})`, () => {
  const PHONE = '13912345678';
  const MASKED = '139****5678';
  let t: TestApp;
  let shop: Shop;
  let operator: Awaited<ReturnType<typeof staffUser>>;
  let phoneBuyer: { token: string; userId: string };
  let emailBuyer: Awaited<ReturnType<typeof registerAndLogin>>;
  const orders = { phone: '', email: '' };

  const buy = async (token: string) => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(r.status).toBe(201);
    await drainJobs(t);
    return r.body.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 4 });
    operator = await staffUser(t, shop.admin, ['operator']);
    const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { phone: PHONE, password: PASSWORD } });
    expect(reg.status).toBe(201);
    expect(reg.body.user.phone).toBe(PHONE);
    phoneBuyer = await login(t.app, PHONE);
    emailBuyer = await registerAndLogin(t.app);
    for (const b of [phoneBuyer, emailBuyer]) await topUp(t, b.token, 5_000);
    orders.phone = await buy(phoneBuyer.token);
    orders.email = await buy(emailBuyer.token);
  });
  afterAll(async () => {
    if (t) await expectBalanced(t, shop.admin);
    await t?.close();
  });

  it('the users list and a user’s detail show the phone masked and the email whole; the user sees himself whole', async () => {
    const list = await call(t.app, 'GET', `/api/v1/admin/users?q=${PHONE}`, { token: operator.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toMatchObject([{ id: phoneBuyer.userId, phone: MASKED }]);
    expect(JSON.stringify(list.body)).not.toContain(PHONE);
    const detail = await call(t.app, 'GET', `/api/v1/admin/users/${phoneBuyer.userId}`, { token: operator.token });
    expect(detail.body).toMatchObject({ phone: MASKED, phoneVerified: false });
    const byEmail = await call(t.app, 'GET', `/api/v1/admin/users/${emailBuyer.userId}`, { token: operator.token });
    expect(byEmail.body).toMatchObject({ email: emailBuyer.email, phone: null });
    // freezing answers the user as operators see him, masked too
    const frozen = await call(t.app, 'PUT', `/api/v1/admin/users/${phoneBuyer.userId}/status`, {
      token: operator.token,
      body: { status: 'frozen', reason: 'check' },
    });
    expect(frozen.body.phone).toBe(MASKED);
    const thawed = await call(t.app, 'PUT', `/api/v1/admin/users/${phoneBuyer.userId}/status`, {
      token: operator.token,
      body: { status: 'active', reason: 'checked' },
    });
    expect(thawed.body.phone).toBe(MASKED);
    const again = await login(t.app, PHONE);
    phoneBuyer.token = again.token;
    const me = await call(t.app, 'GET', '/api/v1/me', { token: phoneBuyer.token });
    expect(me.body.phone).toBe(PHONE);
  });

  it('the orders list and an order’s detail show a phone buyer masked and an email buyer by his email', async () => {
    const list = await call(t.app, 'GET', `/api/v1/admin/orders?q=${PHONE}`, { token: operator.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((o: { id: string }) => o.id)).toEqual([orders.phone]);
    expect(list.body.items[0].buyerContact).toBe(MASKED);
    expect(JSON.stringify(list.body)).not.toContain(PHONE);
    const detail = await call(t.app, 'GET', `/api/v1/admin/orders/${orders.phone}`, { token: operator.token });
    expect(detail.body).toMatchObject({ buyerContact: MASKED, buyerId: phoneBuyer.userId });
    expect(JSON.stringify(detail.body)).not.toContain(PHONE);
    const byEmail = await call(t.app, 'GET', `/api/v1/admin/orders/${orders.email}`, { token: operator.token });
    expect(byEmail.body.buyerContact).toBe(emailBuyer.email);
  });

  it('a supplier sees both buyers masked, his list and his export', async () => {
    const list = await call(t.app, 'GET', '/api/v1/supplier/orders', { token: shop.supplier.token });
    const contacts = Object.fromEntries(
      list.body.items.map((o: { id: string; buyerContact: string }) => [o.id, o.buyerContact]),
    );
    expect(contacts[orders.phone]).toBe(MASKED);
    expect(contacts[orders.email]).toMatch(/^[a-z0-9.]{1,2}\*\*\*@example\.cn$/);
    const csv = await call(t.app, 'GET', '/api/v1/supplier/orders/export?format=csv', { token: shop.supplier.token });
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain(PHONE);
    expect(csv.body).not.toContain(emailBuyer.email);
  });

  it('an operator reveals the contact whole; each reveal is audited; no one else may', async () => {
    const before = await call(t.app, 'GET', `/api/v1/admin/audit-log?action=user.contact_reveal`, {
      token: shop.admin,
    });
    const shown = await call(t.app, 'POST', `/api/v1/admin/users/${phoneBuyer.userId}/contact`, {
      token: operator.token,
    });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ email: null, phone: PHONE });
    const audit = await call(
      t.app,
      'GET',
      `/api/v1/admin/audit-log?action=user.contact_reveal&objectId=${phoneBuyer.userId}`,
      { token: shop.admin },
    );
    expect(audit.body.items).toMatchObject([{ actorId: operator.userId, objectType: 'user' }]);
    expect(JSON.stringify(audit.body)).not.toContain(PHONE);
    // a second reveal is a second record
    await call(t.app, 'POST', `/api/v1/admin/users/${phoneBuyer.userId}/contact`, { token: operator.token });
    const after = await call(t.app, 'GET', `/api/v1/admin/audit-log?action=user.contact_reveal`, {
      token: shop.admin,
    });
    expect(after.body.total).toBe(before.body.total + 2);

    // buyers and suppliers get 403, an unknown user 404, a body other than nothing 400
    for (const token of [emailBuyer.token, phoneBuyer.token, shop.supplier.token]) {
      const r = await call(t.app, 'POST', `/api/v1/admin/users/${phoneBuyer.userId}/contact`, { token });
      expect(r.status).toBe(403);
    }
    expect((await call(t.app, 'POST', `/api/v1/admin/users/${phoneBuyer.userId}/contact`)).status).toBe(401);
    const unknown = await call(t.app, 'POST', '/api/v1/admin/users/usr_nope/contact', { token: operator.token });
    expect(unknown.status).toBe(404);
    const extra = await call(t.app, 'POST', `/api/v1/admin/users/${phoneBuyer.userId}/contact`, {
      token: operator.token,
      body: { userId: emailBuyer.userId, actorId: shop.admin },
    });
    expect(extra.status).toBe(400);
    const final = await call(t.app, 'GET', `/api/v1/admin/audit-log?action=user.contact_reveal`, {
      token: shop.admin,
    });
    expect(final.body.total).toBe(after.body.total);
  });
});
