import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

// A guest finds his orders again by the email he bought with and a one-time code, and every delivery email
// links to its order.

describe(`guest order lookup by email and code, and the delivery email's link (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  const PUBLIC_URL = 'https://shop.example.cn';
  let t: TestApp;
  let shop: Shop;
  const mine: string[] = [];
  let theirs = '';

  const guestBuys = async (email: string) => {
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      body: {
        items: [{ productId: shop.productId, quantity: 1 }],
        paymentMethod: 'sandbox',
        guest: { email, lookupPassword: 'forgotten-1' },
      },
    });
    expect(order.status).toBe(201);
    expect(
      (await call(t.app, 'POST', `/sandbox/payments/${order.body.payment.id}/complete`, { body: {} })).status,
    ).toBe(200);
    await drainJobs(t);
    return order.body.id as string;
  };
  const askCode = (email: string, ip = '198.51.100.7') =>
    call(t.app, 'POST', '/api/v1/orders/lookup/code', { body: { email }, ip });
  const codeIn = (email: string) => /(\d{6})/.exec(t.sender.last(email)?.text ?? '')?.[1] ?? '';
  const lookup = (body: Record<string, unknown>) => call(t.app, 'POST', '/api/v1/orders/lookup/by-code', { body });

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on', PUBLIC_URL } });
    shop = await openShop(t, { keyCount: 10, priceCents: 1000 });
    mine.push(await guestBuys('lost@example.cn'));
    clock.advance(1000);
    mine.push(await guestBuys('Lost@Example.cn'));
    theirs = await guestBuys('other@example.cn');
    // one address per scenario below: with Redis the per-address limit runs on the real clock
    for (const who of ['guess', 'late', 'cross']) await guestBuys(`${who}@example.cn`);
  });
  afterAll(async () => {
    await t.close();
  });

  it("links a guest's delivery email to the lookup page and a member's to the order page", async () => {
    const guestMail = t.sender.sent.find((m) => m.to === 'lost@example.cn' && m.subject.includes(mine[0] ?? '-'));
    expect(guestMail?.text).toContain(`${PUBLIC_URL}/order-lookup?order=${mine[0]}`);
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 2000);
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    await drainJobs(t);
    const memberMail = t.sender.last(buyer.email);
    expect(memberMail?.subject).toContain(order.body.id);
    expect(memberMail?.text).toContain(`${PUBLIC_URL}/orders/${order.body.id}`);
    expect(memberMail?.text).not.toContain('order-lookup');
  });

  it("sends a code to the guest's email and answers with that email's guest orders, keys included", async () => {
    const asked = await askCode('lost@example.cn');
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ sent: true, expiresInSeconds: 300 });
    const code = codeIn('lost@example.cn');
    expect(code).toMatch(/^\d{6}$/);
    const found = await lookup({ email: 'LOST@example.cn', code });
    expect(found.status).toBe(200);
    const ids = found.body.items.map((o: { id: string }) => o.id);
    expect(ids).toEqual([mine[1], mine[0]]);
    expect(ids).not.toContain(theirs);
    for (const o of found.body.items) {
      expect(o.guest).toBe(true);
      expect(o.cardKeys).toHaveLength(1);
    }
    // single use
    expect((await lookup({ email: 'lost@example.cn', code })).status).toBe(422);
    await expectBalanced(t, shop.admin);
  });

  it('answers an address that bought nothing the same way and sends it nothing', async () => {
    const before = t.sender.sent.length;
    const asked = await askCode('nobody@example.cn', '198.51.100.8');
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ sent: true, expiresInSeconds: 300 });
    expect(t.sender.sent.length).toBe(before);
    expect((await lookup({ email: 'nobody@example.cn', code: '000000' })).status).toBe(422);
  });

  it('refuses wrong guesses, stops after five, and lets a code expire', async () => {
    expect((await askCode('guess@example.cn')).status).toBe(202);
    const code = codeIn('guess@example.cn');
    const wrong = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) {
      const r = await lookup({ email: 'guess@example.cn', code: wrong });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('CODE_INVALID');
    }
    expect((await lookup({ email: 'guess@example.cn', code })).status).toBe(422);

    expect((await askCode('late@example.cn')).status).toBe(202);
    const late = codeIn('late@example.cn');
    clock.advance(5 * 60_000 + 1);
    expect((await lookup({ email: 'late@example.cn', code: late })).status).toBe(422);
  });

  it("does not take one address's code for another, nor a sign-up code for a lookup", async () => {
    expect((await askCode('cross@example.cn')).status).toBe(202);
    const code = codeIn('cross@example.cn');
    expect((await lookup({ email: 'other@example.cn', code })).status).toBe(422);
    const verify = await call(t.app, 'POST', '/api/v1/auth/codes', {
      body: { purpose: 'verify', email: 'other@example.cn' },
    });
    expect(verify.status).toBeLessThan(300);
    const signUpCode = codeIn('other@example.cn');
    expect((await lookup({ email: 'other@example.cn', code: signUpCode })).status).toBe(422);
    // the cross@ code still works after the failed tries on other addresses
    const found = await lookup({ email: 'cross@example.cn', code });
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(1);
  });

  it('limits code requests per address and refuses extra fields', async () => {
    expect((await askCode('limit@example.cn', '198.51.100.9')).status).toBe(202);
    const again = await askCode('limit@example.cn', '198.51.100.9');
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('RATE_LIMITED');
    expect(
      (await call(t.app, 'POST', '/api/v1/orders/lookup/code', { body: { email: 'a@example.cn', orderId: theirs } }))
        .status,
    ).toBe(400);
    expect((await lookup({ email: 'other@example.cn', code: '12345' })).status).toBe(400);
    expect((await lookup({ email: 'cross@example.cn', code: '123456', all: true })).status).toBe(400);
  });
});
