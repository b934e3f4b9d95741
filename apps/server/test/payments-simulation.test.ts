import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alipayChannelBody, configureChannel, wechatChannelBody } from './support/channels.ts';
import { call, registerAndLogin } from './support/client.ts';
import { alipayTime, type FakeAlipay, startFakeAlipay } from './support/fake-alipay.ts';
import { type FakeWechat, startFakeWechat } from './support/fake-wechat.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { rng } from './support/seeded-random.ts';
import { expectNoOrderPaidTwice, openShop, type Shop } from './support/trade.ts';

const SEED = Number(process.env.PAY_SIM_SEED ?? Math.floor(Math.random() * 2 ** 31));
const STEPS = Number(process.env.PAY_SIM_STEPS ?? 80);

type Outbox = { provider: 'alipay' | 'wechat'; paymentId: string; send: () => Promise<{ status: number }> };

describe(`seeded channel simulation: Alipay and WeChat Pay (${dialectName}, seed ${SEED})`, () => {
  const clock = new ManualClock(Date.now());
  let t: TestApp;
  let shop: Shop;
  let alipay: FakeAlipay;
  let wechat: FakeWechat;

  beforeAll(async () => {
    process.stdout.write(`channel simulation seed ${SEED} (replay with PAY_SIM_SEED=${SEED})\n`);
    t = await createTestApp({ clock });
    shop = await openShop(t, { keyCount: 25, priceCents: 600 });
    alipay = await startFakeAlipay(clock);
    wechat = await startFakeWechat(clock);
    await configureChannel(t, shop.admin, alipayChannelBody(alipay, { methods: ['qr', 'page'], feeBps: 55 }));
    await configureChannel(t, shop.admin, wechatChannelBody(wechat, { methods: ['native'] }));
  });
  afterAll(async () => {
    await alipay.close();
    await wechat.close();
    await t.close();
  });

  const paidAtChannel = (provider: string, id: string) =>
    provider === 'alipay'
      ? alipay.trades.get(id)?.status === 'TRADE_SUCCESS'
      : wechat.trades.get(id)?.state === 'SUCCESS';

  const seen = new Map<string, string>();

  /** PROMISES 5, 6, 7, 13 for real channels, straight against the tables and the fakes' books. */
  async function check(step: number, what: string) {
    const where = `seed ${SEED}, step ${step} (${what})`;
    const tb = await call(t.app, 'GET', '/api/v1/admin/ledger/trial-balance', { token: shop.admin });
    expect(tb.body.balanced, where).toBe(true);
    const payments = await t.deps.db
      .selectFrom('payments')
      .select(['id', 'provider', 'status'])
      .where('provider', 'in', ['alipay', 'wechat'])
      .execute();
    for (const p of payments) {
      // only money the channel really took is ever paid here, and paid never goes back
      if (p.status === 'paid')
        expect(paidAtChannel(p.provider, p.id), `${where}: ${p.id} paid without the channel`).toBe(true);
      if (seen.get(p.id) === 'paid') expect(p.status, `${where}: ${p.id} moved back`).toBe('paid');
      seen.set(p.id, p.status);
    }
    await expectNoOrderPaidTwice(t, where);
    const fees = await t.deps.db
      .selectFrom('journal_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', 'channel_fee')
      .executeTakeFirstOrThrow();
    expect(Number(fees.n), `${where}: one channel fee per paid payment`).toBe(
      payments.filter((p) => p.status === 'paid').length,
    );
  }

  it('pays exactly what the channels took, once, under duplicated, stale, reordered, tampered and lost notifications', async () => {
    const random = rng(SEED);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const buyers = await Promise.all([0, 1, 2].map(() => registerAndLogin(t.app)));
    const open: { provider: 'alipay' | 'wechat'; paymentId: string }[] = [];
    const outbox: Outbox[] = [];
    const notifyAlipay = (body: Record<string, string>) =>
      call(t.app, 'POST', '/api/v1/payments/notify/alipay', {
        raw: new URLSearchParams(body).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const notifyWechat = (n: { headers: Record<string, string>; body: string }) =>
      call(t.app, 'POST', '/api/v1/payments/notify/wechat', { raw: n.body, headers: n.headers });

    for (let step = 0; step < STEPS; step++) {
      const r = random();
      let what = 'idle';
      if (r < 0.25) {
        const provider = random() < 0.5 ? 'alipay' : 'wechat';
        const scene = provider === 'wechat' ? 'native' : pick(['qr', 'page']);
        what = `order ${provider} ${scene}`;
        const buyer = pick(buyers);
        const o = await call(t.app, 'POST', '/api/v1/orders', {
          token: buyer.token,
          body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: provider },
        });
        expect([201, 409, 429], `${what}: ${JSON.stringify(o.body)}`).toContain(o.status);
        if (o.status === 201) {
          const c = await call(t.app, 'POST', `/api/v1/payments/${o.body.payment.id}/checkout`, {
            token: buyer.token,
            body: { scene },
          });
          expect(c.status, what).toBe(200);
          if (scene === 'page') await fetch(c.body.payUrl);
          open.push({ provider, paymentId: o.body.payment.id });
        }
      } else if (r < 0.45 && open.length > 0) {
        const o = open.splice(Math.floor(random() * open.length), 1)[0]!;
        what = `buyer pays ${o.provider} ${o.paymentId}`;
        const closed =
          o.provider === 'alipay'
            ? alipay.trades.get(o.paymentId)?.status === 'TRADE_CLOSED'
            : wechat.trades.get(o.paymentId)?.state === 'CLOSED';
        if (!closed) {
          if (o.provider === 'alipay') {
            const n = alipay.pay(o.paymentId);
            outbox.push({ provider: 'alipay', paymentId: o.paymentId, send: () => notifyAlipay(n) });
          } else {
            wechat.pay(o.paymentId);
            const n = wechat.paidNotification(o.paymentId);
            outbox.push({ provider: 'wechat', paymentId: o.paymentId, send: () => notifyWechat(n) });
          }
        }
      } else if (r < 0.65 && outbox.length > 0) {
        const i = Math.floor(random() * outbox.length);
        const n = outbox[i]!;
        const copies = 1 + Math.floor(random() * 3);
        what = `deliver ${n.provider} ${n.paymentId} ×${copies}`;
        const answers = await Promise.all(Array.from({ length: copies }, () => n.send()));
        // a stale copy (older than 300 s) is refused; anything else is acknowledged
        for (const a of answers) expect([200, 204, 400], what).toContain(a.status);
        if (random() < 0.6) outbox.splice(i, 1);
      } else if (r < 0.75 && outbox.length > 0) {
        const n = pick(outbox);
        what = `forge/reorder ${n.provider} ${n.paymentId}`;
        if (n.provider === 'alipay') {
          const trade = alipay.trades.get(n.paymentId)!;
          const base = {
            app_id: alipay.appId,
            seller_id: alipay.sellerId,
            notify_time: alipayTime(clock.now()),
            out_trade_no: n.paymentId,
            trade_no: trade.tradeNo,
            total_amount: trade.totalAmount,
          };
          const stale = alipay.signNotification({ ...base, trade_status: pick(['WAIT_BUYER_PAY', 'TRADE_CLOSED']) });
          expect((await notifyAlipay(stale)).status, what).toBe(200);
          const forged = alipay.signNotification({ ...base, trade_status: 'TRADE_SUCCESS' });
          expect((await notifyAlipay({ ...forged, total_amount: '0.01' })).status, what).toBe(400);
        } else {
          const forged = wechat.paidNotification(n.paymentId, { resource: { amount: { total: 1, currency: 'CNY' } } });
          expect((await notifyWechat(forged)).status, what).toBe(400);
        }
      } else {
        const ms = Math.floor(random() * 6 * 60_000);
        what = `clock +${ms} ms, jobs`;
        clock.advance(ms);
        await drainJobs(t, 200);
      }
      await check(step, what);
    }
    // every notification still in the outbox is lost: polling must find each payment the channels took
    for (let i = 0; i < 8; i++) {
      clock.advance(10 * 60_000);
      await drainJobs(t, 200);
    }
    await check(STEPS, 'settled');
    const ours = await t.deps.db
      .selectFrom('payments')
      .select(['id', 'provider', 'status'])
      .where('provider', 'in', ['alipay', 'wechat'])
      .execute();
    const lost = ours.filter((p) => paidAtChannel(p.provider, p.id) && p.status !== 'paid');
    expect(lost, `seed ${SEED}: money the channels took that Kameng never saw`).toEqual([]);
    const open_ = ours.filter((p) => p.status === 'pending');
    expect(open_, `seed ${SEED}: payments left pending after expiry`).toEqual([]);
    const stuck = await t.deps.db.selectFrom('orders').select(['id']).where('status', '=', 'paid').execute();
    expect(stuck, `seed ${SEED}: paid orders never delivered`).toEqual([]);
    process.stdout.write(
      `seed ${SEED}: ${ours.filter((p) => p.status === 'paid').length} paid, ${ours.filter((p) => p.status === 'closed').length} closed\n`,
    );
  }, 180_000);
});
