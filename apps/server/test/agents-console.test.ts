import { maskEmail } from '../src/platform/mask.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, registerAndLogin, type Session } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

/**
 * The 分站 console's own numbers: an agent's cost of each product from the one price function (the platform's
 * price for a top agent, his parent's price to a sub-agent), and his customers with their contact masked.
 */
describe(`分站 console: costs and customers (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let other: Shop;
  let admin: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 10, priceCents: 1000 });
    other = await openShop(t, { keyCount: 2, priceCents: 500 });
    admin = shop.admin;
  });
  afterAll(async () => {
    await t.close();
  });

  const host = (sub: string) => ({ host: `${sub}.kameng.local` });
  const uniqueSub = (tag: string) => `${tag}${++n}c${Date.now() % 100000}`;

  async function agent(sub: string, parent?: { token: string; sub: string }): Promise<Session & { sub: string }> {
    const u = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u.token,
      body: { siteName: `${sub} 的小店`, subdomain: sub },
      ...(parent ? { headers: host(parent.sub) } : {}),
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const ok = parent
      ? await call(t.app, 'POST', `/api/v1/agent/sub-agents/${applied.body.id}/approve`, { token: parent.token })
      : await call(t.app, 'POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, { token: admin });
    expect(ok.body.status).toBe('approved');
    return { ...u, sub };
  }

  async function markup(a: { token: string }, items: unknown[]) {
    const r = await call(t.app, 'PUT', '/api/v1/agent/site/markups', { token: a.token, body: { items } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }

  const costs = (a: { token: string }, ids: string[]) =>
    call(t.app, 'GET', `/api/v1/agent/site/costs?productIds=${ids.join(',')}`, { token: a.token });

  it("a 2-level chain: the top agent pays the platform's price, his sub-agent pays the top agent's price", async () => {
    const top = await agent(uniqueSub('t'));
    await markup(top, [{ productId: shop.productId, markupBps: 1000, markupCents: 50 }]); // 1000 → 1150
    const sub = await agent(uniqueSub('s'), top);
    await markup(sub, [{ productId: shop.productId, markupCents: 200 }]); // 1150 → 1350

    const mine = await costs(top, [shop.productId, other.productId]);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.items).toEqual([
      { productId: shop.productId, costCents: 1000 },
      { productId: other.productId, costCents: 500 },
    ]);
    // the sub-agent's cost is his parent's price; the top agent does not sell `other`, so neither can he
    const subs = await costs(sub, [shop.productId, other.productId]);
    expect(subs.body.items).toEqual([
      { productId: shop.productId, costCents: 1150 },
      { productId: other.productId, costCents: null },
    ]);
    // the same numbers the buyer's price on the sub-agent's 分站 is built from
    const onSite = await call(t.app, 'GET', `/api/v1/products/${shop.productId}`, { headers: host(sub.sub) });
    expect(onSite.body.priceCents).toBe(1350);
    const onTop = await call(t.app, 'GET', `/api/v1/products/${shop.productId}`, { headers: host(top.sub) });
    expect(onTop.body.priceCents).toBe(1150);
  });

  it('costs: only for an agent, only real products, and a malformed list is refused', async () => {
    const a = await agent(uniqueSub('k'));
    const nobody = await registerAndLogin(t.app);
    expect((await costs(nobody, [shop.productId])).status).toBe(404);
    expect((await call(t.app, 'GET', `/api/v1/agent/site/costs?productIds=${shop.productId}`)).status).toBe(401);
    const unknown = await costs(a, ['prd_nope', shop.productId, shop.productId]);
    expect(unknown.body.items).toEqual([{ productId: shop.productId, costCents: 1000 }]);
    expect((await costs(a, ['a;b'])).status).toBe(400);
    expect(
      (
        await costs(
          a,
          Array.from({ length: 101 }, (_, i) => `p${i}`),
        )
      ).status,
    ).toBe(400);
    const extra = await call(t.app, 'GET', `/api/v1/agent/site/costs?productIds=${shop.productId}&priceCents=1`, {
      token: a.token,
    });
    expect(extra.status).toBe(400);
  });

  it("customers show each buyer's contact masked; another agent's customers are not his", async () => {
    const a = await agent(uniqueSub('c'));
    const b2 = await agent(uniqueSub('d'));
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 10_000);
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
      headers: host(a.sub),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);

    const list = await call(t.app, 'GET', '/api/v1/agent/customers', { token: a.token });
    expect(list.body.items).toEqual([
      {
        userId: buyer.userId,
        contact: maskEmail(buyer.email),
        orders: 1,
        spentCents: 1000,
        lastOrderAt: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain(buyer.email);
    // the other agent has no customers; a user who is no agent has no console
    expect((await call(t.app, 'GET', '/api/v1/agent/customers', { token: b2.token })).body.items).toEqual([]);
    expect((await call(t.app, 'GET', '/api/v1/agent/customers', { token: buyer.token })).status).toBe(404);
  });
});
