/**
 * The load generator: runs in its own process (spawned by bench/run.ts) so that its CPU use never hides
 * inside the server's numbers, and talks to Kameng over loopback only. Reads a job from the JSON file
 * named on the command line and prints one JSON result line on stdout.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { Samples } from './lib/stats.ts';

export type LoadJob =
  | { kind: 'catalog'; url: string; connections: number; durationS: number; paths: string[] }
  | {
      kind: 'purchase';
      url: string;
      connections: number;
      durationS: number;
      tokens: string[];
      productIds: string[];
      /** how long a buyer waits between two reads of the order while its keys are not there yet */
      pollMs: number;
      /** the Host header of every request: an agent's 分站 (his prices, his share of each sale) */
      host?: string;
    }
  | {
      kind: 'mixed';
      url: string;
      connections: number;
      durationS: number;
      tokens: string[];
      productIds: string[];
      browsePaths: string[];
    }
  | { kind: 'flash'; url: string; connections: number; tokens: string[]; productId: string }
  | {
      kind: 'seeds';
      url: string;
      durationS: number;
      /** one virtual user per account, each on a connection of its own (as JMeter's threads) */
      users: { token: string; email: string }[];
      password: string;
      productIds: string[];
      browsePaths: string[];
      searchTerms: string[];
      /** think time between two requests of one user, uniform in [min, max] ms */
      thinkMs: [number, number];
    };

