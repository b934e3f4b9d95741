import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, pool, until } from '../../../bench/lib/http.ts';
import { addProduct, buyers, openShop, type Shop, walletCents } from '../../../bench/lib/seed.ts';
import { prepareTarget, type RunningServer, startServer, type Target } from '../../../bench/lib/server.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './support/harness.ts';

const BUYERS = 300;
const KEYS = 100;
const PRICE_CENTS = 100;

// Real processes, as deployed: `kameng serve --processes 3` (API only) and `kameng worker --processes 2`,
// sharing nothing but PostgreSQL and Redis. Several processes need both, so on SQLite this is skipped.
describe.skipIf(!(TEST_DATABASE_URL && TEST_REDIS_URL))(
  'scale-out: 3 API processes and 2 worker processes on PostgreSQL + Redis (skipped unless DATABASE_URL and REDIS_URL are set)',
  () => {
    let target: Target;
    let server: RunningServer;
    let api: Api;
    let shop: Shop;

    beforeAll(async () => {
      target = await prepareTarget({
        DATABASE_URL: TEST_DATABASE_URL,
        REDIS_URL: TEST_REDIS_URL,
        BENCH_LOG_LEVEL: 'warn',
      });
      // 5 children × 4 connections: the rest of the suite runs beside this file on the same server
      server = await startServer(target, { processes: 3, workers: 2, env: { DATABASE_POOL_SIZE: '4' } });
      api = new Api(server.url);
      shop = await openShop(api);
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      await target?.cleanup();
    }, 60_000);

    it('runs two primaries with 3 API children and 2 worker children', () => {
      // serve primary + 3 children, worker primary + 2 children
      expect(server.pids()).toHaveLength(7);
    });

    it(`${BUYERS} buyers race for ${KEYS} keys across the processes: ${KEYS} sold, no key twice, losers refused and unharmed, books balanced`, async () => {
      const productId = await addProduct(api, shop, { title: '秒杀 跨进程', keys: KEYS, priceCents: PRICE_CENTS });
      const crowd = await buyers(api, BUYERS, 1000);
      const before = await pool(crowd, 32, (b) => walletCents(api, b.token));
      const results = await Promise.all(
        crowd.map((b) =>
          api.call('POST', '/api/v1/orders', {
            token: b.token,
            body: { items: [{ productId, quantity: 1 }], paymentMethod: 'balance' },
          }),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 201 ? [{ i, id: r.body.id as string }] : []));
      const lost = results.filter((r) => r.status !== 201);
      expect(won).toHaveLength(KEYS);
      expect(lost.every((r) => r.status === 409 && r.body.error.code === 'OUT_OF_STOCK')).toBe(true);

      // delivery runs in the worker processes, woken across processes through Redis
      const keys = await pool(won, 16, (w) =>
        until(`delivery of ${w.id}`, 60_000, async () => {
          const got = await api.call('GET', `/api/v1/orders/${w.id}`, { token: crowd[w.i]!.token, expect: [200] });
          return got.body.status === 'delivered' ? (got.body.cardKeys as string[]) : undefined;
        }),
      );
      const all = keys.flat();
      expect(all).toHaveLength(KEYS);
      expect(new Set(all).size).toBe(KEYS);

      const after = await pool(crowd, 32, (b) => walletCents(api, b.token));
      const winners = new Set(won.map((w) => w.i));
      crowd.forEach((_, i) => {
        expect(after[i]).toBe(before[i]! - (winners.has(i) ? PRICE_CENTS : 0));
      });
      expect((await api.call('GET', `/api/v1/products/${productId}`, { expect: [200] })).body.stock).toBe(0);
      const tb = await api.call('GET', '/api/v1/admin/ledger/trial-balance', { token: shop.admin, expect: [200] });
      expect(tb.body.balanced).toBe(true);
    }, 240_000);

    it('a catalog change made through one process is seen through every process at once (cache invalidated via Redis)', async () => {
      const productId = await addProduct(api, shop, { title: '缓存 跨进程', keys: 2, priceCents: 300 });
      // enough reads that the round-robin cluster has cached the page in every API process
      for (let i = 0; i < 6; i++) expect((await api.call('GET', `/api/v1/products/${productId}`)).status).toBe(200);
      const off = await api.call('PATCH', `/api/v1/supplier/products/${productId}`, {
        token: shop.supplier.token,
        body: { onSale: false },
      });
      expect(off.status).toBe(200);
      for (let i = 0; i < 6; i++) expect((await api.call('GET', `/api/v1/products/${productId}`)).status).toBe(404);
    }, 120_000);
  },
);
