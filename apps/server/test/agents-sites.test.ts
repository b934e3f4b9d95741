import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceCents, holdSharesOf } from '../src/modules/ledger/ledger.service.ts';
import { call, reauthAdmin, registerAndLogin, type Session } from './support/client.ts';
import {
  addShopProduct,
  type CaseWorld,
  caseWorld,
  HOUR,
  openCase,
  orderStatus,
  rule,
  tick,
} from './support/disputes.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, topUp } from './support/trade.ts';

/**
 * 分站 (issue #17) end to end: the Contract walked exactly, the opening fee, a dispute on a 分站 sale, the
 * cart and 查单 on an agent's Host, and custom domains. The trial balance is zero after every money step.
 */
describe(`分站: the contract, opening fees, disputes, cart and custom domains (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let w: CaseWorld;
  let admin: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    w = await caseWorld(t, 60);
    admin = w.shop.admin;
  });
  afterAll(async () => {
    await t.close();
  });

  const host = (sub: string, domain = 'kameng.local') => ({ host: `${sub}.${domain}` });
  const uniqueSub = (tag: string) => `${tag}${++n}x${Date.now() % 100000}`;
  const settings = async (body: Record<string, unknown>) => {
    const r = await call(t.app, 'PUT', '/api/v1/admin/agent-settings', {
      token: admin,
      body: { siteDomain: 'kameng.local', maxDepth: 3, ...body },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  async function agent(sub: string, markupItems: unknown[] = []): Promise<Session & { sub: string }> {
    const u = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u.token,
      body: { siteName: `${sub} 的小店`, subdomain: sub },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const ok = await call(t.app, 'POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, {
      token: admin,
    });
    expect(ok.body.status).toBe('approved');
    if (markupItems.length > 0) {
      const m = await call(t.app, 'PUT', '/api/v1/agent/site/markups', {
        token: u.token,
        body: { items: markupItems },
      });
      expect(m.status, JSON.stringify(m.body)).toBe(200);
    }
    return { ...u, sub };
  }

  const balance = async (a: { token: string }) =>
    (await call(t.app, 'GET', '/api/v1/agent/balance', { token: a.token })).body;
  const priceOn = async (h: Record<string, string>) =>
    (await call(t.app, 'GET', `/api/v1/products/${w.shop.productId}`, { headers: h })).body.priceCents;

  it('walks the Contract: apply, approve, markups, his prices on his Host, his balance; the domain is a setting', async () => {
    expect((await call(t.app, 'GET', '/api/v1/admin/agent-settings', { token: admin })).body).toMatchObject({
      siteDomain: 'kameng.local',
      maxDepth: 3,
      openingFeeCents: 0,
    });
    const u = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u.token,
      body: { siteName: '一号分站', subdomain: 'shop1' },
    });
    expect(applied.status).toBe(201);
    expect(applied.body).toEqual({ id: expect.any(String) });
    // before the approval shop1.kameng.local is the main site
    expect(await priceOn({ host: 'shop1.kameng.local' })).toBe(1000);
    const approved = await call(t.app, 'POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, {
      token: admin,
    });
    expect(approved.status).toBe(200);
    const markups = await call(t.app, 'PUT', '/api/v1/agent/site/markups', {
      token: u.token,
      body: {
        items: [
          { productId: w.shop.productId, markupBps: 1500 },
          { categoryId: w.shop.categoryId, markupCents: 300 },
        ],
      },
    });
    expect(markups.status, JSON.stringify(markups.body)).toBe(200);

    const shop1 = { host: 'shop1.kameng.local' };
    const listed = await call(t.app, 'GET', '/api/v1/products?pageSize=100', { headers: shop1 });
    expect(listed.body.items.find((i: { id: string }) => i.id === w.shop.productId).priceCents).toBe(1150);
    expect(await priceOn(shop1)).toBe(1150);
    expect(await priceOn({})).toBe(1000);
    const before = await call(t.app, 'GET', '/api/v1/agent/balance', { token: u.token });
    expect(before.body).toMatchObject({ availableCents: 0, heldCents: 0 });
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: w.buyer.token,
      body: { items: [{ productId: w.shop.productId, quantity: 2 }], paymentMethod: 'balance' },
      headers: shop1,
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(order.body.amountCents).toBe(2300);
    const after = await call(t.app, 'GET', '/api/v1/agent/balance', { token: u.token });
    expect(after.body).toMatchObject({ availableCents: 0, heldCents: 300 });
    await expectBalanced(t, admin);

    // the operator moves the platform's domain: the 分站 follows it, the old name is nobody's
    await settings({ siteDomain: 'kameng.test' });
    expect(await priceOn({ host: 'shop1.kameng.test' })).toBe(1150);
    expect(await priceOn(shop1)).toBe(1000);
    await settings({ siteDomain: 'kameng.local' });
    expect(await priceOn(shop1)).toBe(1150);
  });

  it('with an opening fee an approved application opens once the fee is paid, by the wallet or a channel', async () => {
    await settings({ openingFeeCents: 5000 });
    try {
      // the wallet: paid at once, the money is the platform's revenue, the site opens
      const u = await registerAndLogin(t.app);
      const sub = uniqueSub('f');
      const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
        token: u.token,
        body: { siteName: '收费分站', subdomain: sub },
      });
      const ok = await call(t.app, 'POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, {
        token: admin,
      });
      expect(ok.body.status).toBe('awaiting_fee');
      const mine = await call(t.app, 'GET', '/api/v1/agent/application', { token: u.token });
      expect(mine.body).toMatchObject({ status: 'awaiting_fee', openingFeeCents: 5000 });
      expect(await priceOn(host(sub))).toBe(1000);
      expect((await call(t.app, 'GET', '/api/v1/agent/site', { token: u.token })).status).toBe(404);

      const pay = (token: string, body: Record<string, unknown>, key?: string) =>
        call(t.app, 'POST', '/api/v1/agent/opening-fee', {
          token,
          body,
          ...(key ? { headers: { 'idempotency-key': key } } : {}),
        });
      const poor = await pay(u.token, { paymentMethod: 'balance' });
      expect(poor.status).toBe(409);
      expect(poor.body.error.code).toBe('INSUFFICIENT_FUNDS');
      expect((await pay(u.token, { paymentMethod: 'balance', amountCents: 1 })).status).toBe(400);
      await topUp(t, u.token, 6000);
      const key = `fee-${sub}`;
      const paid = await pay(u.token, { paymentMethod: 'balance' }, key);
      expect(paid.status, JSON.stringify(paid.body)).toBe(201);
      expect(paid.body.payment).toMatchObject({ status: 'paid', amountCents: 5000 });
      const replay = await pay(u.token, { paymentMethod: 'balance' }, key);
      expect(replay.status).toBe(200);
      expect(replay.body.payment.id).toBe(paid.body.payment.id);
      expect(await balanceCents(t.deps.db, `wallet:${u.userId}`)).toBe(1000);
      expect(await balanceCents(t.deps.db, 'platform:agent_opening_fees')).toBe(5000);
      expect((await call(t.app, 'GET', '/api/v1/agent/application', { token: u.token })).body.status).toBe('approved');
      expect((await call(t.app, 'GET', '/api/v1/agent/site', { token: u.token })).status).toBe(200);
      // paid once: there is nothing more to pay
      expect((await pay(u.token, { paymentMethod: 'balance' })).status).toBe(409);
      expect((await pay(w.stranger.token, { paymentMethod: 'balance' })).status).toBe(404);
      await expectBalanced(t, admin);

      // an operator gives the fee back: the wallet gets it all, the 分站 closes
      await reauthAdmin(t, admin);
      const partial = await call(t.app, 'POST', `/api/v1/admin/payments/${paid.body.payment.id}/refunds`, {
        token: admin,
        body: { amountCents: 100, destination: 'wallet', reason: '部分' },
      });
      expect(partial.status).toBe(422);
      const refund = await call(t.app, 'POST', `/api/v1/admin/payments/${paid.body.payment.id}/refunds`, {
        token: admin,
        body: { amountCents: 5000, destination: 'wallet', reason: '关闭分站' },
      });
      expect(refund.status, JSON.stringify(refund.body)).toBeLessThan(300);
      expect(await balanceCents(t.deps.db, `wallet:${u.userId}`)).toBe(6000);
      expect((await call(t.app, 'GET', '/api/v1/agent/application', { token: u.token })).body.status).toBe('rejected');
      expect(await priceOn(host(sub))).toBe(1000);
      await expectBalanced(t, admin);

      // a channel: the site opens when the channel's notification confirms the payment
      const v = await registerAndLogin(t.app);
      const vSub = uniqueSub('c');
      const vApp = await call(t.app, 'POST', '/api/v1/agent/applications', {
        token: v.token,
        body: { siteName: '渠道分站', subdomain: vSub },
      });
      await call(t.app, 'POST', `/api/v1/admin/agent-applications/${vApp.body.id}/approve`, { token: admin });
      const started = await pay(v.token, { paymentMethod: 'sandbox' });
      expect(started.status).toBe(201);
      expect(started.body.payment.status).toBe('pending');
      expect(
        (await call(t.app, 'POST', `/sandbox/payments/${started.body.payment.id}/complete`, { body: {} })).status,
      ).toBe(200);
      await drainJobs(t);
      expect((await call(t.app, 'GET', '/api/v1/agent/application', { token: v.token })).body.status).toBe('approved');
      expect((await call(t.app, 'GET', `/api/v1/agent/site`, { token: v.token })).body.subdomain).toBe(vSub);
      await expectBalanced(t, admin);

      // rejected after paying: the fee arrives for an application that is no longer waiting and goes back
      const x = await registerAndLogin(t.app);
      const xApp = await call(t.app, 'POST', '/api/v1/agent/applications', {
        token: x.token,
        body: { siteName: '被拒分站', subdomain: uniqueSub('r') },
      });
      await call(t.app, 'POST', `/api/v1/admin/agent-applications/${xApp.body.id}/approve`, { token: admin });
      const xPay = await pay(x.token, { paymentMethod: 'sandbox' });
      const rejected = await call(t.app, 'POST', `/api/v1/admin/agent-applications/${xApp.body.id}/reject`, {
        token: admin,
        body: { reason: '资料不符' },
      });
      expect(rejected.body.status).toBe('rejected');
      const revenue = await balanceCents(t.deps.db, 'platform:agent_opening_fees');
      expect(
        (await call(t.app, 'POST', `/sandbox/payments/${xPay.body.payment.id}/complete`, { body: {} })).status,
      ).toBe(200);
      await drainJobs(t);
      expect((await call(t.app, 'GET', '/api/v1/agent/application', { token: x.token })).body.status).toBe('rejected');
      expect(await balanceCents(t.deps.db, 'platform:agent_opening_fees')).toBe(revenue);
      const refunds = await t.deps.db
        .selectFrom('refunds')
        .select(['amount_cents', 'destination'])
        .where('payment_id', '=', xPay.body.payment.id)
        .execute();
      expect(refunds.map((r) => [Number(r.amount_cents), r.destination])).toEqual([[5000, 'original']]);
      await expectBalanced(t, admin);

      // the operators drop the fee: whoever was still waiting to pay it opens without paying
      const y = await registerAndLogin(t.app);
      const ySub = uniqueSub('y');
      const yApp = await call(t.app, 'POST', '/api/v1/agent/applications', {
        token: y.token,
        body: { siteName: '免费分站', subdomain: ySub },
      });
      await call(t.app, 'POST', `/api/v1/admin/agent-applications/${yApp.body.id}/approve`, { token: admin });
      expect(await priceOn(host(ySub))).toBe(1000);
      await settings({ openingFeeCents: 0 });
      expect((await call(t.app, 'GET', '/api/v1/agent/application', { token: y.token })).body.status).toBe('approved');
      expect((await call(t.app, 'GET', '/api/v1/site', { headers: host(ySub) })).body.agentSite.siteName).toBe(
        '免费分站',
      );
      expect((await pay(y.token, { paymentMethod: 'balance' })).status).toBe(409);
    } finally {
      await settings({ openingFeeCents: 0 });
    }
  });

  it("a case on a 分站 sale freezes the agents' proportion of the disputed item; the rest settles; a refund takes it back", async () => {
    const cheap = await addShopProduct(t, w, 500, 'auto', 10);
    const a = await agent(uniqueSub('d'), [{ categoryId: w.shop.categoryId, markupCents: 200 }]);
    // item A: 1 × 1200 (its key listed first), item B: 2 × 700; 2600 paid, the agent's margin 600
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: w.buyer.token,
      body: {
        items: [
          { productId: w.shop.productId, quantity: 1 },
          { productId: cheap, quantity: 2 },
        ],
        paymentMethod: 'balance',
      },
      headers: host(a.sub),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.amountCents).toBe(2600);
    const seen = await call(t.app, 'GET', `/api/v1/orders/${r.body.id}`, { token: w.buyer.token });
    const keyOfA = (seen.body.cardKeys as string[]).findIndex((k) => k.startsWith('QB-'));
    expect(await balance(a)).toMatchObject({ heldCents: 600, availableCents: 0 });
    const caseId = await openCase(t, w, r.body.id, {
      reason: 'invalid_key',
      message: 'A 无效',
      cardKeyIndexes: [keyOfA],
    });
    await tick(t, w);
    // item A is 1200 of the 2600 held: that proportion of the agent's 600 freezes (276.9 → whole fen)
    const [share] = await holdSharesOf(t.deps.db, r.body.id);
    expect(share).toMatchObject({ agentId: a.userId, amountCents: 600 });
    expect([276, 277]).toContain(share!.frozenCents);
    const frozen = share!.frozenCents;

    // the window passes with the case open: the rest of the agent's margin settles on time
    clock.advance(72 * HOUR + 60_000);
    await tick(t, w);
    expect(await orderStatus(t, w, r.body.id)).toBe('disputed');
    expect(await balance(a)).toMatchObject({ heldCents: frozen, availableCents: 600 - frozen });

    // the arbitrator refunds item A: its 1200, the agent's frozen part with it, goes back to the buyer
    const wallet = await balanceCents(t.deps.db, `wallet:${w.buyer.userId}`);
    const ruled = await rule(t, w, caseId, { action: 'refund', ruling: 'A 退款' });
    expect(ruled.status, JSON.stringify(ruled.body)).toBe(200);
    expect(ruled.body.refundedCents).toBe(1200);
    expect(await balanceCents(t.deps.db, `wallet:${w.buyer.userId}`)).toBe(wallet + 1200);
    expect(await balance(a)).toMatchObject({ heldCents: 0, availableCents: 600 - frozen });
    await tick(t, w);
  });

  it("the cart prices for the Host's 分站, and 查单 finds a guest's 分站 order on it", async () => {
    const a = await agent(uniqueSub('k'), [{ productId: w.shop.productId, markupBps: 1000 }]);
    const other = await openShop(t, { keyCount: 2, priceCents: 700 });
    const b = await registerAndLogin(t.app);
    const put = await call(t.app, 'PUT', '/api/v1/cart/items', {
      token: b.token,
      body: { productId: w.shop.productId, quantity: 3 },
      headers: host(a.sub),
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.items[0]).toMatchObject({ unitPriceCents: 1100, available: true });
    await call(t.app, 'PUT', '/api/v1/cart/items', {
      token: b.token,
      body: { productId: other.productId, quantity: 1 },
    });
    const onSite = await call(t.app, 'GET', '/api/v1/cart', { token: b.token, headers: host(a.sub) });
    const byId = (items: Array<{ productId: string }>, id: string) => items.find((i) => i.productId === id);
    expect(byId(onSite.body.items, w.shop.productId)).toMatchObject({ unitPriceCents: 1100, available: true });
    // he does not sell the other shop's product: not buyable here
    expect(byId(onSite.body.items, other.productId)).toMatchObject({ available: false, unitPriceCents: null });
    const onMain = await call(t.app, 'GET', '/api/v1/cart', { token: b.token });
    expect(byId(onMain.body.items, w.shop.productId)).toMatchObject({ unitPriceCents: 1000 });
    expect(byId(onMain.body.items, other.productId)).toMatchObject({ unitPriceCents: 700, available: true });

    // a guest buys on the 分站 through a channel and finds the order again there with its keys
    const g = await call(t.app, 'POST', '/api/v1/orders', {
      body: {
        items: [{ productId: w.shop.productId, quantity: 1 }],
        paymentMethod: 'sandbox',
        guest: { email: `guest${n}@example.cn`, lookupPassword: 'lookup-pass-1' },
      },
      headers: host(a.sub),
    });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    expect(g.body.amountCents).toBe(1100);
    await call(t.app, 'POST', `/sandbox/payments/${g.body.payment.id}/complete`, { body: {} });
    await drainJobs(t);
    const found = await call(t.app, 'POST', '/api/v1/orders/lookup', {
      body: { orderId: g.body.id, lookupPassword: 'lookup-pass-1' },
      headers: host(a.sub),
    });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({ id: g.body.id, amountCents: 1100, status: 'delivered' });
    expect(found.body.cardKeys).toHaveLength(1);
    const wrong = await call(t.app, 'POST', '/api/v1/orders/lookup', {
      body: { orderId: g.body.id, lookupPassword: 'not-the-pass' },
      headers: host(a.sub),
    });
    expect(wrong.status).toBe(404);
    // a signed-in buyer checks out his cart on the 分站 and finds the order in his list there
    await topUp(t, b.token, 10_000);
    const placed = await call(t.app, 'POST', '/api/v1/orders', {
      token: b.token,
      body: { items: [{ productId: w.shop.productId, quantity: 3 }], paymentMethod: 'balance' },
      headers: host(a.sub),
    });
    expect(placed.body.amountCents).toBe(3300);
    const listed = await call(t.app, 'GET', '/api/v1/orders', { token: b.token, headers: host(a.sub) });
    expect(listed.body.items.map((o: { id: string }) => o.id)).toContain(placed.body.id);
    const shown = await call(t.app, 'GET', `/api/v1/orders/${placed.body.id}`, {
      token: b.token,
      headers: host(a.sub),
    });
    expect(shown.body).toMatchObject({ amountCents: 3300, status: 'delivered' });
    expect(shown.body.cardKeys).toHaveLength(3);
    const mine = await call(t.app, 'GET', '/api/v1/agent/orders', { token: a.token });
    const margins = Object.fromEntries(
      mine.body.items.map((o: { orderId: string; marginCents: number }) => [o.orderId, o.marginCents]),
    );
    expect(margins).toEqual({ [placed.body.id]: 300, [g.body.id]: 100 });
    await expectBalanced(t, admin);
  });

  it('a custom domain answers only once approved; the platform’s or another agent’s domain is refused; no redirects', async () => {
    const a = await agent(uniqueSub('m'), [{ productId: w.shop.productId, markupCents: 50 }]);
    const b = await agent(uniqueSub('o'));
    const ask = (who: { token: string }, domain: string) =>
      call(t.app, 'POST', '/api/v1/agent/site/domain', { token: who.token, body: { domain } });
    const domain = `card${n}.example.cn`;
    const asked = await ask(a, domain);
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body).toMatchObject({ customDomain: domain, customDomainStatus: 'pending' });
    expect(await priceOn({ host: domain })).toBe(1000);

    // not his to take: the platform's domain, a name under it, another agent's domain; nor for a non-agent
    for (const d of ['kameng.local', `${b.sub}.kameng.local`, 'www.kameng.local']) {
      expect((await ask(b, d)).status, d).toBe(422);
    }
    expect((await ask(b, domain)).status).toBe(409);
    expect((await ask(w.stranger, `x${n}.example.cn`)).status).toBe(404);
    expect((await ask(b, 'http://evil.example/')).status).toBe(400);
    // an agent cannot approve his own; another agent's request is not his to decide
    expect(
      (await call(t.app, 'POST', `/api/v1/admin/agent-domains/${asked.body.id}/approve`, { token: a.token })).status,
    ).toBe(403);

    const pending = await call(t.app, 'GET', '/api/v1/admin/agent-domains', { token: admin });
    expect(pending.body.items.map((i: { id: string }) => i.id)).toContain(asked.body.id);
    const approve = await call(t.app, 'POST', `/api/v1/admin/agent-domains/${asked.body.id}/approve`, { token: admin });
    expect(approve.body.customDomainStatus).toBe('approved');
    expect(await priceOn({ host: domain })).toBe(1050);
    expect(await priceOn({ host: `${domain}:443` })).toBe(1050);
    expect(await priceOn({ host: `sub.${domain}` })).toBe(1000);
    expect(
      (await call(t.app, 'POST', `/api/v1/admin/agent-domains/${asked.body.id}/approve`, { token: admin })).status,
    ).toBe(409);

    // a rejected domain never answers
    const bDomain = `other${n}.example.cn`;
    const bAsked = await ask(b, bDomain);
    await call(t.app, 'POST', `/api/v1/admin/agent-domains/${bAsked.body.id}/reject`, { token: admin });
    const site = await call(t.app, 'GET', '/api/v1/site', { headers: { host: bDomain } });
    expect(site.body.agentSite ?? null).toBeNull();
    // and the name is free again for whoever really holds it
    const c = await agent(uniqueSub('h'));
    const cAsked = await ask(c, bDomain);
    expect(cAsked.status).toBe(200);
    expect(cAsked.body).toMatchObject({ customDomain: bDomain, customDomainStatus: 'pending' });

    // the Host only chooses prices and branding: no answer sends the browser elsewhere
    for (const h of [domain, 'evil.example', `${a.sub}.kameng.local`]) {
      for (const path of ['/', '/api/v1/site', '/order-lookup', `/api/v1/products/${w.shop.productId}`]) {
        const r = await call(t.app, 'GET', path, { headers: { host: h } });
        expect(r.status >= 300 && r.status < 400, `${h}${path}`).toBe(false);
        expect(r.headers.location, `${h}${path}`).toBeUndefined();
      }
    }
  });
});
