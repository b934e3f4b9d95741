import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureChannel,
  entryCount,
  notificationOutcomes,
  orderAndCheckout,
  orderStatus,
  paymentRow,
  SITE_URL,
} from './support/channels.ts';
import { call, loginAdmin, reauthAdmin, registerAndLogin } from './support/client.ts';
import { type FakeEpay, startFakeEpay } from './support/fake-epay.ts';
import { postEntry } from '../src/modules/ledger/ledger.service.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { expectBalanced, openShop, type Shop } from './support/trade.ts';

const qs = (p: Record<string, string>) => new URLSearchParams(p).toString();

async function notifyGet(t: TestApp, query: string, ip?: string) {
  return call(t.app, 'GET', `/api/v1/payments/notify/epay?${query}`, ip ? { ip } : {});
}

for (const version of ['v1', 'v2'] as const) {
  describe(`易支付 ${version} (${dialectName})`, () => {
    const clock = new ManualClock(Date.now());
    let t: TestApp;
    let shop: Shop;
    let fake: FakeEpay;
    let buyer: Awaited<ReturnType<typeof registerAndLogin>>;

    const channelBody = () => ({
      provider: 'epay',
      enabled: true,
      environment: 'production',
      methods: ['alipay', 'wxpay'],
      feeBps: 60,
      siteUrl: SITE_URL,
      settings: {
        version,
        pid: fake.pid,
        apiBase: `${fake.server.url}/`,
        ...(version === 'v2' ? { platformPublicKey: fake.platform.publicKey } : {}),
      },
      secrets: version === 'v1' ? { key: fake.key } : { merchantPrivateKey: fake.merchant.privateKey },
    });

    /** An order paid at the gateway (the buyer followed payUrl and paid); the notification is returned unsent. */
    async function paidAtGateway() {
      const o = await orderAndCheckout(t, buyer.token, shop.productId, 'epay', 'alipay');
      expect((await fetch(o.payment.payUrl)).status).toBe(200);
      return { ...o, notification: fake.pay(o.paymentId) };
    }

    beforeAll(async () => {
      t = await createTestApp({ clock });
      shop = await openShop(t, { keyCount: 40, priceCents: 1234 });
      fake = await startFakeEpay({ version, clock });
      buyer = await registerAndLogin(t.app);
    });
    afterAll(async () => {
      await fake.close();
      await t.close();
    });

    it('refuses to enable an incomplete channel, then stores secrets encrypted and shows them masked', async () => {
      const before = await call(t.app, 'POST', '/api/v1/orders', {
        token: buyer.token,
        body: { items: [{ productId: shop.productId, quantity: 1 }], paymentMethod: 'epay' },
      });
      expect(before.status).toBe(422);
      const incomplete = await call(t.app, 'PUT', '/api/v1/admin/payment-channels/epay', {
        token: shop.admin,
        body: { ...channelBody(), secrets: {} },
      });
      expect(incomplete.status).toBe(422);
      expect(incomplete.body.error.details.missing).toContain(
        version === 'v1' ? 'secrets.key' : 'secrets.merchantPrivateKey',
      );
      // changing keys asks for a recent password: an old session cannot swap them
      clock.advance(60 * 60_000);
      const stale = await call(t.app, 'PUT', '/api/v1/admin/payment-channels/epay', {
        token: shop.admin,
        body: channelBody(),
      });
      expect(stale.status).toBe(403);
      expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
      shop.admin = await loginAdmin(t);
      const notAdmin = await call(t.app, 'PUT', '/api/v1/admin/payment-channels/epay', {
        token: buyer.token,
        body: channelBody(),
      });
      expect(notAdmin.status).toBe(403);

      const view = await configureChannel(t, shop.admin, channelBody());
      expect(view).toMatchObject({ provider: 'epay', enabled: true, feeBps: 60, missing: [] });
      expect(view.notifyUrl).toBe(`${SITE_URL}/api/v1/payments/notify/epay`);
      const secret = version === 'v1' ? fake.key : fake.merchant.privateKey;
      const listed = await call(t.app, 'GET', '/api/v1/admin/payment-channels', { token: shop.admin });
      const text = JSON.stringify(listed.body);
      expect(text).not.toContain(secret.slice(0, 40));
      expect(listed.body.items.find((c: any) => c.provider === 'epay').secrets).toMatchObject(
        version === 'v1'
          ? { key: expect.stringMatching(/^••••.{4}$/) }
          : { merchantPrivateKey: expect.stringMatching(/^••••/) },
      );
      const row = await t.deps.db
        .selectFrom('payment_channels')
        .selectAll()
        .where('provider', '=', 'epay')
        .executeTakeFirstOrThrow();
      expect(row.secrets_enc).not.toContain(secret.slice(0, 20));

      const methods = await call(t.app, 'GET', '/api/v1/payments/methods');
      expect(methods.body.methods).toContainEqual({ method: 'epay', scenes: ['alipay', 'wxpay'] });
    });

    it('launches a signed submit URL; the return URL proves nothing; a valid notification pays once, confirmed by a query', async () => {
      const o = await orderAndCheckout(t, buyer.token, shop.productId, 'epay', 'alipay');
      const submit = new URL(o.payment.payUrl);
      expect(submit.pathname).toBe(version === 'v1' ? '/submit.php' : '/api/pay/submit');
      expect(submit.searchParams.get('money')).toBe('12.34');
      expect(submit.searchParams.get('notify_url')).toBe(`${SITE_URL}/api/v1/payments/notify/epay`);
      expect((await fetch(o.payment.payUrl)).status).toBe(200); // the fake checked our signature
      // a scene the operator did not enable is refused
      const qq = await call(t.app, 'POST', `/api/v1/payments/${o.paymentId}/checkout`, {
        token: buyer.token,
        body: { scene: 'qqpay' },
      });
      expect(qq.status).toBe(422);

      const n = fake.pay(o.paymentId);
      // the buyer's browser coming back changes nothing
      expect((await call(t.app, 'GET', `/api/v1/payments/${o.paymentId}`, { token: buyer.token })).body.status).toBe(
        'pending',
      );
      const queriesBefore = fake.server.requests.filter((r) => r.method === 'POST').length;
      const res = await notifyGet(t, qs(n));
      expect(res.status).toBe(200);
      expect(res.body).toBe('success');
      expect(fake.server.requests.filter((r) => r.method === 'POST').length).toBe(queriesBefore + 1);
      const row = await paymentRow(t, o.paymentId);
      expect(row.status).toBe('paid');
      // the 22-digit trade number survives intact, although the gateway's query answer sent it as a bare number
      expect(row.provider_trade_id).toBe(n.trade_no);
      expect(await orderStatus(t, buyer.token, o.orderId)).toBe('delivered'); // the keys are handed over in the paying transaction
      const entries = await entryCount(t, [o.orderId, o.paymentId]);
      expect(entries).toBe(2); // the escrow hold and the channel fee

      // replays (GET again, POST form) change nothing and are acknowledged so the gateway stops
      for (let i = 0; i < 3; i++) expect((await notifyGet(t, qs(n))).body).toBe('success');
      const post = await call(t.app, 'POST', '/api/v1/payments/notify/epay', {
        raw: qs(n),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(post.body).toBe('success');
      expect(await entryCount(t, [o.orderId, o.paymentId])).toBe(2);
      // (the manual clock stands still, so the log is compared as a multiset)
      expect((await notificationOutcomes(t, o.paymentId, 'epay')).map((x) => x.outcome).sort()).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
        'paid',
      ]);
      await drainJobs(t);
      expect(await orderStatus(t, buyer.token, o.orderId)).toBe('delivered');
      // the fee (0.6% of 12.34 = 0.07) is the platform's channel cost
      const fee = await call(t.app, 'GET', '/api/v1/admin/ledger/accounts/platform:channel_fees/postings', {
        token: shop.admin,
      });
      expect(fee.body.account.balanceCents).toBeLessThanOrEqual(-7);
      await expectBalanced(t, shop.admin);
    });

    it('rejects forged, tampered, duplicated, empty, foreign and unconfirmed notifications; nothing changes', async () => {
      const { paymentId, orderId, notification: n } = await paidAtGateway();
      const other = await startFakeEpay({ version, clock, pid: '2002' });
      const resign = (p: Record<string, string>) => fake.sign(p);
      const strip = ({ sign: _s, sign_type: _t, ...rest }: Record<string, string>) => rest;
      const sig = n.sign ?? '';
      const cases: [string, string][] = [
        ['amount changed and re-signed with our key', qs(resign({ ...strip(n), money: '0.01' }))],
        ['another merchant id', qs(resign({ ...strip(n), pid: '2002' }))],
        ['signed by another merchant', qs(other.sign({ ...strip(n) }))],
        [
          'flipped signature byte',
          qs({ ...n, sign: `${sig.slice(0, 5)}${sig[5] === 'a' ? 'b' : 'a'}${sig.slice(6)}` }),
        ],
        ['duplicated money parameter', `${qs(n)}&money=0.01`],
        ['duplicated out_trade_no parameter', `out_trade_no=${paymentId}&${qs(n)}`],
        ['empty trade_no', qs(resign({ ...strip(n), trade_no: '' }))],
        ['no signature', qs(strip(n))],
        ['unknown order', qs(resign({ ...strip(n), out_trade_no: 'pay_doesnotexist' }))],
      ];
      if (version === 'v2') {
        cases.push([
          'stale timestamp',
          qs(resign({ ...strip(n), timestamp: String(Math.floor(clock.now() / 1000) - 301) })),
        ]);
        cases.push([
          'future timestamp',
          qs(resign({ ...strip(n), timestamp: String(Math.floor(clock.now() / 1000) + 301) })),
        ]);
      }
      for (const [name, query] of cases) {
        const res = await notifyGet(t, query);
        expect(res.status, name).toBe(400);
        expect(res.body, name).toBe('fail');
      }
      expect((await paymentRow(t, paymentId)).status).toBe('pending');

      // a correctly signed notification the gateway's own order query does not back (a leaked key)
      fake.denyQueries = true;
      expect((await notifyGet(t, qs(n))).status).toBe(400);
      fake.denyQueries = false;
      // a waiting status is acknowledged but moves nothing
      expect((await notifyGet(t, qs(resign({ ...strip(n), trade_status: 'WAIT_BUYER_PAY' })))).body).toBe('success');
      expect((await paymentRow(t, paymentId)).status).toBe('pending');
      expect(await entryCount(t, [orderId, paymentId])).toBe(0);
      const detail = await call(t.app, 'GET', `/api/v1/admin/payments/${paymentId}`, { token: shop.admin });
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ status: 'pending', method: 'epay', purpose: 'order', orderId });
      expect(detail.body.notifications.map((x: any) => x.detail)).toContain('not confirmed by the order query');
      expect((await call(t.app, 'GET', `/api/v1/admin/payments/${paymentId}`, { token: buyer.token })).status).toBe(
        403,
      );
      const reasons = (await notificationOutcomes(t, null, 'epay')).map((x) => x.detail ?? '');
      for (const r of [
        'duplicate parameter money',
        'bad signature',
        'missing or empty trade_no',
        'not confirmed by the order query',
      ]) {
        expect(
          reasons.some((d) => d.includes(r)),
          r,
        ).toBe(true);
      }

      // the gateway IP allow-list: set, a notification from elsewhere is refused, from the gateway it pays
      await configureChannel(t, shop.admin, { provider: 'epay', settings: { allowedIps: ['203.0.113.7'] } });
      expect((await notifyGet(t, qs(n), '198.51.100.1')).status).toBe(400);
      expect((await notifyGet(t, qs(n), '203.0.113.7')).body).toBe('success');
      expect((await paymentRow(t, paymentId)).status).toBe('paid');
      await configureChannel(t, shop.admin, { provider: 'epay', settings: { allowedIps: [] } });
      await other.close();
      await expectBalanced(t, shop.admin);
    });

    it('a notification for a payment made with another provider settles nothing (cross-channel)', async () => {
      const { paymentId } = await paidAtGateway();
      await t.deps.db.updateTable('payments').set({ provider: 'alipay' }).where('id', '=', paymentId).execute();
      const n = fake.trades.get(paymentId)!;
      const notification = fake.sign({
        pid: fake.pid,
        trade_no: n.tradeNo,
        out_trade_no: paymentId,
        type: 'alipay',
        name: 'x',
        money: n.money,
        trade_status: 'TRADE_SUCCESS',
      });
      expect((await notifyGet(t, qs(notification))).status).toBe(400);
      expect((await paymentRow(t, paymentId)).status).toBe('pending');
      await t.deps.db.updateTable('payments').set({ provider: 'epay' }).where('id', '=', paymentId).execute();
    });

    it('recovers a lost notification by polling after two minutes, and closes what expires unpaid', async () => {
      const lost = await paidAtGateway(); // the notification is never delivered
      const unpaid = await orderAndCheckout(t, buyer.token, shop.productId, 'epay', 'wxpay');
      await drainJobs(t);
      expect((await paymentRow(t, lost.paymentId)).status).toBe('pending');
      clock.advance(2 * 60_000 + 1000);
      await drainJobs(t);
      expect((await paymentRow(t, lost.paymentId)).status).toBe('paid');
      expect((await notificationOutcomes(t, lost.paymentId, 'epay')).map((x) => [x.outcome, x.detail])).toEqual([
        ['paid', 'by query'],
      ]);
      expect(await orderStatus(t, buyer.token, lost.orderId)).toBe('delivered');
      // the unpaid one is asked again with backoff, then closed when the reservation ends
      expect((await paymentRow(t, unpaid.paymentId)).query_attempts).toBeGreaterThan(0);
      clock.advance(16 * 60_000);
      await drainJobs(t);
      expect(await orderStatus(t, buyer.token, unpaid.orderId)).toBe('cancelled');
      clock.advance(60_000);
      await drainJobs(t);
      const closed = await paymentRow(t, unpaid.paymentId);
      expect(closed.status).toBe('closed');
      expect(closed.provider_closed_at).not.toBeNull();
      await expectBalanced(t, shop.admin);
    });

    it('refunds a top-up to the channel with one refund number, however often the answer is lost', async () => {
      const topUp = await call(t.app, 'POST', '/api/v1/wallet/top-ups', {
        token: buyer.token,
        body: { amountCents: 5000, paymentMethod: 'epay' },
      });
      expect(topUp.status).toBe(201);
      const co = await call(t.app, 'POST', `/api/v1/payments/${topUp.body.payment.id}/checkout`, {
        token: buyer.token,
        body: { scene: 'alipay' },
      });
      await fetch(co.body.payUrl);
      expect((await notifyGet(t, qs(fake.pay(topUp.body.payment.id)))).body).toBe('success');
      expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(5000);

      // the admin signed in long ago on this clock: money leaves only after he proves it is him again
      const stale = await call(t.app, 'POST', `/api/v1/admin/payments/${topUp.body.payment.id}/refunds`, {
        token: shop.admin,
        body: { amountCents: 100, reason: 'buyer asked' },
      });
      expect(stale.status).toBe(403);
      expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
      await reauthAdmin(t, shop.admin);
      const tooMuch = await call(t.app, 'POST', `/api/v1/admin/payments/${topUp.body.payment.id}/refunds`, {
        token: shop.admin,
        body: { amountCents: 5001, reason: 'buyer asked' },
      });
      expect(tooMuch.status).toBe(422);
      fake.loseRefundAnswers = 2;
      const r = await call(t.app, 'POST', `/api/v1/admin/payments/${topUp.body.payment.id}/refunds`, {
        token: shop.admin,
        body: { amountCents: 2000, reason: 'buyer asked' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ status: 'pending', amountCents: 2000, destination: 'original' });
      expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(3000);
      for (let i = 0; i < 4; i++) {
        await drainJobs(t);
        clock.advance(10_000);
      }
      const refundCalls = fake.server.requests.filter((q) => (q.query.get('act') ?? q.path).includes('refund'));
      expect(refundCalls.length).toBe(3);
      const numbers = new Set(refundCalls.map((q) => new URLSearchParams(q.body).get('out_refund_no')));
      expect(numbers).toEqual(new Set([r.body.channelRefundNo]));
      expect(fake.refunds.size).toBe(1);
      const listed = await call(t.app, 'GET', '/api/v1/admin/refunds?status=succeeded', { token: shop.admin });
      expect(listed.body.items).toContainEqual(
        expect.objectContaining({ id: r.body.id, attempts: 3, status: 'succeeded' }),
      );

      // two refunds of all that is left at once (a double click), with more in the wallet than the top-up
      // brought: only one gets through, the top-up is never refunded past its amount
      await t.deps.db.transaction().execute((tx) =>
        postEntry(tx, t.deps, {
          id: `test-fund:${buyer.userId}`,
          kind: 'test_funding',
          transfers: [{ from: 'clearing:test', to: `wallet:${buyer.userId}`, amountCents: 10_000 }],
        }),
      );
      const both = await Promise.all(
        [0, 1].map(() =>
          call(t.app, 'POST', `/api/v1/admin/payments/${topUp.body.payment.id}/refunds`, {
            token: shop.admin,
            body: { amountCents: 3000, reason: 'double click' },
          }),
        ),
      );
      expect(both.map((b) => b.status).sort()).toEqual([201, 422]);
      expect((await call(t.app, 'GET', '/api/v1/wallet', { token: buyer.token })).body.balanceCents).toBe(10_000);
      await expectBalanced(t, shop.admin);
    });
  });
}
