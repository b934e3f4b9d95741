import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEntry } from '../src/modules/ledger/ledger.service.ts';
import { JobWorker } from '../src/platform/jobs/jobs.ts';
import { jobDefinitions } from '../src/platform/jobs/registry.ts';
import { call, registerAndLogin } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { rng } from './support/seeded-random.ts';
import { expectNoOrderPaidTwice, openShop, type Shop } from './support/trade.ts';

const SEED = Number(process.env.SIM_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.SIM_STEPS ?? 120);

describe(`seeded trade simulation (${dialectName}, seed ${SEED})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  const KEYS = 40;
  beforeAll(async () => {
    process.stdout.write(`trade simulation seed ${SEED} (replay with SIM_SEED=${SEED})\n`);
    t = await createTestApp({ clock, env: { KAMENG_SANDBOX: 'on' } });
    shop = await openShop(t, { keyCount: KEYS, priceCents: 700 });
  });
  afterAll(async () => {
    await t.close();
  });

  /** PROMISES 5, 13, 14, 19, checked straight against the tables. */
  async function checkInvariants(step: number, what: string) {
    const where = `seed ${SEED}, step ${step} (${what})`;
    const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: shop.admin });
    expect(tb.body.balanced, where).toBe(true);
    const negative = await t.deps.db
      .selectFrom('ledger_accounts')
      .select(['id', 'balance_cents'])
      .where('balance_cents', '<', 0)
      .where((eb) => eb.or([eb('id', 'like', 'wallet:%'), eb('id', 'like', 'supplier_%')]))
      .execute();
    expect(negative, where).toEqual([]);
    await expectNoOrderPaidTwice(t, where);
    const holds = await t.deps.db
      .selectFrom('journal_entries')
      .select(['ref_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('kind', '=', 'sale_hold')
      .groupBy('ref_id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(holds, where).toEqual([]);
    // every sold key belongs to exactly one delivered (or completed) order, and counts add up
    const sold = await t.deps.db
      .selectFrom('card_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'sold')
      .executeTakeFirstOrThrow();
    const deliveredQty = await t.deps.db
      .selectFrom('order_items')
      .innerJoin('orders', 'orders.id', 'order_items.order_id')
      .select((eb) => eb.fn.sum<number>('order_items.quantity').as('q'))
      .where('orders.status', 'in', ['delivered', 'completed'])
      .executeTakeFirstOrThrow();
    expect(Number(sold.n), where).toBe(Number(deliveredQty.q ?? 0));
    const all = await t.deps.db
      .selectFrom('card_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(all.n), where).toBe(KEYS);
  }

  it('keeps every promise under duplicated, delayed, dropped, unacknowledged and reordered notifications', async () => {
    const random = rng(SEED);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const buyers: { token: string; userId: string }[] = [];
    const pending: { paymentId: string }[] = [];
    const delivered: { orderId: string; token: string }[] = [];
    const worker = new JobWorker(t.db.database, t.deps, jobDefinitions(t.deps), { concurrency: 4 });
    for (let i = 0; i < 4; i++) {
      const b = await registerAndLogin(t.app);
      await t.deps.db.transaction().execute((tx) =>
        postEntry(tx, t.deps, {
          id: `sim-fund:${b.userId}`,
          kind: 'test_funding',
          transfers: [{ from: 'clearing:test', to: `wallet:${b.userId}`, amountCents: 3000 }],
        }),
      );
      buyers.push(b);
    }
    for (let step = 0; step < STEPS; step++) {
      const r = random();
      let what: string;
      if (r < 0.3) {
        const buyer = pick(buyers);
        const method = random() < 0.4 ? 'balance' : 'sandbox';
        what = `order ${method}`;
        const res = await call(t.app, 'POST', '/api/v1/orders', {
          token: buyer.token,
          body: {
            items: [{ productId: shop.productId, quantity: 1 + Math.floor(random() * 2) }],
            paymentMethod: method,
          },
        });
        expect([201, 409], `seed ${SEED} step ${step}: ${JSON.stringify(res.body)}`).toContain(res.status);
        if (res.status === 201 && method === 'sandbox') pending.push({ paymentId: res.body.payment.id });
        if (res.status === 201 && method === 'balance') delivered.push({ orderId: res.body.id, token: buyer.token });
      } else if (r < 0.55 && pending.length > 0) {
        const p = pending.splice(Math.floor(random() * pending.length), 1)[0]!;
        const behaviour = {
          outcome: random() < 0.9 ? 'success' : 'fail',
          duplicates: Math.floor(random() * 4),
          delayMs: Math.floor(random() * 3) * 60_000,
          dropFirst: Math.floor(random() * 3),
          loseFirstAck: random() < 0.3,
          staleAfter: random() < 0.3,
        };
        what = `sandbox ${JSON.stringify(behaviour)}`;
        const res = await call(t.app, 'POST', `/sandbox/payments/${p.paymentId}/complete`, { body: behaviour });
        expect(res.status, `seed ${SEED} step ${step}`).toBe(200);
      } else if (r < 0.75) {
        what = 'worker batch';
        await worker.runOnce({ wait: true });
      } else if (r < 0.9) {
        const ms = Math.floor(random() * 10 * 60_000);
        what = `clock +${ms} ms`;
        clock.advance(ms);
      } else if (delivered.length > 0) {
        const d = pick(delivered);
        what = `confirm ${d.orderId}`;
        const res = await call(t.app, 'POST', `/api/v1/orders/${d.orderId}/confirm`, { token: d.token });
        expect([200, 409], `seed ${SEED} step ${step}`).toContain(res.status);
      } else {
        what = 'idle';
      }
      await checkInvariants(step, what);
    }
    // let everything settle: retries back off, so move time well past them
    for (let i = 0; i < 12; i++) {
      clock.advance(20 * 60_000);
      await drainJobs(t, 200);
    }
    await checkInvariants(STEPS, 'settled');
    const stuck = await t.deps.db.selectFrom('orders').select(['id', 'status']).where('status', '=', 'paid').execute();
    expect(stuck, `seed ${SEED}: paid orders never delivered`).toEqual([]);
    const outcomes = await t.deps.db
      .selectFrom('orders')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    process.stdout.write(`seed ${SEED} outcomes: ${JSON.stringify(outcomes)}\n`);
    const reached = outcomes
      .filter((o) => ['delivered', 'completed'].includes(o.status))
      .reduce((s, o) => s + Number(o.n), 0);
    expect(reached, `seed ${SEED}: the simulation delivered nothing`).toBeGreaterThan(0);
  }, 120_000);
});