export interface LoadResult {
  requests: number;
  durationS: number;
  reqPerS: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  /** socket errors, timeouts, requests unanswered at the end and responses with a status the scenario does not expect */
  errors: number;
  statuses: Record<string, number>;
  /** purchase: orders whose keys were read back; mixed: orders placed */
  completed?: number;
  /** purchase: POST → keys visible, ms */
  visible?: { p50: number; p95: number; p99: number; max: number };
  undelivered?: number;
  /** autocannon: requests still unanswered STUCK_MS after the run ended (their wait counts as their latency) */
  unanswered?: number;
  /** seeds: latency per request type */
  byType?: Record<string, { count: number; errors: number; p50: number; p95: number; p99: number; max: number }>;
  /** flash: one entry per buyer index */
  outcomes?: { i: number; status: number; orderId?: string; code?: string; atMs: number }[];
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadJob;
const latency = new Samples();
const statuses: Record<string, number> = {};
let unexpected = 0;
let completed = 0;
let undelivered = 0;
const visible = new Samples();
const outcomes: NonNullable<LoadResult['outcomes']> = [];
let next = 0;
let t0 = 0;

type Ctx = Record<string, unknown> & { token?: string; orderId?: string; failed?: boolean; done?: boolean; t?: number };
type Req = { method?: string; path?: string; headers?: Record<string, string>; body?: string };

const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

function orderBody(productId: string): string {
  return JSON.stringify({ items: [{ productId, quantity: 1 }], paymentMethod: 'balance' });
}

function requestsFor(j: Exclude<LoadJob, { kind: 'purchase' | 'seeds' }>): autocannon.Request[] {
  switch (j.kind) {
    case 'catalog':
      return [
        {
          method: 'GET',
          setupRequest: (req: Req) => ({ ...req, path: pick(j.paths) }),
        } as autocannon.Request,
      ];
    case 'mixed':
      // each request is drawn afresh: 80% browsing, 15% a buyer's order list, 5% a purchase
      return [
        {
          method: 'GET',
          setupRequest: (req: Req, ctx: Ctx) => {
            const roll = Math.random();
            const token = j.tokens[next++ % j.tokens.length]!;
            if (roll < 0.8) return { ...req, method: 'GET', path: pick(j.browsePaths), headers: {}, body: undefined };
            if (roll < 0.95)
              return {
                ...req,
                method: 'GET',
                path: '/api/v1/orders?pageSize=10',
                headers: bearer(token),
                body: undefined,
              };
            ctx.buy = true;
            return {
              ...req,
              method: 'POST',
              path: '/api/v1/orders',
              headers: json(token),
              body: orderBody(pick(j.productIds)),
            };
          },
          onResponse: (status: number, _body: string, ctx: Ctx) => {
            if (ctx.buy && status === 201) completed++;
          },
        } as autocannon.Request,
      ];
    case 'flash':
      return [
        {
          method: 'POST',
          setupRequest: (req: Req, ctx: Ctx) => {
            const i = next++;
            ctx.i = i;
            return { ...req, path: '/api/v1/orders', headers: json(j.tokens[i]!), body: orderBody(j.productId) };
          },
          onResponse: (status: number, body: string, ctx: Ctx) => {
            const parsed = body ? (JSON.parse(body) as { id?: string; error?: { code: string } }) : {};
            outcomes.push({
              i: ctx.i as number,
              status,
              ...(parsed.id ? { orderId: parsed.id } : {}),
              ...(parsed.error ? { code: parsed.error.code } : {}),
              atMs: performance.now() - t0,
            });
          },
        } as autocannon.Request,
      ];
  }
}

function expected(status: number): boolean {
  if (job.kind === 'flash') return status === 201 || status === 409;
  return status >= 200 && status < 300;
}

/**
 * The purchase loop cannot be a fixed request sequence: each buyer waits for its keys, reading the order
 * every `pollMs` as a browser would, so it runs as closed-loop virtual users over an undici pool, one
 * connection per user. Every loop is bounded by the duration, every wait by 10 s.
 */
async function purchaseLoad(j: Extract<LoadJob, { kind: 'purchase' }>): Promise<LoadResult> {
  const http = new Pool(j.url, { connections: j.connections, pipelining: 1 });
  let errors = 0;
  const end = performance.now() + j.durationS * 1000;
  const timed = async (opts: Parameters<Pool['request']>[0]) => {
    const s = performance.now();
    try {
      const r = await http.request({ ...opts, headersTimeout: 30_000, bodyTimeout: 30_000 });
      const body = await r.body.text();
      latency.add(performance.now() - s);
      statuses[r.statusCode] = (statuses[r.statusCode] ?? 0) + 1;
      if (r.statusCode >= 300) unexpected++;
      return { status: r.statusCode, body };
    } catch {
      errors++;
      return { status: 0, body: '' };
    }
  };
  const onHost = (h: Record<string, string>) => (j.host ? { ...h, host: j.host } : h);
  const user = async () => {
    while (performance.now() < end) {
      const token = j.tokens[next++ % j.tokens.length]!;
      const t = performance.now();
      const created = await timed({
        method: 'POST',
        path: '/api/v1/orders',
        headers: onHost(json(token)),
        body: orderBody(pick(j.productIds)),
      });
      if (created.status !== 201) continue;
      const id = (JSON.parse(created.body) as { id: string }).id;
      for (const deadline = t + 10_000; ; ) {
        const got = await timed({ method: 'GET', path: `/api/v1/orders/${id}`, headers: onHost(bearer(token)) });
        if (got.status === 200 && got.body.includes('"cardKeys":["')) {
          completed++;
          visible.add(performance.now() - t);
          break;
        }
        if (got.status !== 200 || performance.now() > deadline) {
          undelivered++;
          break;
        }
        await new Promise((r) => setTimeout(r, j.pollMs));
      }
    }
  };
  t0 = performance.now();
  await Promise.all(Array.from({ length: j.connections }, user));
  const durationS = (performance.now() - t0) / 1000;
  await http.close();
  return {
    requests: latency.count,
    durationS,
    reqPerS: latency.count / durationS,
    latency: latency.summary(),
    errors: unexpected + errors,
    statuses,
    completed,
    visible: visible.summary(),
    undelivered,
  };
}

/**
 * The seeds' load test, as JMeter would run it: `users` virtual users, each on its own connection, each
 * thinking between requests and choosing what a shopper does next: browse (a listing, a category, a
 * product page; 40%), search (20%), look at its orders (a list, then one; 25%), buy from its wallet (10%)
 * or log in again (5%). Every request's latency is kept per type; an answer other than 2xx is an error.
 */
async function seedsLoad(j: Extract<LoadJob, { kind: 'seeds' }>): Promise<LoadResult> {
  const http = new Pool(j.url, { connections: j.users.length, pipelining: 1 });
  const types = ['browse', 'search', 'orders', 'order', 'buy', 'login'] as const;
  const by = new Map(types.map((t) => [t, { samples: new Samples(), errors: 0 }]));
  let errors = 0;
  const end = performance.now() + j.durationS * 1000;
  const timed = async (type: (typeof types)[number], opts: Parameters<Pool['request']>[0]) => {
    const s = performance.now();
    const slot = by.get(type)!;
    try {
      const r = await http.request({ ...opts, headersTimeout: 30_000, bodyTimeout: 30_000 });
      const body = await r.body.text();
      const ms = performance.now() - s;
      latency.add(ms);
      slot.samples.add(ms);
      statuses[r.statusCode] = (statuses[r.statusCode] ?? 0) + 1;
      if (r.statusCode >= 300) {
        unexpected++;
        slot.errors++;
      }
      return { status: r.statusCode, body };
    } catch {
      errors++;
      slot.errors++;
      return { status: 0, body: '' };
    }
  };
  const think = () => new Promise((r) => setTimeout(r, j.thinkMs[0] + Math.random() * (j.thinkMs[1] - j.thinkMs[0])));
  const user = async (u: { token: string; email: string }) => {
    let token = u.token;
    const orders: string[] = [];
    // users start spread over the first think time, not all in the same millisecond
    await new Promise((r) => setTimeout(r, Math.random() * j.thinkMs[1]));
    while (performance.now() < end) {
      const roll = Math.random();
      if (roll < 0.4) {
        await timed('browse', { method: 'GET', path: pick(j.browsePaths) });
      } else if (roll < 0.6) {
        await timed('search', { method: 'GET', path: `/api/v1/products?q=${encodeURIComponent(pick(j.searchTerms))}` });
      } else if (roll < 0.85) {
        const list = await timed('orders', {
          method: 'GET',
          path: '/api/v1/orders?pageSize=10',
          headers: bearer(token),
        });
        const id = orders.length ? pick(orders) : (/"id":"(ord_[^"]+)"/.exec(list.body)?.[1] ?? null);
        if (id) {
          await think();
          await timed('order', { method: 'GET', path: `/api/v1/orders/${id}`, headers: bearer(token) });
        }
      } else if (roll < 0.95) {
        const r = await timed('buy', {
          method: 'POST',
          path: '/api/v1/orders',
          headers: json(token),
          body: orderBody(pick(j.productIds)),
        });
        if (r.status === 201) {
          completed++;
          orders.push((JSON.parse(r.body) as { id: string }).id);
        }
      } else {
        const r = await timed('login', {
          method: 'POST',
          path: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login: u.email, password: j.password }),
        });
        if (r.status === 200) token = (JSON.parse(r.body) as { token: string }).token;
      }
      await think();
    }
  };
  t0 = performance.now();
  await Promise.all(j.users.map(user));
  const durationS = (performance.now() - t0) / 1000;
  await http.close();
  return {
    requests: latency.count,
    durationS,
    reqPerS: latency.count / durationS,
    latency: latency.summary(),
    errors: unexpected + errors,
    statuses,
    completed,
    byType: Object.fromEntries(
      [...by].map(([t, v]) => [t, { count: v.samples.count, errors: v.errors, ...v.samples.summary() }]),
    ),
  };
}

