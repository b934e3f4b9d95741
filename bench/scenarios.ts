import type { BaselineRun } from './baseline.ts';
import { runBaseline, runLoad, runRaw } from './lib/children.ts';
import { type Api, pool, until } from './lib/http.ts';
import { coresWhile, settled } from './lib/cpu.ts';
import {
  type Account,
  addProduct,
  PASSWORD,
  buyers,
  importKeys,
  openShop,
  type Shop,
  walletCents,
} from './lib/seed.ts';
import { BENCH_METRICS_TOKEN, type RunningServer, type Target } from './lib/server.ts';

export const SCENARIOS = [
  'catalog',
  'purchase',
  'mixed-1000',
  'seeds',
  'flash-sale',
  'import',
  'raw',
  'baseline',
  'agent-site',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface Sizes {
  runs: number;
  durationS: number;
  catalogConnections: number;
  purchaseConnections: number;
  purchaseBuyers: number;
  purchaseProducts: number;
  keysPerPurchaseProduct: number;
  mixedConnections: number;
  mixedBuyers: number;
  seedsUsers: number;
  flashBuyers: number;
  flashKeys: number;
  importKeys: number;
}

export const FULL: Sizes = {
  runs: 3,
  durationS: 10,
  catalogConnections: 100,
  purchaseConnections: 128,
  purchaseBuyers: 256,
  purchaseProducts: 8,
  keysPerPurchaseProduct: 15_000,
  mixedConnections: 1000,
  mixedBuyers: 1000,
  seedsUsers: 1000,
  flashBuyers: 5000,
  flashKeys: 1000,
  importKeys: 1_000_000,
};

export const QUICK: Sizes = {
  runs: 3,
  durationS: 3,
  catalogConnections: 50,
  purchaseConnections: 64,
  purchaseBuyers: 64,
  purchaseProducts: 4,
  keysPerPurchaseProduct: 5_000,
  mixedConnections: 1000,
  mixedBuyers: 200,
  seedsUsers: 200,
  flashBuyers: 500,
  flashKeys: 100,
  importKeys: 100_000,
};

/** One run's numbers. `throughput` is per second, in the scenario's unit. */
export interface RunMetrics {
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max?: number;
  errors: number;
  peakRssMb: number;
  extra: Record<string, number>;
  statuses?: Record<string, number>;
}

export interface ScenarioResult {
  name: ScenarioName;
  unit: string;
  runs: RunMetrics[];
  /** correctness checks that failed (flash-sale); empty = all passed */
  failures: string[];
  notes: string[];
}

export interface Bench {
  api: Api;
  server: RunningServer;
  target: Target;
  sizes: Sizes;
  log(msg: string): void;
  shop?: Shop;
  pool: Account[];
  purchaseProducts?: string[];
  catalogPaths?: string[];
}

const PRICE_CENTS = 100;
const FUND_CENTS = 5_000_000;

export async function shopOf(b: Bench): Promise<Shop> {
  b.shop ??= await openShop(b.api);
  return b.shop;
}

/** The shared pool of funded buyers, grown on demand. */
export async function buyerPool(b: Bench, n: number): Promise<Account[]> {
  if (b.pool.length < n) {
    const t = performance.now();
    const added = n - b.pool.length;
    b.pool.push(...(await buyers(b.api, added, FUND_CENTS)));
    b.log(`  seeded ${added} more funded buyers (${b.pool.length} in all) in ${ms(t)}`);
  }
  return b.pool.slice(0, n);
}

export async function purchaseProducts(b: Bench): Promise<string[]> {
  if (!b.purchaseProducts) {
    const shop = await shopOf(b);
    const t = performance.now();
    b.purchaseProducts = [];
    for (let i = 0; i < b.sizes.purchaseProducts; i++) {
      b.purchaseProducts.push(
        await addProduct(b.api, shop, {
          title: `压测 Q币 ${i}`,
          keys: b.sizes.keysPerPurchaseProduct,
          priceCents: PRICE_CENTS,
        }),
      );
    }
    b.log(
      `  seeded ${b.sizes.purchaseProducts} products × ${b.sizes.keysPerPurchaseProduct} keys for purchases in ${ms(t)}`,
    );
  }
  return b.purchaseProducts;
}

async function catalogPaths(b: Bench): Promise<string[]> {
  if (!b.catalogPaths) {
    const shop = await shopOf(b);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(await addProduct(b.api, shop, { title: `目录商品 ${i}`, keys: 5, priceCents: 500 + i }));
    b.catalogPaths = [
      '/api/v1/products',
      '/api/v1/products?sort=price_asc',
      `/api/v1/products?categoryId=${shop.categoryId}`,
      '/api/v1/categories',
      ...ids.map((id) => `/api/v1/products/${id}`),
    ];
    // the first reader of each page fills the cache
    for (const p of b.catalogPaths) await b.api.call('GET', p, { expect: [200] });
  }
  return b.catalogPaths;
}

function ms(t: number): string {
  return `${Math.round(performance.now() - t)} ms`;
}

/**
 * The server's event-loop delay since the previous read (`kameng_event_loop_delay_seconds` on /metrics, reset
 * at each scrape), in ms; read once before a run to start its window. Summed over processes when there are several.
 */
async function eventLoopDelay(b: Bench): Promise<Record<string, number>> {
  const r = await b.api.call('GET', '/metrics', { token: BENCH_METRICS_TOKEN });
  if (r.status !== 200 || typeof r.body !== 'string') return {};
  const out: Record<string, number> = {};
  for (const stat of ['p50', 'p99', 'max']) {
    const m = new RegExp(`kameng_event_loop_delay_seconds\\{stat="${stat}"\\} ([0-9.eE+-]+)`).exec(r.body);
    if (m) out[`loop${stat[0]!.toUpperCase()}${stat.slice(1)}`] = Number(m[1]) * 1000;
  }
  return out;
}

export async function repeat(b: Bench, name: string, fn: (run: number) => Promise<RunMetrics>): Promise<RunMetrics[]> {
  const out: RunMetrics[] = [];
  for (let r = 0; r < b.sizes.runs; r++) {
    const waited = await settled(() => b.server.pids());
    if (waited > 1000) b.log(`  waited ${Math.round(waited)} ms for the server to finish the previous run's work`);
    b.server.resetPeakRss();
    await eventLoopDelay(b);
    const {
      result: m,
      serverCores,
      dbCores,
    } = await coresWhile(
      () => b.server.pids(),
      b.target.dialect === 'postgres',
      () => fn(r),
    );
    m.peakRssMb = m.peakRssMb || b.server.peakRssMb();
    m.extra.serverCores = serverCores;
    Object.assign(m.extra, await eventLoopDelay(b));
    if (b.target.dialect === 'postgres') m.extra.dbCores = dbCores;
    b.log(
      `  ${name} run ${r + 1}/${b.sizes.runs}: ${m.throughput.toFixed(0)}/s p99 ${m.p99.toFixed(1)} ms errors ${m.errors}${m.statuses ? ` statuses ${JSON.stringify(m.statuses)}` : ''}`,
    );
    out.push(m);
  }
  return out;
}

export async function catalog(b: Bench): Promise<ScenarioResult> {
  const paths = await catalogPaths(b);
  const runs = await repeat(b, 'catalog', async () => {
    const r = await runLoad(
      {
        kind: 'catalog',
        url: b.server.url,
        connections: b.sizes.catalogConnections,
        durationS: b.sizes.durationS,
        paths,
      },
      b.target.dir,
    );
    return { throughput: r.reqPerS, ...r.latency, errors: r.errors, peakRssMb: 0, extra: { requests: r.requests } };
  });
  return {
    name: 'catalog',
    unit: 'req/s',
    runs,
    failures: [],
    notes: [`${b.sizes.catalogConnections} connections, anonymous listing/category/product pages`],
  };
}

export async function purchase(b: Bench): Promise<ScenarioResult> {
  const productIds = await purchaseProducts(b);
  const tokens = (await buyerPool(b, b.sizes.purchaseBuyers)).map((a) => a.token);
  const runs = await repeat(b, 'purchase', async () => {
    const r = await runLoad(
      {
        kind: 'purchase',
        url: b.server.url,
        connections: b.sizes.purchaseConnections,
        durationS: b.sizes.durationS,
        tokens,
        productIds,
        pollMs: 10,
      },
      b.target.dir,
    );
    return {
      throughput: (r.completed ?? 0) / r.durationS,
      ...r.latency,
      errors: r.errors + (r.undelivered ?? 0),
      peakRssMb: 0,
      extra: {
        requestsPerS: r.reqPerS,
        completed: r.completed ?? 0,
        visibleP50: r.visible?.p50 ?? Number.NaN,
        visibleP99: r.visible?.p99 ?? Number.NaN,
        undelivered: r.undelivered ?? 0,
      },
    };
  });
  return {
    name: 'purchase',
    unit: 'purchases/s',
    runs,
    failures: [],
    notes: [
      `${b.sizes.purchaseConnections} connections; virtual users; a purchase = POST /orders (wallet), then GET /orders/:id every 10 ms until the keys show; latency per HTTP request`,
    ],
  };
}

export async function mixed(b: Bench): Promise<ScenarioResult> {
  const productIds = await purchaseProducts(b);
  const browsePaths = await catalogPaths(b);
  const tokens = (await buyerPool(b, b.sizes.mixedBuyers)).map((a) => a.token);
  const runs = await repeat(b, 'mixed-1000', async () => {
    const r = await runLoad(
      {
        kind: 'mixed',
        url: b.server.url,
        connections: b.sizes.mixedConnections,
        durationS: b.sizes.durationS,
        tokens,
        productIds,
        browsePaths,
      },
      b.target.dir,
    );
    return {
      throughput: r.reqPerS,
      ...r.latency,
      errors: r.errors,
      peakRssMb: 0,
      extra: { purchasesPerS: (r.completed ?? 0) / r.durationS, unanswered: r.unanswered ?? 0 },
      statuses: r.statuses,
    };
  });
  return {
    name: 'mixed-1000',
    unit: 'req/s',
    runs,
    failures: [],
    notes: [
      `${b.sizes.mixedConnections} connections over ${tokens.length} buyers: 80% browsing, 15% order lists, 5% purchases`,
    ],
  };
}

export async function flashSale(b: Bench): Promise<ScenarioResult> {
  const shop = await shopOf(b);
  const crowd = await buyerPool(b, b.sizes.flashBuyers);
  const failures: string[] = [];
  const keys = b.sizes.flashKeys;
  const runs = await repeat(b, 'flash-sale', async (run) => {
    const productId = await addProduct(b.api, shop, { title: `秒杀 ${run}`, keys, priceCents: PRICE_CENTS });
    const before = await pool(crowd, 32, (a) => walletCents(b.api, a.token));
    const r = await runLoad(
      {
        kind: 'flash',
        url: b.server.url,
        connections: Math.min(1000, crowd.length),
        tokens: crowd.map((a) => a.token),
        productId,
      },
      b.target.dir,
    );
    const peakRssMb = b.server.peakRssMb();
    const outcomes = r.outcomes ?? [];
    const fail = (msg: string) => failures.push(`run ${run + 1}: ${msg}`);
    // a request the load generator gave up on (30 s) may still have bought: ask the server what that buyer has
    const answered = new Set(outcomes.map((o) => o.i));
    const unanswered = crowd.flatMap((_, i) => (answered.has(i) ? [] : [i]));
    for (const i of unanswered) {
      const mine = await b.api.call('GET', '/api/v1/orders?pageSize=100', { token: crowd[i]!.token, expect: [200] });
      const order = (mine.body.items as { id: string; items: { productId: string }[] }[]).find(
        (o) => o.items[0]?.productId === productId,
      );
      outcomes.push(
        order ? { i, status: 201, orderId: order.id, atMs: r.durationS * 1000 } : { i, status: 0, atMs: Number.NaN },
      );
    }
    const won = outcomes.filter((o) => o.status === 201);
    const lost = outcomes.filter((o) => o.status !== 201);
    if (won.length !== keys) fail(`${won.length} orders accepted for ${keys} keys`);
    const wrongLosers = lost.filter((o) => !(o.status === 409 && o.code === 'OUT_OF_STOCK'));
    if (wrongLosers.length) fail(`${wrongLosers.length} losers not refused with 409 OUT_OF_STOCK`);
    // with unanswered winners the sell-out time is only known to be within the run
    const soldOutMs = Math.max(0, ...won.map((o) => o.atMs));
    const t = performance.now();
    const delivered = await pool(won, 32, (o) =>
      until(`delivery of ${o.orderId}`, 60_000, async () => {
        const got = await b.api.call('GET', `/api/v1/orders/${o.orderId}`, { token: crowd[o.i]!.token, expect: [200] });
        if (got.body.status === 'refunded') return [] as string[];
        return got.body.status === 'delivered' ? (got.body.cardKeys as string[]) : undefined;
      }),
    );
    const deliveredMs = soldOutMs + (performance.now() - t);
    const allKeys = delivered.flat();
    if (allKeys.length !== keys) fail(`${allKeys.length} keys delivered, expected ${keys}`);
    if (new Set(allKeys).size !== allKeys.length) fail(`${allKeys.length - new Set(allKeys).size} duplicate keys`);
    const after = await pool(crowd, 32, (a) => walletCents(b.api, a.token));
    const winners = new Set(won.map((o) => o.i));
    const wrongWallets = crowd.filter((_, i) => after[i] !== before[i]! - (winners.has(i) ? PRICE_CENTS : 0)).length;
    if (wrongWallets) fail(`${wrongWallets} wallets changed by the wrong amount (losers must keep their money)`);
    const stock = await b.api.call('GET', `/api/v1/products/${productId}`, { expect: [200] });
    if (Number(stock.body.stock) !== 0) fail(`stock shows ${stock.body.stock} after selling out`);
    const tb = await b.api.call('GET', '/api/v1/admin/ledger/trial-balance', { token: shop.admin, expect: [200] });
    if (tb.body.balanced !== true) fail(`trial balance not zero: ${JSON.stringify(tb.body).slice(0, 300)}`);
    return {
      throughput: won.length / (soldOutMs / 1000 || 1),
      ...r.latency,
      errors: r.errors,
      peakRssMb,
      extra: { soldOutMs, deliveredMs, sold: won.length, refused: lost.length, unanswered: unanswered.length },
    };
  });
  return {
    name: 'flash-sale',
    unit: 'orders/s',
    runs,
    failures,
    notes: [
      `${crowd.length} buyers, one POST each, ${Math.min(1000, crowd.length)} connections, for ${keys} keys of one product; checks: exactly ${keys} sold, 0 duplicate keys, every loser 409 with the wallet untouched, stock 0, trial balance zero`,
    ],
  };
}

export async function importScenario(b: Bench): Promise<ScenarioResult> {
  const shop = await shopOf(b);
  const count = b.sizes.importKeys;
  const runs = await repeat(b, 'import', async (run) => {
    const created = await b.api.call('POST', '/api/v1/supplier/products', {
      token: shop.supplier.token,
      body: {
        categoryId: shop.categoryId,
        title: `导入 ${run}`,
        description: '<p>导入测试</p>',
        priceCents: PRICE_CENTS,
        deliveryMode: 'auto',
      },
      expect: [201],
    });
    const id = created.body.id as string;
    const t = performance.now();
    const imported = await importKeys(b.api, shop, id, count);
    await until(`${count} keys in stock`, 600_000, async () => {
      const r = await b.api.call('GET', `/api/v1/supplier/products/${id}`, {
        token: shop.supplier.token,
        expect: [200],
      });
      return Number(r.body.stock) >= count ? true : undefined;
    });
    const seconds = (performance.now() - t) / 1000;
    return {
      throughput: count / seconds,
      p50: Number.NaN,
      p95: Number.NaN,
      p99: Number.NaN,
      errors: imported === count ? 0 : count - imported,
      peakRssMb: b.server.peakRssMb(),
      extra: { seconds, imported },
    };
  });
  return {
    name: 'import',
    unit: 'keys/s',
    runs,
    failures: [],
    notes: [
      `${count.toLocaleString('en')} keys per run in one streamed text/plain upload (202 {jobId}, the import job polled until done); time until the stock shows them all; RSS of the server process(es), which run the job`,
    ],
  };
}

/** Seeds what the baseline needs while the server still runs; returns a function that runs it after the stop. */
export async function prepareBaseline(b: Bench): Promise<() => Promise<ScenarioResult>> {
  const shop = await shopOf(b);
  const productIds: string[] = [];
  for (let i = 0; i < b.sizes.purchaseProducts; i++) {
    productIds.push(
      await addProduct(b.api, shop, {
        title: `基线 ${i}`,
        keys: b.sizes.keysPerPurchaseProduct,
        priceCents: PRICE_CENTS,
      }),
    );
  }
  const tokens = (await buyerPool(b, b.sizes.purchaseBuyers)).map((a) => a.token);
  return async () => {
    const measured = await coresWhile(
      () => [],
      b.target.dialect === 'postgres',
      () =>
        runBaseline(
          {
            tokens,
            productIds,
            concurrency: b.sizes.purchaseConnections,
            durationS: b.sizes.durationS,
            runs: b.sizes.runs,
          },
          b.target.dir,
          b.target.env,
        ),
    );
    const { runs, firstError } = measured.result;
    const metrics = runs.map((r: BaselineRun) => ({
      throughput: r.perS,
      ...r.latency,
      errors: r.failures,
      peakRssMb: r.peakRssMb,
      // the services' own process, and the database over all runs (the child also starts and stops)
      extra: {
        purchases: r.purchases,
        serverCores: r.cpuS / r.durationS,
        ...(b.target.dialect === 'postgres' ? { dbCores: measured.dbCores } : {}),
      },
    }));
    for (const [i, m] of metrics.entries())
      b.log(
        `  baseline run ${i + 1}/${b.sizes.runs}: ${m.throughput.toFixed(0)}/s p99 ${m.p99.toFixed(1)} ms errors ${m.errors}`,
      );
    return {
      name: 'baseline',
      unit: 'purchases/s',
      runs: metrics,
      failures: firstError ? [`first failure: ${firstError}`] : [],
      notes: [
        `createOrder (wallet: paid and delivered in one transaction) called on the service, ${b.sizes.purchaseConnections} concurrent lanes, no HTTP, no job queue; latency per purchase`,
      ],
    };
  };
}

/**
 * The minimal purchase transaction in plain SQL on the same database (bench/raw.ts), with as many products as
 * the purchase scenario and, on PostgreSQL, 50 clients: the figure every purchase is reported against.
 */
export async function raw(b: Bench): Promise<ScenarioResult> {
  const pg = b.target.dialect === 'postgres';
  const keysPerProduct = Math.ceil((b.sizes.runs * b.sizes.durationS * 8000) / b.sizes.purchaseProducts);
  const measured = await coresWhile(
    () => [],
    pg,
    () =>
      runRaw(
        {
          dialect: b.target.dialect,
          ...(pg
            ? { databaseUrl: b.target.env.DATABASE_URL! }
            : { sqliteFile: `${b.target.env.DATA_DIR}/raw-bench.sqlite` }),
          concurrency: 50,
          durationS: b.sizes.durationS,
          runs: b.sizes.runs,
          products: b.sizes.purchaseProducts,
          keysPerProduct,
        },
        b.target.dir,
      ),
  );
  const runs = measured.result.runs.map((r) => ({
    throughput: r.perS,
    ...r.latency,
    errors: r.failures,
    peakRssMb: 0,
    extra: {
      purchases: r.purchases,
      serverCores: r.cpuS / r.durationS,
      ...(pg ? { dbCores: measured.dbCores } : {}),
    },
  }));
  for (const [i, m] of runs.entries())
    b.log(
      `  raw run ${i + 1}/${b.sizes.runs}: ${m.throughput.toFixed(0)}/s p99 ${m.p99.toFixed(1)} ms errors ${m.errors}`,
    );
  return {
    name: 'raw',
    unit: 'purchases/s',
    runs,
    failures: [],
    notes: [
      pg
        ? `the minimal purchase in plain SQL (order row, SKIP LOCKED key, stock counter; named statements) from 50 clients over ${b.sizes.purchaseProducts} products; CPU "services" is the client process`
        : `the minimal purchase in plain SQL (order row, key, stock counter) on a file of its own (WAL, synchronous=FULL), one transaction at a time, ${b.sizes.purchaseProducts} products`,
    ],
  };
}

/** Transactions PostgreSQL committed in the benchmark's database so far (every autocommitted statement is one). */
async function xactCommit(b: Bench): Promise<number> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: b.target.env.DATABASE_URL });
  await c.connect();
  try {
    const r = await c.query('select xact_commit from pg_stat_database where datname = current_database()');
    return Number(r.rows[0].xact_commit);
  } finally {
    await c.end();
  }
}

