/**
 * A job worker in its own process, for the crash test in test/jobs.test.ts: it opens the test
 * database, claims one job whose handler never finishes, says so on stdout, and keeps renewing
 * the lease until the test kills it with SIGKILL.
 *
 * Usage: node job-child.ts '{"databaseUrl":…,"dataDir":…,"pgSchema":…,"type":…,"leaseMs":…,"workerId":…}'
 */
import { z } from 'zod';
import { cryptoRandom, systemClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { defineJob, JobWorker } from '../../src/platform/jobs/jobs.ts';

const Args = z.object({
  databaseUrl: z.string().optional(),
  dataDir: z.string(),
  pgSchema: z.string().optional(),
  type: z.string(),
  leaseMs: z.number().int().positive(),
  workerId: z.string(),
});

const args = Args.parse(JSON.parse(process.argv[2] ?? '{}'));
const database = openDatabase({
  databaseUrl: args.databaseUrl,
  dataDir: args.dataDir,
  ...(args.pgSchema ? { pgSchema: args.pgSchema } : {}),
  poolSize: 2,
});

const hang = defineJob({
  type: args.type,
  payload: z.object({}).passthrough(),
  leaseMs: args.leaseMs,
  handler: async (_payload, ctx) => {
    process.stdout.write(`${JSON.stringify({ running: ctx.jobId, attempt: ctx.attempt })}\n`);
    await new Promise<never>(() => {});
  },
});

const worker = new JobWorker(database, { clock: systemClock, random: cryptoRandom }, [hang], {
  id: args.workerId,
  concurrency: 1,
});
const claimed = await worker.runOnce({ wait: false });
if (claimed === 0) {
  process.stdout.write(`${JSON.stringify({ running: null })}\n`);
  await database.close();
  process.exit(2);
}
