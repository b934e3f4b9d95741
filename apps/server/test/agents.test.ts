import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceCents, getHold, holdSharesOf } from '../src/modules/ledger/ledger.service.ts';
import { call, enrolTwoFactor, registerAndLogin, type Session } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop, topUp } from './support/trade.ts';

const HOUR = 3_600_000;

describe(`分站: agents, markups and the money of a sale (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let admin: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 40, priceCents: 1000 });
    admin = shop.admin;
  });
  afterAll(async () => {
    await t.close();
  });

  const host = (sub: string) => ({ host: `${sub}.kameng.local` });

  /** A new user whose 分站 `sub` is approved (by the operator, or by `parent` on his own 分站). */
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
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('approved');
    return { ...u, sub };
  }

  async function markup(a: { token: string }, items: unknown[]) {
    const r = await call(t.app, 'PUT', '/api/v1/agent/site/markups', { token: a.token, body: { items } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }

  async function buyer(fundsCents = 50_000) {
    const b = await registerAndLogin(t.app);
    await topUp(t, b.token, fundsCents);
    return b;
  }

  const order = (token: string, sub: string | null, quantity: number, extra: Record<string, unknown> = {}) =>
    call(t.app, 'POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId: shop.productId, quantity }], paymentMethod: 'balance', ...extra },
      ...(sub ? { headers: host(sub) } : {}),
    });

  const balance = async (a: { token: string }) =>
    (await call(t.app, 'GET', '/api/v1/agent/balance', { token: a.token })).body;

  /** The hold of an order adds up to what the buyer paid: supplier's share + commission + every agent's share. */
  async function expectHoldAddsUp(orderId: string, paid: number, agentShares: Record<string, number>) {
    const hold = (await getHold(t.deps.db, orderId))!;
    const shares = await holdSharesOf(t.deps.db, orderId);
    expect(Object.fromEntries(shares.map((s) => [s.agentId, s.amountCents]))).toEqual(agentShares);
    const agentsTotal = shares.reduce((s, a) => s + a.amountCents, 0);
    expect(hold.supplierShareCents + hold.commissionCents + agentsTotal).toBe(paid);
    return hold;
  }

  it('a 分站 sale at a markup splits in one transaction into the supplier, the platform and the agent', async () => {
    const a = await agent(`s${++n}a${Date.now() % 100000}`);
    await markup(a, [{ productId: shop.productId, markupBps: 2000 }]);
    const site = await call(t.app, 'GET', '/api/v1/site', { headers: host(a.sub) });
    expect(site.body.name).toBe(`${a.sub} 的小店`);
    expect(site.body.agentSite.siteName).toBe(`${a.sub} 的小店`);
    const main = await call(t.app, 'GET', '/api/v1/site');
    expect(main.body.agentSite ?? null).toBeNull();

    const b = await buyer();
    const r = await order(b.token, a.sub, 2);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.amountCents).toBe(2400);
    expect(r.body.status).toBe('delivered');
    const hold = await expectHoldAddsUp(r.body.id, 2400, { [a.userId]: 400 });
    // the supplier's sale is worth the platform price; the commission is taken from it
    expect(hold.supplierShareCents + hold.commissionCents).toBe(2000);
    expect(await balance(a)).toMatchObject({ heldCents: 400, availableCents: 0 });
    expect(await balanceCents(t.deps.db, `wallet:${b.userId}`)).toBe(50_000 - 2400);
    await expectBalanced(t, admin);

    // the storefront on his Host lists and shows his price; the main site the platform's
    const listed = await call(t.app, 'GET', '/api/v1/products?pageSize=100', { headers: host(a.sub) });
    expect(listed.body.items.find((i: { id: string }) => i.id === shop.productId).priceCents).toBe(1200);
    const detail = await call(t.app, 'GET', `/api/v1/products/${shop.productId}`, { headers: host(a.sub) });
    expect(detail.body.priceCents).toBe(1200);
    const mainDetail = await call(t.app, 'GET', `/api/v1/products/${shop.productId}`);
    expect(mainDetail.body.priceCents).toBe(1000);

    // on the main site the same product is at the platform's price
    const m = await order(b.token, null, 1);
    expect(m.body.amountCents).toBe(1000);
    expect(await holdSharesOf(t.deps.db, m.body.id)).toEqual([]);

    // the agent's orders and customers show the margin
    const mine = await call(t.app, 'GET', '/api/v1/agent/orders', { token: a.token });
    expect(mine.body.items).toEqual([
      expect.objectContaining({ orderId: r.body.id, marginCents: 400, onMySite: true }),
    ]);
    const customers = await call(t.app, 'GET', '/api/v1/agent/customers', { token: a.token });
    expect(customers.body.items).toEqual([expect.objectContaining({ userId: b.userId, orders: 1, spentCents: 2400 })]);
    await expectBalanced(t, admin);
  });

  it('a product the agent does not sell is not listed, shown or sold on his 分站', async () => {
    const a = await agent(`n${++n}x${Date.now() % 100000}`);
    const other = await openShop(t, { keyCount: 2, priceCents: 500 });
    await markup(a, [{ productId: shop.productId, markupBps: 100 }]);
    const listed = await call(t.app, 'GET', '/api/v1/products?pageSize=100', { headers: host(a.sub) });
    const ids = listed.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(shop.productId);
    expect(ids).not.toContain(other.productId);
    const detail = await call(t.app, 'GET', `/api/v1/products/${other.productId}`, { headers: host(a.sub) });
    expect(detail.status).toBe(404);
    const b = await buyer();
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: b.token,
      body: { items: [{ productId: other.productId, quantity: 1 }], paymentMethod: 'balance' },
      headers: host(a.sub),
    });
    expect(r.status).toBe(404);
    await expectBalanced(t, admin);
  });

  it('a 3-level chain: each agent earns his difference, and settlement moves every share', async () => {
    const top = await agent(`t${++n}x${Date.now() % 100000}`);
    await markup(top, [{ productId: shop.productId, markupBps: 1000 }]); // 1000 → 1100
    const mid = await agent(`m${n}x${Date.now() % 100000}`, top);
    await markup(mid, [{ categoryId: shop.categoryId, markupCents: 500 }]); // 1100 → 1600
    const leaf = await agent(`l${n}x${Date.now() % 100000}`, mid);
    const put = await call(t.app, 'GET', '/api/v1/agent/site', { token: leaf.token });
    expect(put.body.depth).toBe(3);
    const siteBody = { ...put.body };
    const updated = await call(t.app, 'PUT', '/api/v1/agent/site', {
      token: leaf.token,
      body: {
        siteName: '三级小店',
        logoUrl: '/logo.png',
        notice: '欢迎',
        contact: 'QQ 1',
        carousel: [],
        markupBps: 1000, // his site default: 1600 → 1760
        markupCents: 0,
      },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(siteBody.subdomain).toBe(leaf.sub);
    // a fourth level is past the operators' depth (3)
    const u4 = await registerAndLogin(t.app);
    const deep = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u4.token,
      body: { siteName: '四级', subdomain: `d${n}x${Date.now() % 100000}` },
      headers: host(leaf.sub),
    });
    expect(deep.status).toBe(422);

    const b = await buyer();
    const r = await order(b.token, leaf.sub, 3);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.amountCents).toBe(1760 * 3);
    await expectHoldAddsUp(r.body.id, 5280, { [top.userId]: 300, [mid.userId]: 1500, [leaf.userId]: 480 });
    await expectBalanced(t, admin);

    const done = await call(t.app, 'POST', `/api/v1/orders/${r.body.id}/confirm`, { token: b.token });
    expect(done.status).toBe(200);
    await drainJobs(t);
    expect((await getHold(t.deps.db, r.body.id))!.status).toBe('posted');
    expect(await balance(top)).toMatchObject({ heldCents: 0, availableCents: 300 });
    expect(await balance(mid)).toMatchObject({ heldCents: 0, availableCents: 1500 });
    expect(await balance(leaf)).toMatchObject({ heldCents: 0, availableCents: 480 });
    await expectBalanced(t, admin);
  });

  it('a full refund and a partial refund reverse every share, exactly', async () => {
    const top = await agent(`r${++n}x${Date.now() % 100000}`);
    await markup(top, [{ productId: shop.productId, markupBps: 3333 }]); // 1000 → 1333
    const leaf = await agent(`q${n}x${Date.now() % 100000}`, top);
    await markup(leaf, [{ productId: shop.productId, markupCents: 77 }]); // 1333 → 1410
    const b = await buyer();

    const full = await order(b.token, leaf.sub, 1);
    expect(full.body.amountCents).toBe(1410);
    await expectHoldAddsUp(full.body.id, 1410, { [top.userId]: 333, [leaf.userId]: 77 });
    const before = await balanceCents(t.deps.db, `wallet:${b.userId}`);
    const rf = await call(t.app, 'POST', `/api/v1/admin/payments/${full.body.payment.id}/refunds`, {
      token: admin,
      body: { amountCents: 1410, destination: 'wallet', reason: '全额退款' },
    });
    expect(rf.status, JSON.stringify(rf.body)).toBeLessThan(300);
    expect(await balanceCents(t.deps.db, `wallet:${b.userId}`)).toBe(before + 1410);
    expect(await balance(top)).toMatchObject({ heldCents: 0, availableCents: 0 });
    expect(await balance(leaf)).toMatchObject({ heldCents: 0, availableCents: 0 });
    await expectBalanced(t, admin);

    const part = await order(b.token, leaf.sub, 3); // 4230: top 999, leaf 231, supplier + platform 3000
    expect(part.body.amountCents).toBe(4230);
    const w0 = await balanceCents(t.deps.db, `wallet:${b.userId}`);
    const pr = await call(t.app, 'POST', `/api/v1/admin/payments/${part.body.payment.id}/refunds`, {
      token: admin,
      body: { amountCents: 1001, destination: 'wallet', reason: '部分退款' },
    });
    expect(pr.status, JSON.stringify(pr.body)).toBeLessThan(300);
    expect(await balanceCents(t.deps.db, `wallet:${b.userId}`)).toBe(w0 + 1001);
    const hold = (await getHold(t.deps.db, part.body.id))!;
    const shares = Object.fromEntries(
      (await holdSharesOf(t.deps.db, part.body.id)).map((s) => [s.agentId, s.amountCents]),
    );
    // each part gave back its proportion of 1001/4230, in whole fen adding up exactly
    expect(shares[top.userId]).toBeGreaterThanOrEqual(999 - 237);
    expect(shares[top.userId]).toBeLessThanOrEqual(999 - 236);
    expect(shares[leaf.userId]).toBeGreaterThanOrEqual(231 - 55);
    expect(shares[leaf.userId]).toBeLessThanOrEqual(231 - 54);
    expect(hold.supplierShareCents + hold.commissionCents + shares[top.userId]! + shares[leaf.userId]!).toBe(
      4230 - 1001,
    );
    expect((await balance(top)).heldCents).toBe(shares[top.userId]);
    await expectBalanced(t, admin);

    // the rest settles: each agent gets what is left of his share
    clock.advance(100 * HOUR);
    await drainJobs(t);
    expect((await getHold(t.deps.db, part.body.id))!.status).toBe('posted');
    expect(await balance(top)).toMatchObject({ heldCents: 0, availableCents: shares[top.userId] });
    expect(await balance(leaf)).toMatchObject({ heldCents: 0, availableCents: shares[leaf.userId] });
    await expectBalanced(t, admin);
  });

  it('prices never come from the client, an agent never sells below what he pays, and Host spoofing finds the main site', async () => {
    const a = await agent(`p${++n}x${Date.now() % 100000}`);
    await markup(a, [{ productId: shop.productId, markupBps: 5000 }]); // 1500
    const b = await buyer();
    for (const extra of [
      { unitPriceCents: 1 },
      { amountCents: 1 },
      { site: null },
      { siteId: 'x' },
      { agentId: a.userId },
    ]) {
      const r = await order(b.token, a.sub, 1, extra);
      expect(r.status, JSON.stringify(extra)).toBe(400);
    }
    const items = await call(t.app, 'POST', '/api/v1/orders', {
      token: b.token,
      body: { items: [{ productId: shop.productId, quantity: 1, priceCents: 1 }], paymentMethod: 'balance' },
      headers: host(a.sub),
    });
    expect(items.status).toBe(400);

    // a 密价 below what he pays is clamped to his cost (the platform's 1000): margin 0, never negative
    const set = await call(t.app, 'PUT', '/api/v1/agent/site/user-prices', {
      token: a.token,
      body: { userId: b.userId, productId: shop.productId, priceCents: 1 },
    });
    expect(set.status).toBe(200);
    const cheap = await order(b.token, a.sub, 1);
    expect(cheap.body.amountCents).toBe(1000);
    await expectHoldAddsUp(cheap.body.id, 1000, {});
    const fair = await call(t.app, 'PUT', '/api/v1/agent/site/user-prices', {
      token: a.token,
      body: { userId: b.userId, productId: shop.productId, priceCents: 1200 },
    });
    expect(fair.status).toBe(200);
    expect((await order(b.token, a.sub, 1)).body.amountCents).toBe(1200);

    // unknown hosts, a host that only ends like one, a pending and a rejected site: the main site's price
    const pendingUser = await registerAndLogin(t.app);
    const pendingSub = `w${n}x${Date.now() % 100000}`;
    const pend = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: pendingUser.token,
      body: { siteName: '待审', subdomain: pendingSub },
    });
    expect(pend.status).toBe(201);
    const rejectedUser = await registerAndLogin(t.app);
    const rejectedSub = `z${n}x${Date.now() % 100000}`;
    const rej = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: rejectedUser.token,
      body: { siteName: '拒绝', subdomain: rejectedSub },
    });
    expect(
      (await call(t.app, 'POST', `/api/v1/admin/agent-applications/${rej.body.id}/reject`, { token: admin })).status,
    ).toBe(200);
    const other = await buyer();
    for (const h of [
      'nobody.kameng.local',
      `${a.sub}.kameng.local.evil.example`,
      `x.${a.sub}.kameng.local`,
      `${pendingSub}.kameng.local`,
      `${rejectedSub}.kameng.local`,
      'evil.example',
    ]) {
      const r = await call(t.app, 'POST', '/api/v1/orders', {
        token: other.token,
        body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'balance' },
        headers: { host: h },
      });
      expect(r.status, h).toBe(201);
      expect(r.body.amountCents, h).toBe(1000);
    }
    const pendingSite = await call(t.app, 'GET', '/api/v1/site', { headers: host(pendingSub) });
    expect(pendingSite.body.agentSite ?? null).toBeNull();
    await expectBalanced(t, admin);
  });

  it("subdomains are checked and unique; another agent's application and site are not found", async () => {
    const u = await registerAndLogin(t.app);
    for (const subdomain of ['www', 'admin', 'api', 'a', '-bad', 'bad-', 'UPPER_', 'a.b', 'x'.repeat(40)]) {
      const r = await call(t.app, 'POST', '/api/v1/agent/applications', {
        token: (await registerAndLogin(t.app)).token,
        body: { siteName: '检查', subdomain },
      });
      expect(r.status, subdomain).toBe(400);
    }
    const a = await agent(`u${++n}x${Date.now() % 100000}`);
    const taken = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u.token,
      body: { siteName: '重名', subdomain: a.sub },
    });
    expect(taken.status).toBe(409);
    // mass assignment: no status or parent from the body
    const mass = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u.token,
      body: { siteName: '越权', subdomain: `v${n}x${Date.now() % 100000}`, status: 'approved' },
    });
    expect(mass.status).toBe(400);

    // b's sub-agent application is not a's to decide
    const b = await agent(`k${++n}x${Date.now() % 100000}`);
    const c = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: c.token,
      body: { siteName: '子站', subdomain: `c${n}x${Date.now() % 100000}` },
      headers: host(b.sub),
    });
    expect(applied.status).toBe(201);
    const foreign = await call(t.app, 'POST', `/api/v1/agent/sub-agents/${applied.body.id}/approve`, {
      token: a.token,
    });
    expect(foreign.status).toBe(404);
    // a user who is no agent has no site, balance or markups
    for (const path of ['/api/v1/agent/site', '/api/v1/agent/balance', '/api/v1/agent/site/markups']) {
      expect((await call(t.app, 'GET', path, { token: c.token })).status, path).toBe(404);
    }
    const notMine = await call(t.app, 'PUT', '/api/v1/agent/site/markups', {
      token: c.token,
      body: { items: [{ productId: shop.productId, markupBps: 1 }] },
    });
    expect(notMine.status).toBe(404);
    // an operator's page needs an operator
    expect((await call(t.app, 'GET', '/api/v1/admin/agent-applications', { token: a.token })).status).toBe(403);
    // replaying an approval changes nothing
    const again = await call(t.app, 'POST', `/api/v1/agent/sub-agents/${applied.body.id}/approve`, { token: b.token });
    expect(again.status).toBe(200);
    const replay = await call(t.app, 'POST', `/api/v1/agent/sub-agents/${applied.body.id}/approve`, { token: b.token });
    expect(replay.status).toBe(409);
  });

  it('an agent withdraws his settled margin like a supplier: 2FA, then the operators pay it', async () => {
    const a = await agent(`g${++n}x${Date.now() % 100000}`);
    await markup(a, [{ productId: shop.productId, markupCents: 250 }]);
    const b = await buyer();
    const r = await order(b.token, a.sub, 2);
    expect(r.body.amountCents).toBe(2500);
    await call(t.app, 'POST', `/api/v1/orders/${r.body.id}/confirm`, { token: b.token });
    await drainJobs(t);
    expect(await balance(a)).toMatchObject({ availableCents: 500, heldCents: 0 });

    const acct = await call(t.app, 'POST', '/api/v1/agent/payout-accounts', {
      token: a.token,
      body: { kind: 'alipay', holderName: '张三', account: 'agent@example.cn' },
    });
    expect(acct.status, JSON.stringify(acct.body)).toBe(201);
    const no2fa = await call(t.app, 'POST', '/api/v1/agent/withdrawals', {
      token: a.token,
      body: { amountCents: 500, payoutAccountId: acct.body.id },
    });
    expect(no2fa.status).toBe(403);
    await enrolTwoFactor(t.app, a.token, t.clock);
    const w = await call(t.app, 'POST', '/api/v1/agent/withdrawals', {
      token: a.token,
      body: { amountCents: 500, payoutAccountId: acct.body.id },
    });
    expect(w.status, JSON.stringify(w.body)).toBe(201);
    expect(await balance(a)).toMatchObject({ availableCents: 0, withdrawingCents: 500 });
    const more = await call(t.app, 'POST', '/api/v1/agent/withdrawals', {
      token: a.token,
      body: { amountCents: 1, payoutAccountId: acct.body.id },
    });
    expect(more.status).toBe(409);
    expect(more.body.error.code).toBe('INSUFFICIENT_FUNDS');
    const approve = await call(t.app, 'POST', `/api/v1/admin/withdrawals/${w.body.id}/approve`, { token: admin });
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    const paid = await call(t.app, 'POST', `/api/v1/admin/withdrawals/${w.body.id}/mark-paid`, {
      token: admin,
      body: { payoutRef: 'ALI-1' },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(await balance(a)).toMatchObject({ availableCents: 0, withdrawingCents: 0 });
    const list = await call(t.app, 'GET', '/api/v1/agent/withdrawals', { token: a.token });
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([w.body.id]);
    await expectBalanced(t, admin);
  });
});
