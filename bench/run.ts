/**
 * `npm run bench [-- --quick] [--only a,b] [--runs N] [--processes N] [--workers M] [--cpu-prof]`
 *
 * Starts Kameng on a private database (SQLite in a temp dir; PostgreSQL + Redis when DATABASE_URL and
 * REDIS_URL are set, in a fresh database), seeds it through the API, drives each scenario from a separate
 * autocannon process over loopback, and prints medians of the runs with min–max. Results also go to
 * bench/results/<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Api } from './lib/http.ts';
import { prepareTarget, ROOT, startServer } from './lib/server.ts';
import { spread } from './lib/stats.ts';
import {
  type Bench,
  catalog,
  FULL,
  flashSale,
  importScenario,
  mixed,
  prepareBaseline,
  purchase,
  QUICK,
  raw,
  seeds,
  SCENARIOS,
  type ScenarioName,
  type ScenarioResult,
} from './scenarios.ts';
import { agentSite } from './agent-site.ts';
import { evaluateTargets, markdownTable } from './report.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    duration: { type: 'string' },
    processes: { type: 'string', default: '1' },
    workers: { type: 'string', default: '0' },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});

const selected = (values.only ? values.only.split(',') : [...SCENARIOS]).map((s) => s.trim()) as ScenarioName[];
for (const s of selected) {
  if (!SCENARIOS.includes(s)) {
    process.stderr.write(`unknown scenario "${s}"; choose from ${SCENARIOS.join(', ')}\n`);
    process.exit(2);
  }
}
const sizes = { ...(values.quick ? QUICK : FULL) };
if (values.runs) sizes.runs = Math.max(1, Number(values.runs));
if (values.duration) sizes.durationS = Math.max(1, Number(values.duration));
const processes = Math.max(1, Number(values.processes));
const workers = Math.max(0, Number(values.workers));

const started = new Date();
const t0 = performance.now();
const log = (msg: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);

const target = await prepareTarget(process.env);
const profDir = join(ROOT, 'bench/results', `cpu-${started.toISOString().replace(/[:.]/g, '-')}`);
log(
  `Kameng on ${target.dialect}${target.env.REDIS_URL ? ' + Redis' : ''}, ${processes} API process(es), ${workers || 'in-process'} worker(s), data in ${target.dir}`,
);
const server = await startServer(target, {
  processes,
  workers,
  ...(values['cpu-prof'] ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
});
const b: Bench = { api: new Api(server.url), server, target, sizes, log, pool: [] };
const results: ScenarioResult[] = [];
let failed: unknown;
try {
  const order: [ScenarioName, (b: Bench) => Promise<ScenarioResult>][] = [
    ['catalog', catalog],
    ['purchase', purchase],
    ['mixed-1000', mixed],
    ['seeds', seeds],
    ['flash-sale', flashSale],
    ['import', importScenario],
    ['raw', raw],
    ['agent-site', agentSite],
  ];
  for (const [name, fn] of order) {
    if (!selected.includes(name)) continue;
    log(`${name}`);
    results.push(await fn(b));
  }
  if (selected.includes('baseline')) {
    log('baseline: seeding, then stopping the server');
    const runBaseline = await prepareBaseline(b);
    await server.stop();
    results.push(await runBaseline());
  }
} catch (err) {
  failed = err;
} finally {
  await server.stop();
  if (!values.keep) await target.cleanup();
}

const meta = {
  startedAt: started.toISOString(),
  seconds: Math.round((performance.now() - t0) / 1000),
  dialect: target.dialect,
  redis: Boolean(target.env.REDIS_URL),
  processes,
  workers,
  quick: values.quick,
  sizes,
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  loadAverage: (await import('node:os')).loadavg(),
};
const summary = results.map((r) => ({
  ...r,
  summary: {
    throughput: spread(r.runs.map((m) => m.throughput)),
    p50: spread(r.runs.map((m) => m.p50)),
    p95: spread(r.runs.map((m) => m.p95)),
    p99: spread(r.runs.map((m) => m.p99)),
    max: spread(r.runs.map((m) => m.max ?? Number.NaN)),
    errors: spread(r.runs.map((m) => m.errors)),
    peakRssMb: spread(r.runs.map((m) => m.peakRssMb)),
  },
}));
const targets = evaluateTargets(summary, target.dialect);
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const file = join(ROOT, 'bench/results', `${started.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ meta, results: summary, targets }, null, 2)}\n`);
process.stdout.write(markdownTable(meta, summary, targets));
log(`results written to ${file}`);
if (failed) {
  log(`bench aborted: ${(failed as Error).stack ?? failed}`);
  process.exit(1);
}
if (summary.some((r) => r.failures.length > 0)) process.exit(1);
