import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type Clock, cryptoRandom, type Random, randomInt, systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import type { DB } from '../src/platform/db/schema.ts';
import {
  claimJobs,
  defineJob,
  enqueue,
  type JobContext,
  type JobDefinition,
  JobWorker,
  type WorkerOptions,
} from '../src/platform/jobs/jobs.ts';
import {
  createTestDatabase,
  dialectName,
  ManualClock,
  openSameDatabase,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './support/harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD_SCRIPT = resolve(here, 'support/job-child.ts');
// the child needs type stripping and node:sqlite: Node 24, which npm scripts put first on PATH
const REPO_NODE = resolve(here, '../../../node_modules/.bin/node');
const NODE_BIN = existsSync(REPO_NODE) ? REPO_NODE : process.execPath;

const typesOf = (...defs: JobDefinition<any>[]) => new Map(defs.map((d) => [d.type, d as JobDefinition]));

async function createRunsTable(db: Kysely<DB>): Promise<void> {
  await db.schema
    .createTable('job_test_runs')
    .ifNotExists()
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
}

describe(`jobs (${dialectName})`, () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let deps: { clock: Clock; random: Random };
  const cleanups: Array<() => Promise<unknown> | unknown> = [];

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock();
    deps = { clock, random: cryptoRandom };
  });

  afterEach(async () => {
    // workers stop before their handles close, handles close before the database is dropped
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await t.drop();
  });

  /** A second, independent handle on the same database: another process, as far as the database can tell. */
  function secondHandle(poolSize?: number): Database {
    const other = openSameDatabase(t, poolSize);
    cleanups.push(() => other.close());
    return other;
  }

  function newWorker(
    database: Database,
    defs: JobDefinition<any>[],
    opts: WorkerOptions = {},
    workerDeps: { clock: Clock; random: Random } = deps,
  ): JobWorker {
    const worker = new JobWorker(database, workerDeps, defs as JobDefinition[], opts);
    cleanups.push(() => worker.stop());
    return worker;
  }

  const jobRow = (id: string, database: Database = t.database) =>
    database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();

  const jobCount = async (database: Database = t.database) =>
    Number(
      (
        await database.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('a job enqueued in a transaction that rolls back never exists and never runs', async () => {
    const handler = vi.fn(async (_p: { orderId: string }) => {});
    const def = defineJob({ type: 'test.rollback', payload: z.object({ orderId: z.string() }), handler });
    let id: string | undefined;
    await expect(
      t.database.db.transaction().execute(async (tx) => {
        await tx.insertInto('settings').values({ key: 'test.rollback', value: 'x', updated_at: clock.now() }).execute();
        id = await enqueue(tx, deps, def, { orderId: 'ord_rollback' });
        // visible to the transaction that wrote it, and to nobody else
        expect(await tx.selectFrom('jobs').select('id').where('id', '=', id).executeTakeFirst()).toEqual({ id });
        throw new Error('the change this job follows failed');
      }),
    ).rejects.toThrow('the change this job follows failed');

    expect(id).toMatch(/^job_/);
    const workerA = newWorker(t.database, [def]);
    const workerB = newWorker(secondHandle(), [def]);
    clock.advance(86_400_000);
    expect(await workerA.runOnce()).toBe(0);
    expect(await workerB.runOnce()).toBe(0);
    expect(handler).not.toHaveBeenCalled();
    expect(await jobRow(id!)).toBeUndefined();
    expect(await jobCount()).toBe(0);
    expect(
      await t.database.db.selectFrom('settings').select('key').where('key', '=', 'test.rollback').executeTakeFirst(),
    ).toBeUndefined();
  });

  it('a committed job runs exactly once, with its validated payload, and is marked done', async () => {
    const payload = z.object({ orderId: z.string().startsWith('ord_'), qty: z.number().int().positive() });
    const handler = vi.fn(async (_p: z.infer<typeof payload>, _ctx: JobContext) => {});
    const def = defineJob({ type: 'test.deliver', payload, handler });

    // an invalid payload is refused at enqueue, before anything is written
    await expect(enqueue(t.database.db, deps, def, { orderId: 'nope', qty: 0 })).rejects.toThrow(z.ZodError);
    expect(await jobCount()).toBe(0);

    const id = await t.database.db.transaction().execute(async (tx) => {
      await tx.insertInto('settings').values({ key: 'test.deliver', value: 'x', updated_at: clock.now() }).execute();
      return enqueue(tx, deps, def, { orderId: 'ord_1', qty: 2, extra: 'dropped' } as never);
    });
    const queued = await jobRow(id);
    expect(queued).toMatchObject({ type: 'test.deliver', status: 'queued', attempts: 0, run_at: clock.now() });
    // what is stored is what the schema produced, unknown keys stripped
    expect(JSON.parse(queued!.payload)).toEqual({ orderId: 'ord_1', qty: 2 });

    const worker = newWorker(t.database, [def], { id: 'wrk_one' });
    expect(await worker.runOnce()).toBe(1);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(
      { orderId: 'ord_1', qty: 2 },
      expect.objectContaining({ jobId: id, attempt: 1, signal: expect.any(AbortSignal) }),
    );
    expect(await jobRow(id)).toMatchObject({
      status: 'done',
      attempts: 1,
      locked_by: null,
      locked_until: null,
      last_error: null,
    });

    // done is final: neither this worker nor another picks it up again, now or later
    const other = newWorker(secondHandle(), [def]);
    expect(await worker.runOnce()).toBe(0);
    expect(await other.runOnce()).toBe(0);
    clock.advance(7 * 86_400_000);
    expect(await worker.runOnce()).toBe(0);
    expect(await other.runOnce()).toBe(0);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('a stored payload that no longer matches the schema fails the job instead of reaching the handler', async () => {
    const handler = vi.fn(async (_p: { orderId: string }) => {});
    const def = defineJob({ type: 'test.strict', payload: z.object({ orderId: z.string() }), maxAttempts: 1, handler });
    const id = await enqueue(t.database.db, deps, def, { orderId: 'ord_1' });
    await t.database.db
      .updateTable('jobs')
      .set({ payload: JSON.stringify({ orderId: 42 }) })
      .where('id', '=', id)
      .execute();

    expect(await newWorker(t.database, [def]).runOnce()).toBe(1);
    expect(handler).not.toHaveBeenCalled();
    const row = await jobRow(id);
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row!.last_error).toMatch(/orderId/);
  });

  it('a failing job is retried with growing backoff and is dead after max_attempts, keeping the last error', async () => {
    const attempts: number[] = [];
    const def = defineJob({
      type: 'test.flaky',
      payload: z.object({}),
      maxAttempts: 3,
      handler: async (_p, ctx) => {
        attempts.push(ctx.attempt);
        throw new Error(`provider timeout on attempt ${ctx.attempt}`);
      },
    });
    const id = await enqueue(t.database.db, deps, def, {});
    const worker = newWorker(t.database, [def]);
    const other = newWorker(secondHandle(), [def]);

    for (let attempt = 1; attempt <= 2; attempt++) {
      const failedAt = clock.now();
      expect(await worker.runOnce()).toBe(1);
      const row = (await jobRow(id))!;
      expect(row).toMatchObject({
        status: 'queued',
        attempts: attempt,
        locked_by: null,
        locked_until: null,
        last_error: `provider timeout on attempt ${attempt}`,
      });
      const delay = row.run_at - failedAt;
      // 1 s, 2 s … with jitter in the upper half
      const cap = 1000 * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(cap / 2);
      expect(delay).toBeLessThanOrEqual(cap);

      // not before its time, on either handle
      clock.set(row.run_at - 1);
      expect(await worker.runOnce()).toBe(0);
      expect(await other.runOnce()).toBe(0);
      clock.set(row.run_at);
    }

    expect(await worker.runOnce()).toBe(1);
    const dead = (await jobRow(id))!;
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 3,
      max_attempts: 3,
      locked_by: null,
      locked_until: null,
      last_error: 'provider timeout on attempt 3',
    });
    expect(attempts).toEqual([1, 2, 3]);

    // a dead job stays dead
    clock.advance(30 * 86_400_000);
    expect(await worker.runOnce()).toBe(0);
    expect(await other.runOnce()).toBe(0);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('a job that fails once and then succeeds ends done, its earlier error kept for the record', async () => {
    let calls = 0;
    const def = defineJob({
      type: 'test.second-time-lucky',
      payload: z.object({}),
      handler: async () => {
        if (++calls === 1) throw new Error('first try fails');
      },
    });
    const id = await enqueue(t.database.db, deps, def, {});
    const worker = newWorker(t.database, [def]);
    expect(await worker.runOnce()).toBe(1);
    clock.advance(1000);
    expect(await worker.runOnce()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2, last_error: 'first try fails' });
    expect(calls).toBe(2);
  });

  it('run-at scheduling: a delayed job is not claimed before its time, and is claimed at it', async () => {
    const ran: string[] = [];
    const def = defineJob({
      type: 'test.later',
      payload: z.object({ label: z.string() }),
      handler: async (p) => {
        ran.push(p.label);
      },
    });
    const start = clock.now();
    const delayed = await enqueue(t.database.db, deps, def, { label: 'delayed' }, { delayMs: 60_000 });
    const at = await enqueue(t.database.db, deps, def, { label: 'at' }, { runAt: start + 120_000 });
    expect((await jobRow(delayed))!.run_at).toBe(start + 60_000);
    expect((await jobRow(at))!.run_at).toBe(start + 120_000);

    const worker = newWorker(t.database, [def]);
    const other = newWorker(secondHandle(), [def]);
    expect(await worker.runOnce()).toBe(0);
    clock.set(start + 59_999);
    expect(await worker.runOnce()).toBe(0);
    expect(await other.runOnce()).toBe(0);
    expect(ran).toEqual([]);

    clock.set(start + 60_000);
    expect(await other.runOnce()).toBe(1);
    expect(ran).toEqual(['delayed']);

    clock.set(start + 119_999);
    expect(await worker.runOnce()).toBe(0);
    clock.set(start + 120_000);
    expect(await worker.runOnce()).toBe(1);
    expect(ran).toEqual(['delayed', 'at']);
    expect(await jobRow(at)).toMatchObject({ status: 'done' });
  });

  it('a job claimed by a worker that died is not taken while the lease lives, and is run once it expires', async () => {
    const handler = vi.fn(async (_p: { orderId: string }) => {});
    const def = defineJob({
      type: 'test.lease',
      payload: z.object({ orderId: z.string() }),
      leaseMs: 30_000,
      handler,
    });
    const id = await enqueue(t.database.db, deps, def, { orderId: 'ord_lease' });

    // worker A claims the job and is never heard from again
    const claimedAt = clock.now();
    const claimed = await claimJobs(t.database, clock, 'wrk_dead', typesOf(def), 10);
    expect(claimed).toEqual([
      expect.objectContaining({
        id,
        type: 'test.lease',
        attempts: 1,
        payload: JSON.stringify({ orderId: 'ord_lease' }),
      }),
    ]);
    expect(await jobRow(id)).toMatchObject({
      status: 'running',
      locked_by: 'wrk_dead',
      locked_until: claimedAt + 30_000,
    });

    // worker B, on another connection, leaves it alone while the lease lives
    const b = newWorker(secondHandle(), [def], { id: 'wrk_b' });
    expect(await b.runOnce()).toBe(0);
    expect(await claimJobs(t.database, clock, 'wrk_c', typesOf(def), 10)).toEqual([]);
    clock.set(claimedAt + 30_000);
    expect(await b.runOnce()).toBe(0);
    expect(handler).not.toHaveBeenCalled();

    clock.set(claimedAt + 30_001);
    expect(await b.runOnce()).toBe(1);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith({ orderId: 'ord_lease' }, expect.objectContaining({ jobId: id, attempt: 2 }));
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2, locked_by: null, locked_until: null });
    expect(await b.runOnce()).toBe(0);
  });

  it('a live worker renews the lease of a slow job, so nobody else takes it over', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let started = 0;
    const def = defineJob({
      type: 'test.slow',
      payload: z.object({}),
      // renewed every 100 ms of real time
      leaseMs: 300,
      handler: async () => {
        started++;
        await released;
      },
    });
    const id = await enqueue(t.database.db, deps, def, {});
    const a = newWorker(t.database, [def], { id: 'wrk_slow' });
    const b = newWorker(secondHandle(), [def], { id: 'wrk_b' });

    expect(await a.runOnce({ wait: false })).toBe(1);
    const firstLease = (await jobRow(id))!.locked_until!;
    clock.advance(10_000);
    // the handler is still going, so A pushes the lease out from the new now
    await vi.waitFor(async () => expect((await jobRow(id))!.locked_until).toBeGreaterThanOrEqual(clock.now() + 300), {
      timeout: 5000,
      interval: 20,
    });
    expect(firstLease).toBeLessThan(clock.now());
    expect(await b.runOnce()).toBe(0);

    release();
    await a.stop();
    expect(started).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 1, locked_by: null });
  });

  it('a job whose worker keeps dying is dead after max_attempts instead of being retaken forever', async () => {
    const handler = vi.fn(async () => {});
    const def = defineJob({ type: 'test.poison', payload: z.object({}), maxAttempts: 2, leaseMs: 1000, handler });
    const id = await enqueue(t.database.db, deps, def, {});
    for (let attempt = 1; attempt <= 2; attempt++) {
      const claimed = await claimJobs(t.database, clock, `wrk_dies_${attempt}`, typesOf(def), 1);
      expect(claimed.map((j) => [j.id, j.attempts])).toEqual([[id, attempt]]);
      clock.advance(1001);
    }
    const b = newWorker(t.database, [def]);
    expect(await b.runOnce()).toBe(0);
    expect(handler).not.toHaveBeenCalled();
    const row = (await jobRow(id))!;
    expect(row).toMatchObject({ status: 'dead', attempts: 2, locked_by: null, locked_until: null });
    expect(row.last_error).toMatch(/lease expired/);
  });

  it('stopping a worker aborts the signal its running handlers see, then waits for them', async () => {
    let sawAbort = false;
    const def = defineJob({
      type: 'test.abortable',
      payload: z.object({}),
      handler: async (_p, ctx) => {
        await new Promise<void>((resolve) => {
          if (ctx.signal.aborted) return resolve();
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        sawAbort = true;
      },
    });
    await enqueue(t.database.db, deps, def, {});
    const worker = newWorker(t.database, [def]);
    expect(await worker.runOnce({ wait: false })).toBe(1);
    await worker.stop();
    expect(sawAbort).toBe(true);
  });

  it('a worker that loses its database mid-job leaves the job to be retaken, without crashing the process', async () => {
    const handle = openSameDatabase(t);
    cleanups.push(() => handle.close().catch(() => {}));
    let calls = 0;
    const def = defineJob({
      type: 'test.lost-connection',
      payload: z.object({}),
      leaseMs: 5000,
      handler: async () => {
        // the first run's connection goes away before it can record the outcome
        if (++calls === 1) await handle.close();
      },
    });
    const id = await enqueue(t.database.db, deps, def, {});
    const doomed = newWorker(handle, [def], { id: 'wrk_doomed' });
    // without waiting, as the polling loop runs jobs: a rejected outcome here would be unhandled
    expect(await doomed.runOnce({ wait: false })).toBe(1);
    await vi.waitFor(() => expect(calls).toBe(1));
    await sleep(50);
    await doomed.stop();
    expect(await jobRow(id)).toMatchObject({ status: 'running', locked_by: 'wrk_doomed', attempts: 1 });

    const rescuer = newWorker(t.database, [def], { id: 'wrk_rescuer' });
    expect(await rescuer.runOnce()).toBe(0);
    clock.advance(5001);
    expect(await rescuer.runOnce()).toBe(1);
    expect(calls).toBe(2);
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2, locked_by: null });
  });

  it('recurring jobs: one job per slot, however many times and from however many workers it is scheduled', async () => {
    const handler = vi.fn(async () => {});
    const def = defineJob({ type: 'test.every-minute', payload: z.object({}), everyMs: 60_000, handler });
    const slot0 = Date.UTC(2026, 0, 1, 0, 0, 0);
    clock.set(slot0 + 30_000);
    const a = newWorker(t.database, [def], { id: 'wrk_a' });
    const b = newWorker(secondHandle(), [def], { id: 'wrk_b' });
    const recurring = () =>
      t.database.db
        .selectFrom('jobs')
        .select(['unique_key', 'run_at', 'status'])
        .where('type', '=', 'test.every-minute')
        .orderBy('run_at')
        .execute();

    await a.scheduleRecurring();
    await a.scheduleRecurring();
    await Promise.all([a.scheduleRecurring(), b.scheduleRecurring(), b.scheduleRecurring()]);
    clock.advance(29_999);
    await Promise.all([a.scheduleRecurring(), b.scheduleRecurring()]);
    expect(await recurring()).toEqual([
      { unique_key: `recurring:test.every-minute:${slot0}`, run_at: slot0, status: 'queued' },
    ]);

    expect(await b.runOnce()).toBe(1);
    expect(await a.runOnce()).toBe(0);
    expect(handler).toHaveBeenCalledTimes(1);
    // a slot that already ran is not queued again
    await Promise.all([a.scheduleRecurring(), b.scheduleRecurring()]);
    expect(await a.runOnce()).toBe(0);
    expect(handler).toHaveBeenCalledTimes(1);

    clock.advance(1);
    const slot1 = slot0 + 60_000;
    expect(clock.now()).toBe(slot1);
    await Promise.all([a.scheduleRecurring(), b.scheduleRecurring()]);
    await a.scheduleRecurring();
    expect(await recurring()).toEqual([
      { unique_key: `recurring:test.every-minute:${slot0}`, run_at: slot0, status: 'done' },
      { unique_key: `recurring:test.every-minute:${slot1}`, run_at: slot1, status: 'queued' },
    ]);
    expect(await a.runOnce()).toBe(1);
    expect(await b.runOnce()).toBe(0);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  describe('a worker process killed with SIGKILL', () => {
    let child: ChildProcess | null = null;
    afterEach(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child = null;
    });

    it('loses its job to another worker once its lease runs out', async () => {
      const LEASE_MS = 1000;
      const ran: string[] = [];
      const def = defineJob({
        type: 'test.crash',
        payload: z.object({}).passthrough(),
        leaseMs: LEASE_MS,
        handler: async (_p, ctx) => {
          ran.push(ctx.jobId);
        },
      });
      const realDeps = { clock: systemClock, random: cryptoRandom };
      const id = await enqueue(t.database.db, realDeps, def, {});

      const proc = spawn(
        NODE_BIN,
        [
          CHILD_SCRIPT,
          JSON.stringify({
            databaseUrl: TEST_DATABASE_URL,
            dataDir: t.dataDir,
            pgSchema: t.schema,
            type: def.type,
            leaseMs: LEASE_MS,
            workerId: 'wrk_child',
          }),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = proc;
      let stderr = '';
      proc.stderr!.on('data', (d) => {
        stderr += String(d);
      });
      const running = await new Promise<{ running: string | null; attempt?: number }>((resolvePromise, reject) => {
        let out = '';
        proc.stdout!.on('data', (d) => {
          out += String(d);
          const line = out.split('\n')[0];
          if (out.includes('\n') && line) resolvePromise(JSON.parse(line));
        });
        proc.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
      });
      expect(running).toEqual({ running: id, attempt: 1 });
      expect(await jobRow(id)).toMatchObject({ status: 'running', locked_by: 'wrk_child', attempts: 1 });

      // while the child lives it renews the lease, so even past the first lease nobody takes the job
      const b = newWorker(secondHandle(), [def], { id: 'wrk_b' }, realDeps);
      const aliveUntil = Date.now() + 2 * LEASE_MS;
      while (Date.now() < aliveUntil) {
        expect(await b.runOnce()).toBe(0);
        await sleep(50);
      }
      expect(ran).toEqual([]);

      const exited = new Promise((r) => proc.once('exit', r));
      expect(proc.kill('SIGKILL')).toBe(true);
      await exited;
      expect(proc.signalCode).toBe('SIGKILL');
      // a renewal the child sent just before dying may still land; give it a moment
      await sleep(100);
      const lockedUntil = (await jobRow(id))!.locked_until!;
      expect(lockedUntil).toBeGreaterThan(aliveUntil - LEASE_MS);

      let claimedAt = 0;
      const deadline = Date.now() + 5 * LEASE_MS;
      while (Date.now() < deadline) {
        if ((await b.runOnce()) > 0) {
          claimedAt = Date.now();
          break;
        }
        await sleep(25);
      }
      expect(claimedAt).toBeGreaterThan(lockedUntil);
      expect(ran).toEqual([id]);
      expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2, locked_by: null });
    }, 20_000);
  });

  describe.skipIf(dialectName !== 'postgres')('two worker processes racing on PostgreSQL', () => {
    it('200 jobs on two pools, concurrency 4 each: every job runs exactly once, never overlapping', async () => {
      const JOBS = 200;
      const realDeps = { clock: systemClock, random: cryptoRandom };
      await createRunsTable(t.database.db);
      const def0 = defineJob({
        type: 'test.race',
        payload: z.object({ n: z.number().int() }),
        handler: async () => {},
      });
      await t.database.db.transaction().execute(async (tx) => {
        for (let n = 0; n < JOBS; n++) await enqueue(tx, realDeps, def0, { n });
      });

      const running = new Set<string>();
      const overlaps: string[] = [];
      const inFlight = new Map<string, number>();
      const maxInFlight = new Map<string, number>();
      const raceDef = (database: Database, worker: string) =>
        defineJob({
          type: 'test.race',
          payload: z.object({ n: z.number().int() }),
          handler: async (_p, ctx) => {
            if (running.has(ctx.jobId)) overlaps.push(ctx.jobId);
            running.add(ctx.jobId);
            const now = (inFlight.get(worker) ?? 0) + 1;
            inFlight.set(worker, now);
            maxInFlight.set(worker, Math.max(maxInFlight.get(worker) ?? 0, now));
            const startedAt = Date.now();
            await database.db
              .insertInto('job_test_runs')
              .values({ job_id: ctx.jobId, worker, started_at: startedAt, finished_at: null })
              .execute();
            await sleep(randomInt(cryptoRandom, 6));
            await database.db
              .updateTable('job_test_runs')
              .set({ finished_at: Date.now() })
              .where('job_id', '=', ctx.jobId)
              .where('worker', '=', worker)
              .where('finished_at', 'is', null)
              .execute();
            inFlight.set(worker, (inFlight.get(worker) ?? 1) - 1);
            running.delete(ctx.jobId);
          },
        });

      const poolA = secondHandle(4);
      const poolB = secondHandle(4);
      const a = newWorker(poolA, [raceDef(poolA, 'wrk_a')], { id: 'wrk_a', concurrency: 4, pollMs: 20 }, realDeps);
      const b = newWorker(poolB, [raceDef(poolB, 'wrk_b')], { id: 'wrk_b', concurrency: 4, pollMs: 20 }, realDeps);
      a.start();
      b.start();
      const doneCount = async () =>
        Number(
          (
            await t.database.db
              .selectFrom('jobs')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('status', '=', 'done')
              .executeTakeFirstOrThrow()
          ).n,
        );
      await vi.waitFor(async () => expect(await doneCount()).toBe(JOBS), { timeout: 30_000, interval: 50 });
      await Promise.all([a.stop(), b.stop()]);

      const jobs = await t.database.db.selectFrom('jobs').select(['id', 'status', 'attempts']).execute();
      expect(jobs).toHaveLength(JOBS);
      expect(jobs.filter((j) => j.status !== 'done' || j.attempts !== 1)).toEqual([]);

      const runs = await t.database.db.selectFrom('job_test_runs').selectAll().orderBy('started_at').execute();
      expect(runs).toHaveLength(JOBS);
      expect(new Set(runs.map((r) => r.job_id))).toEqual(new Set(jobs.map((j) => j.id)));
      expect(runs.filter((r) => r.finished_at === null || r.finished_at < r.started_at)).toEqual([]);
      const byJob = Map.groupBy(runs, (r) => r.job_id);
      for (const same of byJob.values()) {
        for (let i = 1; i < same.length; i++)
          expect(same[i]!.started_at).toBeGreaterThanOrEqual(same[i - 1]!.finished_at!);
      }
      expect(overlaps).toEqual([]);

      const perWorker = Object.fromEntries(
        Array.from(
          Map.groupBy(runs, (r) => r.worker),
          ([w, rs]) => [w, rs.length],
        ),
      );
      expect(Object.keys(perWorker).sort()).toEqual(['wrk_a', 'wrk_b']);
      expect(perWorker.wrk_a! + perWorker.wrk_b!).toBe(JOBS);
      expect(maxInFlight.get('wrk_a')).toBeLessThanOrEqual(4);
      expect(maxInFlight.get('wrk_b')).toBeLessThanOrEqual(4);
    }, 60_000);
  });
});
