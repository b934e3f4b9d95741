import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { routeLabel } from '../src/platform/http/metrics-route.ts';
import { defineJob, enqueue, JobWorker } from '../src/platform/jobs/jobs.ts';
import { alipayChannelBody, configureChannel, orderAndCheckout } from './support/channels.ts';
import { call, registerAndLogin } from './support/client.ts';
import { type FakeAlipay, startFakeAlipay } from './support/fake-alipay.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';
import { drainJobs } from './support/jobs.ts';
import { openShop, type Shop, topUp } from './support/trade.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const textOf = (r: { body: unknown }) => (typeof r.body === 'string' ? r.body : JSON.stringify(r.body));

/** The value of one sample of `name` (with exactly these labels) in Prometheus text; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '')
      .split(/,(?=[a-z_]+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    if (have === want) return Number(m[3]);
  }
  return 0;
}

describe(`GET /metrics (${dialectName})`, () => {
  // 12:00 in China on 2026-12-01: the reconciliation below looks at that day
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 4, 0, 0));
  let t: TestApp;
  let shop: Shop;
  let fake: FakeAlipay;
  const scrape = async () => {
    const r = await call(t.app, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    return textOf(r);
  };

  beforeAll(async () => {
    t = await createTestApp({ clock, env: { METRICS_TOKEN: TOKEN } });
    shop = await openShop(t, { keyCount: 6, priceCents: 500 });
    fake = await startFakeAlipay(clock);
    await configureChannel(t, shop.admin, alipayChannelBody(fake, { methods: ['qr'], feeBps: 0 }));
    // the sandbox stays on beside the real channel: top-ups below go through it
    const on = await call(t.app, 'PATCH', '/api/v1/admin/settings', {
      token: shop.admin,
      body: { 'payments.sandboxEnabled': true },
    });
    expect(on.status).toBe(200);
  });
  afterAll(async () => {
    await fake.close();
    await t.close();
  });

  it('is closed without the token and when no token is configured', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-wrong-token', `Basic ${TOKEN}`, TOKEN]) {
      const r = await call(t.app, 'GET', '/metrics', authorization ? { headers: { authorization } } : {});
      expect(r.status, String(authorization)).toBe(401);
      expect(textOf(r)).not.toContain('kameng_');
    }
    const closed = await createTestApp();
    try {
      const r = await call(closed.app, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(r.status).toBe(404);
      expect(textOf(r)).not.toContain('kameng_');
    } finally {
      await closed.close();
    }
  });

  it('counts purchases, payments, HTTP answers, the job queue and low stock as they happen', async () => {
    await call(t.app, 'PATCH', `/api/v1/supplier/products/${shop.productId}`, {
      token: shop.supplier.token,
      body: { lowStockThreshold: 3 },
    });
    const before = await scrape();
    expect(before).toContain('# TYPE kameng_orders_paid_total counter');
    expect(before).toContain('# TYPE kameng_http_requests_total counter');
    const buyer = await registerAndLogin(t.app);
    await topUp(t, buyer.token, 10_000);

    // an order is created: its jobs wait in the queue until a worker runs them
    const order = await call(t.app, 'POST', '/api/v1/orders', {
      token: buyer.token,
      body: { items: [{ productId: shop.productId, quantity: 3 }], paymentMethod: 'balance' },
    });
    expect(order.status).toBe(201);
    const queued = await scrape();
    const sumOf = (text: string, name: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`${name}{`))
        .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
    expect(sumOf(queued, 'kameng_jobs_queued')).toBeGreaterThan(sumOf(before, 'kameng_jobs_queued'));
    clock.advance(5_000);
    expect(sumOf(await scrape(), 'kameng_jobs_oldest_due_age_seconds')).toBeGreaterThanOrEqual(5);
    await drainJobs(t);

    const after = await scrape();
    expect(sample(after, 'kameng_orders_paid_total')).toBe(sample(before, 'kameng_orders_paid_total') + 1);
    expect(sample(after, 'kameng_orders_paid_cents_total')).toBe(
      sample(before, 'kameng_orders_paid_cents_total') + 1500,
    );
    expect(sample(after, 'kameng_payments_paid_total', { provider: 'balance', purpose: 'order' })).toBe(
      sample(before, 'kameng_payments_paid_total', { provider: 'balance', purpose: 'order' }) + 1,
    );
    expect(sample(after, 'kameng_payments_paid_total', { provider: 'sandbox', purpose: 'top_up' })).toBe(
      sample(before, 'kameng_payments_paid_total', { provider: 'sandbox', purpose: 'top_up' }) + 1,
    );
    const route = { method: 'POST', route: '/api/v1/orders', status: '201' };
    expect(sample(after, 'kameng_http_requests_total', route)).toBe(
      sample(before, 'kameng_http_requests_total', route) + 1,
    );
    expect(sample(after, 'kameng_card_keys', { status: 'sold' })).toBe(
      sample(before, 'kameng_card_keys', { status: 'sold' }) + 3,
    );
    // 6 keys, 3 sold: at the threshold of 3
    expect(sample(after, 'kameng_card_keys_low_stock_products')).toBe(
      sample(before, 'kameng_card_keys_low_stock_products') + 1,
    );
    expect(sumOf(after, 'kameng_jobs_queued')).toBeLessThan(sumOf(queued, 'kameng_jobs_queued'));
  });

  it('counts channel notifications accepted and refused, and the latest reconciliation differences', async () => {
    const before = await scrape();
    const buyer = await registerAndLogin(t.app);
    const notify = (body: Record<string, string>) =>
      call(t.app, 'POST', '/api/v1/payments/notify/alipay', {
        raw: new URLSearchParams(body).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const paid = await orderAndCheckout(t, buyer.token, shop.productId, 'alipay', 'qr');
    const good = fake.pay(paid.paymentId);
    expect((await notify(good)).body).toBe('success');
    expect((await notify({ ...good, total_amount: '0.01' })).body).not.toBe('success');
    await drainJobs(t);
    const refused = { provider: 'alipay', result: 'refused', outcome: 'rejected' };
    const accepted = { provider: 'alipay', result: 'accepted', outcome: 'paid' };
    const mid = await scrape();
    expect(sample(mid, 'kameng_payment_notifications_total', accepted)).toBe(
      sample(before, 'kameng_payment_notifications_total', accepted) + 1,
    );
    expect(sample(mid, 'kameng_payment_notifications_total', refused)).toBe(
      sample(before, 'kameng_payment_notifications_total', refused) + 1,
    );

    // the channel has no record of a payment we hold as paid: the day's reconciliation reports it
    fake.trades.delete(paid.paymentId);
    const run = await call(t.app, 'POST', '/api/v1/admin/reconciliation/runs', {
      token: shop.admin,
      body: { day: '2026-12-01', provider: 'alipay' },
    });
    expect(run.status).toBe(202);
    await drainJobs(t);
    const after = await scrape();
    expect(sample(after, 'kameng_reconciliation_differences', { provider: 'alipay', kind: 'missing_theirs' })).toBe(1);
  });

  it('labels requests by route, the hashed assets of every deploy as one', () => {
    expect(routeLabel('/api/v1/products/:id')).toBe('/api/v1/products/:id');
    expect(routeLabel('/assets/index-Ab12Cd34.js')).toBe('/assets/*');
    expect(routeLabel(undefined)).toBe('unmatched');
  });

  it('counts jobs that died, by kind', async () => {
    const failing = defineJob({
      type: 'metrics.always-fails',
      payload: z.object({}),
      maxAttempts: 1,
      handler: async () => {
        throw new Error('upstream refused');
      },
    });
    const dead = { type: 'metrics.always-fails' };
    expect(sample(await scrape(), 'kameng_jobs_dead', dead)).toBe(0);
    await enqueue(t.deps.db, t.deps, failing, {});
    await new JobWorker(t.db.database, t.deps, [failing], { concurrency: 1 }).runOnce({ wait: true });
    expect(sample(await scrape(), 'kameng_jobs_dead', dead)).toBe(1);
  });

  it.runIf(dialectName === 'postgres')('counts queries that waited for a pooled connection', async () => {
    const size = t.config.databasePoolSize;
    const before = sample(await scrape(), 'kameng_db_pool_waits_total');
    // hold every connection, then ask for one more
    const held: Array<() => void> = [];
    const holders = Array.from({ length: size }, () =>
      t.deps.db.connection().execute(
        (c) =>
          new Promise<void>((resolve) => {
            void c
              .selectFrom('jobs')
              .select('id')
              .limit(1)
              .execute()
              .then(() => held.push(resolve));
          }),
      ),
    );
    while (held.length < size) await new Promise((r) => setTimeout(r, 10));
    const waiting = t.deps.db.selectFrom('jobs').select('id').limit(1).execute();
    const text = await (async () => {
      const r = t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      await new Promise((res) => setTimeout(res, 50));
      for (const release of held) release();
      return (await r).body;
    })();
    await Promise.all([...holders, waiting]);
    expect(sample(text, 'kameng_db_pool_waits_total')).toBeGreaterThan(before);
  });
});