/**
 * Tracks every request handed to autocannon until its answer (autocannon's own `requests.sent` is not
 * reliable without a rate, and it drops what is in flight when the run ends). Each request of ours starts
 * a fresh context object, so the context identifies the request.
 */
const inflight = new Map<object, number>();
function counted(requests: autocannon.Request[]): autocannon.Request[] {
  return requests.map((r) => {
    const setup = r.setupRequest as (req: Req, ctx: Ctx) => Req | undefined;
    const answered = r.onResponse as ((status: number, body: string, ctx: Ctx) => void) | undefined;
    return {
      ...r,
      setupRequest: (req: Req, ctx: Ctx) => {
        const out = setup(req, ctx);
        if (out) inflight.set(ctx, performance.now());
        return out;
      },
      onResponse: (status: number, body: string, ctx: Ctx) => {
        inflight.delete(ctx);
        answered?.(status, body, ctx);
      },
    } as autocannon.Request;
  });
}

/** A request still unanswered after this long when the run ends is an error, and its wait counts as its latency. */
const STUCK_MS = 1000;

async function autocannonLoad(j: Exclude<LoadJob, { kind: 'purchase' | 'seeds' }>): Promise<LoadResult> {
  let finish!: (r: autocannon.Result) => void;
  let fail!: (err: Error) => void;
  const done = new Promise<autocannon.Result>((res, rej) => {
    finish = res;
    fail = rej;
  });
  const instance = autocannon(
    {
      url: j.url,
      connections: j.connections,
      ...(j.kind === 'flash' ? { amount: j.tokens.length } : { duration: j.durationS }),
      timeout: 30,
      requests: counted(requestsFor(j)),
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  t0 = performance.now();
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    latency.add(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (!expected(status)) unexpected++;
  });

  const result = await done;
  const end = performance.now();
  const durationS = (end - t0) / 1000;
  const answeredCount = latency.count;
  let stuck = 0;
  for (const sentAt of inflight.values()) {
    if (end - sentAt < STUCK_MS) continue;
    stuck++;
    latency.add(end - sentAt);
  }
  const out: LoadResult = {
    requests: answeredCount,
    durationS,
    reqPerS: answeredCount / durationS,
    latency: latency.summary(),
    // socket errors and timeouts (autocannon counts both in `errors`) leave their request unanswered too,
    // so they and the requests stuck at the end overlap: the larger of the two counts
    errors: unexpected + Math.max(result.errors, stuck),
    statuses,
    unanswered: stuck,
    ...(j.kind === 'mixed' ? { completed } : {}),
    ...(j.kind === 'flash' ? { outcomes } : {}),
  };
  return out;
}

const result =
  job.kind === 'purchase'
    ? await purchaseLoad(job)
    : job.kind === 'seeds'
      ? await seedsLoad(job)
      : await autocannonLoad(job);
process.stdout.write(`${JSON.stringify(result)}\n`);
