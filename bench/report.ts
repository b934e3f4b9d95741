import { type Spread, spread } from './lib/stats.ts';
import type { ScenarioResult } from './scenarios.ts';

export type Summarised = ScenarioResult & {
  summary: Record<'throughput' | 'p50' | 'p95' | 'p99' | 'max' | 'errors' | 'peakRssMb', Spread>;
};

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f1 = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : n.toFixed(0)) : '–');
const range = (s: Spread, f = f0) => (Number.isFinite(s.median) ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : '–');

function extra(r: Summarised, key: string): number[] {
  return r.runs.map((m) => m.extra[key] ?? Number.NaN);
}

/** The issue's targets for these 2 cores, checked against the medians (flash-sale: against every run). */
export function evaluateTargets(results: Summarised[], dialect: 'sqlite' | 'postgres'): TargetCheck[] {
  const by = (n: string) => results.find((r) => r.name === n);
  const out: TargetCheck[] = [];
  const purchase = by('purchase');
  const baseline = by('baseline');
  if (purchase) {
    const want = dialect === 'sqlite' ? 2000 : 1500;
    const s = purchase.summary;
    out.push({
      target: `purchase ≥ ${want}/s`,
      measured: `${f0(s.throughput.median)}/s`,
      met: s.throughput.median >= want,
    });
    out.push({ target: 'purchase p99 ≤ 100 ms', measured: `${f1(s.p99.median)} ms`, met: s.p99.median <= 100 });
    const visible = Math.max(...extra(purchase, 'visibleP99'));
    out.push({
      target: 'delivery visible ≤ 100 ms after payment (p99 POST→keys)',
      measured: `${f1(visible)} ms (worst run)`,
      met: visible <= 100,
    });
  }
  const site = by('agent-site');
  if (site) {
    const pct = extra(site, 'sitePctOfMain').sort((x, y) => x - y);
    const median = pct[Math.floor(pct.length / 2)] ?? Number.NaN;
    out.push({
      target: '分站 purchase within 15% of the main site’s (same run)',
      measured: `${f0(median)}% (${pct.map((p) => f0(p)).join(', ')})`,
      met: Number.isFinite(median) ? median >= 85 : null,
    });
  }
  if (purchase && baseline) {
    const ratio = purchase.summary.throughput.median / baseline.summary.throughput.median;
    out.push({
      target: 'HTTP purchase ≥ 35% of baseline',
      measured: `${(ratio * 100).toFixed(0)}% (${f0(purchase.summary.throughput.median)} / ${f0(baseline.summary.throughput.median)})`,
      met: ratio >= 0.35,
    });
  }
  const raw = by('raw');
  if (raw) {
    const limit = raw.summary.throughput.median;
    for (const r of [purchase, baseline, by('mixed-1000')]) {
      if (!r) continue;
      const perS = r.name === 'mixed-1000' ? spread(extra(r, 'purchasesPerS')).median : r.summary.throughput.median;
      const share = perS / limit;
      out.push({
        target: `${r.name} purchases ≥ 35% of the raw transaction (same run)`,
        measured: `${(share * 100).toFixed(1)}% (${f0(perS)} / ${f0(limit)} per s)`,
        met: r.name === 'mixed-1000' ? null : share >= 0.35,
      });
    }
    const rawDb = spread(extra(raw, 'dbCores')).median;
    const baseDb = baseline ? spread(extra(baseline, 'dbCores')).median : Number.NaN;
    if (baseline && Number.isFinite(rawDb) && Number.isFinite(baseDb)) {
      const per = (cores: number, perS: number) => (cores * 1000) / perS;
      const rawMs = per(rawDb, limit);
      const baseMs = per(baseDb, baseline.summary.throughput.median);
      out.push({
        target: 'PostgreSQL CPU per purchase (baseline) within 2× the raw transaction’s',
        measured: `${f1(baseMs / rawMs)}× (${baseMs.toFixed(2)} / ${rawMs.toFixed(2)} ms)`,
        met: baseMs <= 2 * rawMs,
      });
    }
  }
  const seedsRun = by('seeds');
  if (seedsRun) {
    const worst = Math.max(
      ...['browse', 'search', 'orders', 'order', 'buy', 'login'].map((t) => spread(extra(seedsRun, `${t}P99`)).median),
    );
    out.push({
      target: 'seeds: p99 ≤ 500 ms for every request type',
      measured: `worst type p99 ${f1(worst)} ms`,
      met: worst <= 500,
    });
    const tps = spread(extra(seedsRun, 'tps')).median;
    if (dialect === 'postgres')
      out.push({ target: 'seeds: PostgreSQL ≥ 1,000 transactions/s', measured: `${f0(tps)}/s`, met: tps >= 1000 });
  }
  const mixed = by('mixed-1000');
  if (mixed) {
    const errors = mixed.runs.reduce((s, m) => s + m.errors, 0);
    out.push({
      target: 'mixed-1000 zero errors',
      measured: `${errors} errors over ${mixed.runs.length} runs`,
      met: errors === 0,
    });
    out.push({
      target: 'mixed-1000 p99 ≤ 200 ms',
      measured: `${f1(mixed.summary.p99.median)} ms`,
      met: mixed.summary.p99.median <= 200,
    });
  }
  const catalog = by('catalog');
  if (catalog) {
    out.push({
      target: 'catalog ≥ 20,000 req/s',
      measured: `${f0(catalog.summary.throughput.median)} req/s`,
      met: catalog.summary.throughput.median >= 20_000,
    });
    out.push({
      target: 'catalog p99 ≤ 20 ms',
      measured: `${f1(catalog.summary.p99.median)} ms`,
      met: catalog.summary.p99.median <= 20,
    });
  }
  const flash = by('flash-sale');
  if (flash) {
    out.push({
      target: 'flash-sale correct every run',
      measured: flash.failures.length
        ? flash.failures.join('; ')
        : `${flash.runs.length}/${flash.runs.length} runs correct`,
      met: flash.failures.length === 0,
    });
    const worst = Math.max(...extra(flash, 'soldOutMs'));
    out.push({ target: 'flash-sale sold out ≤ 2 s', measured: `${f0(worst)} ms (worst run)`, met: worst <= 2000 });
  }
  const imp = by('import');
  if (imp) {
    const keys = imp.runs[0]?.extra.imported ?? 0;
    const secs = spread(extra(imp, 'seconds'));
    const per1M = (secs.median * 1_000_000) / (keys || 1);
    out.push({
      target: 'import 1M keys ≤ 60 s',
      measured:
        keys >= 1_000_000
          ? `${f1(secs.median)} s`
          : `${f1(secs.median)} s for ${keys.toLocaleString('en')} keys (≈ ${f0(per1M)} s per 1M, linear guess)`,
      met: keys >= 1_000_000 ? secs.median <= 60 : null,
    });
    out.push({
      target: 'import peak RSS ≤ 300 MB',
      measured: `${f0(imp.summary.peakRssMb.max)} MB (worst run)`,
      met: keys >= 1_000_000 ? imp.summary.peakRssMb.max <= 300 : null,
    });
  }
  return out;
}

