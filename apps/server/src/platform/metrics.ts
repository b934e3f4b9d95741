import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Executor } from './db/database.ts';

export interface MetricSample {
  labels?: Record<string, string>;
  value: number;
}

/**
 * A metric read at scrape time, usually counted from the database: every serve and worker process shares
 * the database, so whichever process answers the scrape reports the whole deployment (no per-process sums
 * to aggregate). A `counter` must be a count that only grows (rows that entered a state and never leave it).
 */
export interface MetricSource {
  name: `kameng_${string}`;
  help: string;
  type: 'counter' | 'gauge';
  labelNames?: readonly string[];
  read(): Promise<MetricSample[]>;
}

/** The figures a database connection pool gives (PostgreSQL; SQLite has no pool). */
export interface PoolStats {
  size: number;
  idle: number;
  /** clients queued for a connection right now */
  waiting: number;
  /** connections handed out after waiting for one, since the process started */
  waitedTotal: number;
}

export interface AppMetrics {
  /** figures read from the shared database: the same whichever process answers */
  shared: Registry;
  /** this process's own figures (HTTP, its pool): summed over a cluster's children (metrics-cluster.ts) */
  own: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** The registries of one app: the HTTP figures it measures, and the sources it reads at every scrape. */
export function createMetrics(shared: readonly MetricSource[], own: readonly MetricSource[] = []): AppMetrics {
  const registry = new Registry();
  const sharedRegistry = new Registry();
  const requests = new Counter({
    name: 'kameng_http_requests_total',
    help: 'HTTP requests answered by this process, by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kameng_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  for (const s of shared) register(sharedRegistry, s);
  for (const s of own) register(registry, s);
  return {
    shared: sharedRegistry,
    own: registry,
    observe(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
  };
}

function register(registry: Registry, s: MetricSource): void {
  const common = { name: s.name, help: s.help, labelNames: [...(s.labelNames ?? [])], registers: [registry] };
  if (s.type === 'counter') {
    new Counter({
      ...common,
      async collect() {
        const samples = await s.read();
        this.reset();
        for (const x of samples) this.inc(x.labels ?? {}, x.value);
      },
    });
  } else {
    new Gauge({
      ...common,
      async collect() {
        const samples = await s.read();
        this.reset();
        for (const x of samples) this.set(x.labels ?? {}, x.value);
      },
    });
  }
}

/** Rows of `{ label…, n }` as samples; `n` comes back as a string from some drivers. */
export function samples<K extends string>(
  rows: ReadonlyArray<Record<K, unknown> & { n: unknown }>,
  keys: readonly K[],
) {
  return rows.map((r) => ({
    labels: Object.fromEntries(keys.map((k) => [k, String(r[k] ?? '')])),
    value: Number(r.n ?? 0),
  }));
}

/** The job queue: depth, running and dead jobs per kind, and how long the oldest due job has waited. */
export function jobMetrics(db: Executor, now: () => number): MetricSource[] {
  const byStatus = async (status: 'queued' | 'running' | 'dead') =>
    samples(
      await db
        .selectFrom('jobs')
        .select(['type', (eb) => eb.fn.countAll().as('n')])
        .where('status', '=', status)
        .groupBy('type')
        .execute(),
      ['type'],
    );
  return [
    {
      name: 'kameng_jobs_queued',
      help: 'Jobs waiting to run (due or scheduled), by kind',
      type: 'gauge',
      labelNames: ['type'],
      read: () => byStatus('queued'),
    },
    {
      name: 'kameng_jobs_running',
      help: 'Jobs a worker holds right now, by kind',
      type: 'gauge',
      labelNames: ['type'],
      read: () => byStatus('running'),
    },
    {
      name: 'kameng_jobs_dead',
      help: 'Jobs that used up their attempts and wait for an operator, by kind',
      type: 'gauge',
      labelNames: ['type'],
      read: () => byStatus('dead'),
    },
    {
      name: 'kameng_jobs_oldest_due_age_seconds',
      help: 'How long the oldest due job of each kind has waited past its run time',
      type: 'gauge',
      labelNames: ['type'],
      async read() {
        const at = now();
        const rows = await db
          .selectFrom('jobs')
          .select(['type', (eb) => eb.fn.min('run_at').as('oldest')])
          .where('status', '=', 'queued')
          .where('run_at', '<=', at)
          .groupBy('type')
          .execute();
        return rows.map((r) => ({ labels: { type: r.type }, value: Math.max(0, (at - Number(r.oldest)) / 1000) }));
      },
    },
  ];
}

/** The connection pool's figures as metrics (nothing on SQLite). */
export function poolMetrics(stats: (() => PoolStats) | null): MetricSource[] {
  if (!stats) return [];
  const one = (pick: (s: PoolStats) => number) => async () => [{ value: pick(stats()) }];
  return [
    {
      name: 'kameng_db_pool_waiting',
      help: 'Queries of this process queued for a database connection right now',
      type: 'gauge',
      read: one((s) => s.waiting),
    },
    {
      name: 'kameng_db_pool_waits_total',
      help: 'Connections this process got only after waiting for one',
      type: 'counter',
      read: one((s) => s.waitedTotal),
    },
    {
      name: 'kameng_db_pool_connections',
      help: "This process's open database connections",
      type: 'gauge',
      read: one((s) => s.size),
    },
  ];
}

/**
 * How late this process's event loop ran its turns since the previous scrape (p50, p99, max; sampled every
 * 10 ms by libuv's timer): a long turn delays every request this process holds. Reset at each scrape, so
 * a scrape right before and right after a load run gives the run's figures. In a cluster the children's
 * figures are summed like every own metric: read them per process (`--processes 1`) to compare.
 */
export function eventLoopMetrics(): { sources: MetricSource[]; stop(): void } {
  const RESOLUTION_MS = 10;
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  // the histogram records the time between two timer turns, so an idle loop reads as its resolution
  const late = (ns: number) => (Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) / 1000 : 0);
  const sources: MetricSource[] = [
    {
      name: 'kameng_event_loop_delay_seconds',
      help: "How late this process's event loop ran since the previous scrape, by statistic (p50, p99, max)",
      type: 'gauge',
      labelNames: ['stat'],
      async read() {
        const out = [
          { labels: { stat: 'p50' }, value: late(h.percentile(50)) },
          { labels: { stat: 'p99' }, value: late(h.percentile(99)) },
          { labels: { stat: 'max' }, value: late(h.max) },
        ];
        h.reset();
        return out;
      },
    },
  ];
  return { sources, stop: () => h.disable() };
}
