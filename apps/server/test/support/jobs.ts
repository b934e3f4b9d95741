import { JobWorker } from '../../src/platform/jobs/jobs.ts';
import { jobDefinitions } from '../../src/platform/jobs/registry.ts';
import type { TestApp } from './harness.ts';

/** Queues the due recurring jobs, then runs due jobs until none is left (bounded), as the in-process worker would. */
export async function drainJobs(t: TestApp, maxRounds = 50): Promise<number> {
  const worker = new JobWorker(t.db.database, t.deps, jobDefinitions(t.deps), { concurrency: 8 });
  let total = 0;
  await worker.scheduleRecurring();
  for (let i = 0; i < maxRounds; i++) {
    const n = await worker.runOnce({ wait: true });
    total += n;
    if (n === 0) return total;
  }
  throw new Error(`jobs still due after ${maxRounds} rounds`);
}

export async function jobCounts(t: TestApp): Promise<Record<string, number>> {
  const rows = await t.deps.db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