export function markdownTable(meta: Record<string, unknown>, results: Summarised[], targets: TargetCheck[]): string {
  const lines = [
    '',
    `## Kameng bench — ${meta.dialect}${meta.redis ? ' + Redis' : ''}, ${meta.processes} API process(es), ${meta.workers || 'in-process'} worker(s)${meta.quick ? ', --quick' : ''}`,
    '',
    `Node ${meta.node}, ${meta.cpus} CPUs (shared with the load generator), load average at the end ${(meta.loadAverage as number[]).map((n) => n.toFixed(1)).join(' ')}. Medians of ${(meta.sizes as { runs: number }).runs} runs, (min–max).`,
    '',
    '| scenario | throughput | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | other |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const s = r.summary;
    const other: string[] = [];
    if (r.name === 'purchase') {
      other.push(`${f0(spread(extra(r, 'requestsPerS')).median)} HTTP req/s`);
      other.push(
        `POST→keys p50 ${f1(spread(extra(r, 'visibleP50')).median)} / p99 ${f1(spread(extra(r, 'visibleP99')).median)} ms`,
      );
    }
    if (r.name === 'mixed-1000') {
      other.push(`${f0(spread(extra(r, 'purchasesPerS')).median)} purchases/s`);
      other.push(`max ${range(s.max, f1)} ms`);
      other.push(`unanswered ${extra(r, 'unanswered').reduce((a, n) => a + (n || 0), 0)} over ${r.runs.length} runs`);
    }
    if (r.name === 'seeds') {
      for (const type of ['browse', 'search', 'orders', 'order', 'buy', 'login']) {
        const n = extra(r, `${type}Count`).reduce((a, x) => a + (x || 0), 0);
        const e = extra(r, `${type}Errors`).reduce((a, x) => a + (x || 0), 0);
        other.push(
          `${type} p50 ${f1(spread(extra(r, `${type}P50`)).median)} / p99 ${f1(spread(extra(r, `${type}P99`)).median)} / max ${f1(spread(extra(r, `${type}Max`)).median)} ms (${n} req, ${e} errors)`,
        );
      }
      const tps = spread(extra(r, 'tps'));
      if (Number.isFinite(tps.median)) other.push(`PostgreSQL ${range(tps)} transactions/s`);
    }
    const loop = spread(extra(r, 'loopP99'));
    if (Number.isFinite(loop.median))
      other.push(
        `event-loop delay p50 ${f1(spread(extra(r, 'loopP50')).median)} / p99 ${f1(loop.median)} / max ${f1(spread(extra(r, 'loopMax')).median)} ms`,
      );
    if (r.name === 'flash-sale') {
      other.push(`sold out in ${range(spread(extra(r, 'soldOutMs')))} ms`);
      other.push(`all delivered by ${range(spread(extra(r, 'deliveredMs')))} ms`);
      const late = extra(r, 'unanswered').reduce((a, n) => a + (n || 0), 0);
      if (late) other.push(`${late} answers timed out at the client (30 s) and were read back from the server`);
      other.push(r.failures.length ? `**FAILED**: ${r.failures.join('; ')}` : 'all checks passed');
    }
    const cores = spread(extra(r, 'serverCores')).median;
    if (Number.isFinite(cores)) {
      const db = spread(extra(r, 'dbCores')).median;
      const perOp = (c: number) => `${f1((c * 1000) / s.throughput.median)} ms/op`;
      other.push(
        `CPU: ${r.name === 'baseline' || r.name === 'raw' ? 'services' : 'server'} ${f1(cores)} cores (${perOp(cores)})${Number.isFinite(db) ? `, PostgreSQL ${f1(db)} cores (${perOp(db)})` : ''}`,
      );
    }
    if (r.name === 'import') other.push(`${range(spread(extra(r, 'seconds')), f1)} s per run`);
    if (r.name === 'baseline' && r.failures.length) other.push(r.failures.join('; '));
    lines.push(
      `| ${r.name} | ${range(s.throughput)} ${r.unit} | ${f1(s.p50.median)} | ${f1(s.p95.median)} | ${range(s.p99, f1)} | ${r.runs.reduce((a, m) => a + m.errors, 0)} | ${range(s.peakRssMb)} | ${other.join('; ')} |`,
    );
  }
  lines.push('', '| target | measured | met |', '|---|---|---|');
  for (const t of targets)
    lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  lines.push('', ...results.map((r) => `- ${r.name}: ${r.notes.join(' ')}`), '');
  return `${lines.join('\n')}\n`;
}
