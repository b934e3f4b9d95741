import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceCents } from '../src/modules/ledger/ledger.service.ts';
import { call, enrolTwoFactor, PASSWORD, reauthAdmin, registerAndLogin, type Session } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

const HOUR = 3_600_000;

/** A 分站's money moves once whatever runs at the same time (PostgreSQL runs these truly concurrently). */
describe(`分站 races: settlement against withdrawal and refund (${dialectName})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let buyer: Session;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: 30, priceCents: 1000 });
    buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 50_000);
  });
  afterAll(async () => {
    await t.close();
  });

  async function agent(markupCents: number): Promise<Session & { sub: string }> {
    const sub = `race${++n}x${Date.now() % 100000}`;
    const u = await registerAndLogin(t.app);
    const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
      token: u.token,
      body: { siteName: '并发小店', subdomain: sub },
    });
    await call(t.app, 'POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, { token: shop.admin });
    const m = await call(t.app, 'PUT', '/api/v1/agent/site/markups', {
      token: u.token,
      body: { items: [{ productId: shop.productId, markupCents }] },
    });
    expect(m.status).toBe(200);
    return { ...u, sub };
  }
  const sell = async (a: { sub: string }, quantity: number) => {
    const r = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity }], paymentMethod: 'balance' },
      headers: { host: `${a.sub}.kameng.local` },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; amountCents: number; payment: { id: string } };
  };
  const balance = async (a: { token: string }) =>
    (await call(t.app, 'GET', '/api/v1/agent/balance', { token: a.token })).body as {
      availableCents: number;
      heldCents: number;
      withdrawingCents: number;
    };
  async function soundBook(): Promise<void> {
    const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: shop.admin });
    expect(tb.body.balanced).toBe(true);
    expect(tb.body.negativeAccounts).toEqual([]);
  }

  it("a sale's settlement racing the agent's withdrawals of his available margin: each fen moves once", async () => {
    const a = await agent(250);
    const first = await sell(a, 2); // 500 margin
    await call(t.app, 'POST', `/api/v1/orders/${first.id}/confirm`, { token: buyer.token });
    await drainJobs(t);
    expect(await balance(a)).toMatchObject({ availableCents: 500, heldCents: 0 });
    await sell(a, 1); // 250 more, held until the window ends
    const acct = await call(t.app, 'POST', '/api/v1/agent/payout-accounts', {
      token: a.token,
      body: { kind: 'alipay', holderName: '李四', account: `race${n}@example.cn` },
    });
    expect(acct.status).toBe(201);
    const factor = await enrolTwoFactor(t.app, a.token, t.clock);

    clock.advance(100 * HOUR);
    // a withdrawal asks for a recent password and code
    const reauth = await call(t.app, 'POST', '/api/v1/auth/reauth', {
      token: a.token,
      body: { password: PASSWORD, totp: factor.next() },
    });
    expect(reauth.status, JSON.stringify(reauth.body)).toBe(200);
    const withdraw = () =>
      call(t.app, 'POST', '/api/v1/agent/withdrawals', {
        token: a.token,
        body: { amountCents: 500, payoutAccountId: acct.body.id },
      });
    // three withdrawals of 500 while the second sale's 250 settles: 750 at most, so exactly one withdrawal
    const [w1, w2, , w3] = await Promise.all([withdraw(), withdraw(), drainJobs(t), withdraw()]);
    const tries = [w1!, w2!, w3!];
    expect(
      tries.filter((r) => r.status === 201),
      JSON.stringify(tries.map((r) => r.body)),
    ).toHaveLength(1);
    expect(tries.filter((r) => r.status !== 201).map((r) => r.body.error.code)).toEqual([
      'INSUFFICIENT_FUNDS',
      'INSUFFICIENT_FUNDS',
    ]);
    await drainJobs(t);
    expect(await balance(a)).toEqual({ availableCents: 250, heldCents: 0, withdrawingCents: 500 });
    // the rest, withdrawn while nothing else moves: nothing is left
    const rest = await call(t.app, 'POST', '/api/v1/agent/withdrawals', {
      token: a.token,
      body: { amountCents: 250, payoutAccountId: acct.body.id },
    });
    expect(rest.status).toBe(201);
    expect(await balance(a)).toEqual({ availableCents: 0, heldCents: 0, withdrawingCents: 750 });
    await soundBook();
  });

  it('two wallet payments of one opening fee at once: the site opens once, the other payment comes back', async () => {
    const fee = await call(t.app, 'PUT', '/api/v1/admin/agent-settings', {
      token: shop.admin,
      body: { siteDomain: 'kameng.local', maxDepth: 3, openingFeeCents: 2000 },
    });
    expect(fee.status).toBe(200);
    try {
      const u = await registerAndLogin(t.app);
      await topUp(t, u.token, 3000);
      const applied = await call(t.app, 'POST', '/api/v1/agent/applications', {
        token: u.token,
        body: { siteName: '并发开通', subdomain: `fee${++n}x${Date.now() % 100000}` },
      });
      const ok = await call(t.app, 'POST', `/api/v1/admin/agent-applications/${applied.body.id}/approve`, {
        token: shop.admin,
      });
      expect(ok.body.status).toBe('awaiting_fee');
      const pay = () =>
        call(t.app, 'POST', '/api/v1/agent/opening-fee', { token: u.token, body: { paymentMethod: 'balance' } });
      const results = await Promise.all([pay(), pay(), pay()]);
      // one paid and opened the site; the others waited for it and found nothing left to pay
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status !== 201).map((r) => r.body.error.code)).toEqual([
        'INVALID_STATE',
        'INVALID_STATE',
      ]);
      expect((await call(t.app, 'GET', '/api/v1/agent/application', { token: u.token })).body.status).toBe('approved');
      expect(await balanceCents(t.deps.db, `wallet:${u.userId}`)).toBe(1000);
      await soundBook();
    } finally {
      await call(t.app, 'PUT', '/api/v1/admin/agent-settings', {
        token: shop.admin,
        body: { siteDomain: 'kameng.local', maxDepth: 3, openingFeeCents: 0 },
      });
    }
  });

  it("an operator's refund racing the settlement: the agent's margin is refunded or settled, never both", async () => {
    await drainJobs(t);
    for (let round = 0; round < 3; round++) {
      const a = await agent(300);
      const sale = await sell(a, 1); // 1300: 300 the agent's
      clock.advance(100 * HOUR); // past the window: the settlement job takes it in the race
      await reauthAdmin(t, shop.admin);
      const wallet = await balanceCents(t.deps.db, `wallet:${buyer.userId}`);
      const [refund] = await Promise.all([
        call(t.app, 'POST', `/api/v1/admin/payments/${sale.payment.id}/refunds`, {
          token: shop.admin,
          body: { amountCents: 1300, destination: 'wallet', reason: '并发退款' },
        }),
        drainJobs(t),
      ]);
      await drainJobs(t);
      const after = await balance(a);
      if (refund.status < 300) {
        // refunded before it settled: every share went back, the agent keeps nothing of it
        expect(await balanceCents(t.deps.db, `wallet:${buyer.userId}`)).toBe(wallet + 1300);
        expect(after).toEqual({ availableCents: 0, heldCents: 0, withdrawingCents: 0 });
      } else {
        // settled first: nothing is left in escrow to refund, the margin is his
        expect(refund.status, JSON.stringify(refund.body)).toBeGreaterThanOrEqual(409);
        expect(await balanceCents(t.deps.db, `wallet:${buyer.userId}`)).toBe(wallet);
        expect(after).toEqual({ availableCents: 300, heldCents: 0, withdrawingCents: 0 });
      }
      await soundBook();
    }
  });
});
