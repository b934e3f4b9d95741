/**
 * The baseline: the purchase with no HTTP in front of it. Calls the same service functions the API and
 * uses — createOrder (priced, keys reserved, paid from the wallet, escrow booked, keys handed over: one
 * transaction) — from `concurrency` lanes
 * for `durationS`, `runs` times, against the database the server just used (the server is stopped first).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { authenticate } from '../apps/server/src/modules/accounts/accounts.service.ts';
import { createOrder } from '../apps/server/src/modules/orders/orders.service.ts';
import { loadConfig } from '../apps/server/src/platform/config.ts';
import { createRuntime } from '../apps/server/src/platform/deps.ts';
import { MODULES } from '../apps/server/src/modules/index.ts';
import type { AuthContext } from '../apps/server/src/platform/http/auth.ts';
import { Samples } from './lib/stats.ts';

export interface BaselineJob {
  tokens: string[];
  productIds: string[];
  concurrency: number;
  durationS: number;
  runs: number;
}

export interface BaselineRun {
  purchases: number;
  failures: number;
  durationS: number;
  perS: number;
  /** CPU seconds this process used during the run */
  cpuS: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  peakRssMb: number;
}

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BaselineJob;
const runtime = createRuntime(loadConfig(process.env), MODULES);
const { deps } = runtime;
const auths: AuthContext[] = [];
for (const token of job.tokens) {
  const a = await authenticate(deps, token, 'bearer', '127.0.0.1');
  if (!a) throw new Error('a seeded buyer session is not valid');
  auths.push(a);
}

const runs: BaselineRun[] = [];
let next = 0;
let firstError: string | undefined;
for (let r = 0; r < job.runs; r++) {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // the peak then counts from process start
  }
  const latency = new Samples();
  let purchases = 0;
  let failures = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + job.durationS * 1000;
  const lane = async () => {
    while (performance.now() < end) {
      const auth = auths[next++ % auths.length]!;
      const productId = job.productIds[next % job.productIds.length]!;
      const s = performance.now();
      try {
        const { order } = await createOrder(
          deps,
          auth,
          { items: [{ productId, quantity: 1 }], paymentMethod: 'balance' },
          undefined,
          '127.0.0.1',
        );
        if (order.status !== 'delivered') throw new Error(`order ${order.id} is ${order.status}, not delivered`);
        purchases++;
        latency.add(performance.now() - s);
      } catch (err) {
        failures++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  const durationS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  runs.push({
    purchases,
    failures,
    durationS,
    perS: purchases / durationS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    latency: latency.summary(),
    peakRssMb: peakRssMb(),
  });
}
await runtime.close();
process.stdout.write(`${JSON.stringify({ runs, firstError })}\n`);