export const SEEDS_TYPES = ['browse', 'search', 'orders', 'order', 'buy', 'login'] as const;

/**
 * The seeds' own acceptance test, "JMeter with 1000 concurrent users: response time ≤ 500 ms, database TPS ≥
 * 1000": 1,000 virtual users with think time (load.ts `seedsLoad`), percentiles per request type, and on
 * PostgreSQL the transactions committed per second (pg_stat_database.xact_commit over the run).
 */
export async function seeds(b: Bench): Promise<ScenarioResult> {
  const productIds = await purchaseProducts(b);
  const browsePaths = await catalogPaths(b);
  const users = (await buyerPool(b, b.sizes.seedsUsers)).map((a) => ({ token: a.token, email: a.email }));
  const pg = b.target.dialect === 'postgres';
  const runs = await repeat(b, 'seeds', async () => {
    const before = pg ? await xactCommit(b) : 0;
    const t = performance.now();
    const r = await runLoad(
      {
        kind: 'seeds',
        url: b.server.url,
        durationS: b.sizes.durationS,
        users,
        password: PASSWORD,
        productIds,
        browsePaths,
        searchTerms: ['Q币', '目录商品', '商品 1', '压测', '点卡'],
        thinkMs: [500, 1500],
      },
      b.target.dir,
    );
    // backends report their commits to the statistics at most once a second
    if (pg) await new Promise((res) => setTimeout(res, 1500));
    const tps = pg ? ((await xactCommit(b)) - before) / ((performance.now() - t) / 1000 - 1.5) : Number.NaN;
    const extra: Record<string, number> = { purchasesPerS: (r.completed ?? 0) / r.durationS, tps };
    for (const [type, s] of Object.entries(r.byType ?? {})) {
      extra[`${type}Count`] = s.count;
      extra[`${type}Errors`] = s.errors;
      extra[`${type}P50`] = s.p50;
      extra[`${type}P99`] = s.p99;
      extra[`${type}Max`] = s.max;
    }
    return { throughput: r.reqPerS, ...r.latency, errors: r.errors, peakRssMb: 0, extra, statuses: r.statuses };
  });
  return {
    name: 'seeds',
    unit: 'req/s',
    runs,
    failures: [],
    notes: [
      `${users.length} virtual users, one connection each, 0.5–1.5 s think time: browse 40%, search 20%, orders (list, then one) 25%, buy 10%, log in 5%; per type p50/p99/max; PostgreSQL TPS = pg_stat_database.xact_commit over the run`,
    ],
  };
}
