import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Clock, Random } from '../clock.ts';
import { newId } from '../clock.ts';
import type { Database, Executor } from '../db/database.ts';
import { forUpdate } from '../db/dialect.ts';

export interface JobContext {
  jobId: string;
  attempt: number;
  /** aborted when the worker is stopping; long handlers should check it */
  signal: AbortSignal;
}

/** A job definition: id, zod payload, separate handler (the shape Documenso uses). */
export interface JobDefinition<P = unknown> {
  type: string;
  payload: z.ZodType<P>;
  maxAttempts?: number;
  /** how long a claimed job is leased before another worker may take it over */
  leaseMs?: number;
  /** recurring jobs: one run per interval, scheduled by the workers themselves */
  everyMs?: number;
  handler(payload: P, ctx: JobContext): Promise<void>;
}

export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  return def;
}

/** What enqueue needs: a job's id and payload schema. Modules export these; handlers are bound to deps in <m>.jobs.ts. */
export type JobSpec<P> = Pick<JobDefinition<P>, 'type' | 'payload' | 'maxAttempts'>;

export interface EnqueueOptions {
  runAt?: number;
  delayMs?: number;
  /** a second enqueue with the same key is ignored */
  uniqueKey?: string;
  maxAttempts?: number;
}

/** What the queue needs; with Redis, an enqueue also wakes the workers of every other process. */
type JobDeps = { clock: Clock; random: Random; redis?: Redis | null; redisPrefix?: string };

const wakeListeners = new Set<() => void>();

export function wakeChannel(redisPrefix: string): string {
  return `${redisPrefix}jobs:wake`;
}

// one PUBLISH per process per tick of the event loop, however many jobs it enqueued in between
const publishPending = new WeakSet<Redis>();

/**
 * Wakes workers right away instead of at their next poll. The enqueueing transaction may not have committed
 * yet, so a woken worker that finds nothing looks again a few times over the next ~250 ms (see CHASE_MS).
 */
export function wakeWorkers(deps: JobDeps): void {
  for (const wake of wakeListeners) wake();
  const redis = deps.redis;
  if (!redis || publishPending.has(redis)) return;
  publishPending.add(redis);
  setImmediate(() => {
    publishPending.delete(redis);
    redis.publish(wakeChannel(deps.redisPrefix ?? ''), '1').catch(() => {
      // a lost wake-up costs one poll interval, never a job
    });
  });
}

/** After a wake-up that found nothing due, look again after these delays before falling back to the poll. */
const CHASE_MS = [1, 2, 4, 8, 16, 32, 64, 128];

/**
 * Enqueues a job with the caller's executor: pass the transaction that makes the change the
 * job follows, so both commit or neither does.
 */
export async function enqueue<P>(
  db: Executor,
  deps: JobDeps,
  def: JobSpec<P>,
  payload: P,
  opts: EnqueueOptions = {},
): Promise<string> {
  const id = await insertJob(db, deps, def, payload, opts);
  const runAt = opts.runAt ?? deps.clock.now() + (opts.delayMs ?? 0);
  if (runAt <= deps.clock.now()) wakeWorkers(deps);
  return id;
}

async function insertJob<P>(
  db: Executor,
  deps: JobDeps,
  def: JobSpec<P>,
  payload: P,
  opts: EnqueueOptions,
): Promise<string> {
  const parsed = def.payload.parse(payload);
  const now = deps.clock.now();
  const id = newId('job', deps.clock, deps.random);
  const row = {
    id,
    type: def.type,
    payload: JSON.stringify(parsed),
    status: 'queued' as const,
    run_at: opts.runAt ?? now + (opts.delayMs ?? 0),
    attempts: 0,
    max_attempts: opts.maxAttempts ?? def.maxAttempts ?? 10,
    locked_by: null,
    locked_until: null,
    last_error: null,
    unique_key: opts.uniqueKey ?? null,
    created_at: now,
    updated_at: now,
  };
  if (opts.uniqueKey) {
    await db
      .insertInto('jobs')
      .values(row)
      .onConflict((oc) => oc.column('unique_key').doNothing())
      .execute();
  } else {
    await db.insertInto('jobs').values(row).execute();
  }
  return id;
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at 1 h. */
export function backoffMs(attempt: number, random: Random): number {
  const cap = Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempt - 1));
  const jitter = random.bytes(4).readUInt32BE(0) / 2 ** 32;
  return Math.round(cap / 2 + (cap / 2) * jitter);
}

export interface WorkerOptions {
  id?: string;
  pollMs?: number;
  concurrency?: number;
  log?: Logger;
  /** subscribe to wake-ups published by other processes (a dedicated connection is duplicated from it) */
  redis?: Redis | null;
  redisPrefix?: string;
}

export interface ClaimedJob {
  id: string;
  type: string;
  payload: string;
  attempts: number;
  max_attempts: number;
}

export async function claimJobs(
  database: Pick<Database, 'db' | 'dialect'>,
  clock: Clock,
  workerId: string,
  types: Map<string, JobDefinition>,
  limit: number,
): Promise<ClaimedJob[]> {
  if (limit <= 0 || types.size === 0) return [];
  const typeNames = [...types.keys()];
  return database.db.transaction().execute(async (tx) => {
    const now = clock.now();
    const due = await forUpdate(
      database.dialect,
      tx
        .selectFrom('jobs')
        .select(['id', 'type', 'status', 'attempts', 'max_attempts'])
        .where('type', 'in', typeNames)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
            eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
          ]),
        )
        .orderBy('run_at')
        .limit(limit),
      { skipLocked: true },
    ).execute();
    const claimed: ClaimedJob[] = [];
    for (const row of due) {
      if (row.status === 'running' && row.attempts >= row.max_attempts) {
        // its worker died on the last attempt; without this a job that kills its worker is retaken forever
        await tx
          .updateTable('jobs')
          .set({
            status: 'dead',
            locked_by: null,
            locked_until: null,
            last_error: `lease expired on attempt ${row.attempts} of ${row.max_attempts}: the worker stopped responding`,
            updated_at: now,
          })
          .where('id', '=', row.id)
          .execute();
        continue;
      }
      const leaseMs = types.get(row.type)?.leaseMs ?? 60_000;
      const updated = await tx
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          locked_by: workerId,
          locked_until: now + leaseMs,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', row.id)
        .returning(['id', 'type', 'payload', 'attempts', 'max_attempts'])
        .executeTakeFirst();
      if (updated) claimed.push(updated);
    }
    return claimed;
  });
}

/**
 * Claims due jobs, runs them, and records the outcome. Workers can die at any moment: a job whose
 * lease runs out is claimed again by another worker, so handlers must be idempotent.
 */
export class JobWorker {
  readonly id: string;
  private readonly types = new Map<string, JobDefinition>();
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private tickDone: Promise<void> = Promise.resolve();
  private stopped = true;
  /** wake-up look-ups left before falling back to the poll */
  private chase = 0;
  /** a wake-up arrived while a tick was running: tick again as soon as it ends */
  private wokenDuringTick = false;
  private recurringAt = Number.NEGATIVE_INFINITY;
  private subscriber: Redis | null = null;
  private readonly redis: Redis | null;
  private readonly redisPrefix: string;
  private readonly wake = () => {
    this.chase = CHASE_MS.length;
    if (this.ticking) this.wokenDuringTick = true;
    else this.schedule(0);
  };

  private readonly database: Pick<Database, 'db' | 'dialect'>;
  private readonly deps: JobDeps;

  constructor(
    database: Pick<Database, 'db' | 'dialect'>,
    deps: JobDeps,
    definitions: JobDefinition[],
    opts: WorkerOptions = {},
  ) {
    this.database = database;
    this.deps = deps;
    for (const d of definitions) this.types.set(d.type, d);
    this.id = opts.id ?? newId('wrk', deps.clock, deps.random);
    this.pollMs = opts.pollMs ?? 1000;
    this.concurrency = opts.concurrency ?? 4;
    this.log = opts.log;
    this.redis = opts.redis ?? null;
    this.redisPrefix = opts.redisPrefix ?? '';
  }
  private readonly log: Logger | undefined;

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    wakeListeners.add(this.wake);
    if (this.redis) {
      const sub = this.redis.duplicate();
      this.subscriber = sub;
      sub.on('message', this.wake);
      sub.on('error', (err) => this.log?.warn({ err: err.message }, 'job wake-up subscription error'));
      sub.subscribe(wakeChannel(this.redisPrefix)).catch((err: Error) => {
        this.log?.warn({ err: err.message }, 'job wake-ups from other processes are off; polling instead');
      });
    }
    this.schedule(0);
  }

  /** Stops claiming, then waits for the jobs in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    wakeListeners.delete(this.wake);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
    // a tick already past its stopped check may still claim jobs; they join inFlight before it ends
    await this.tickDone;
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, ms);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    let endTick!: () => void;
    this.tickDone = new Promise((resolve) => {
      endTick = resolve;
    });
    let claimedAny = false;
    this.wokenDuringTick = false;
    try {
      // once a second is enough for slots of a minute or more; a busy worker ticks far more often
      if (this.deps.clock.now() - this.recurringAt >= 1000) {
        this.recurringAt = this.deps.clock.now();
        await this.scheduleRecurring();
      }
      claimedAny = (await this.runOnce({ wait: false })) > 0;
    } catch (err) {
      this.log?.error({ err }, 'job worker tick failed');
    } finally {
      this.ticking = false;
      endTick();
      if (claimedAny || this.wokenDuringTick) this.schedule(0);
      else if (this.chase > 0) this.schedule(CHASE_MS[CHASE_MS.length - this.chase--]!);
      else this.schedule(this.pollMs);
    }
  }

  /** Ensures the next slot of every recurring job is queued; the unique key makes this idempotent across workers. */
  async scheduleRecurring(): Promise<void> {
    const now = this.deps.clock.now();
    for (const def of this.types.values()) {
      if (!def.everyMs) continue;
      const slot = Math.floor(now / def.everyMs) * def.everyMs;
      // one broken definition must not stop the others, nor the worker's claiming
      try {
        // no wake-up: the tick that schedules the slot claims it next, and a wake here would loop
        await insertJob(this.database.db, this.deps, def, {} as never, {
          runAt: slot,
          uniqueKey: `recurring:${def.type}:${slot}`,
          maxAttempts: def.maxAttempts ?? 3,
        });
      } catch (err) {
        this.log?.error({ err, type: def.type }, 'recurring job could not be scheduled');
      }
    }
  }

  /** Claims and runs one batch; returns how many jobs it claimed. With wait, resolves after they finish. */
  async runOnce(opts: { wait?: boolean } = { wait: true }): Promise<number> {
    const free = this.concurrency - this.inFlight.size;
    const jobs = await claimJobs(this.database, this.deps.clock, this.id, this.types, free);
    const runs = jobs.map((job) => {
      // a failure to record the outcome leaves the job running until its lease expires; it must not become
      // an unhandled rejection that takes the whole process down
      const p = this.execute(job)
        .catch((err) => this.log?.error({ err, jobId: job.id }, 'job outcome not recorded'))
        .finally(() => {
          this.inFlight.delete(p);
          if (!this.stopped) this.schedule(0);
        });
      this.inFlight.add(p);
      return p;
    });
    if (opts.wait !== false) await Promise.all(runs);
    return jobs.length;
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const def = this.types.get(job.type);
    const db = this.database.db;
    // renew the lease while the handler runs so a slow job is not taken over by another worker
    const leaseMs = def?.leaseMs ?? 60_000;
    const renew = setInterval(
      () => {
        void db
          .updateTable('jobs')
          .set({ locked_until: this.deps.clock.now() + leaseMs })
          .where('id', '=', job.id)
          .where('locked_by', '=', this.id)
          .where('status', '=', 'running')
          .execute()
          .catch((err) => this.log?.warn({ err, jobId: job.id }, 'lease renewal failed'));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    try {
      if (!def) throw new Error(`no handler for job type ${job.type}`);
      const payload = def.payload.parse(JSON.parse(job.payload));
      await def.handler(payload, { jobId: job.id, attempt: job.attempts, signal: this.abort.signal });
      await db
        .updateTable('jobs')
        .set({ status: 'done', locked_by: null, locked_until: null, updated_at: this.deps.clock.now() })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.id)
        .execute();
    } catch (err) {
      const now = this.deps.clock.now();
      const dead = job.attempts >= job.max_attempts;
      const message = err instanceof Error ? err.message : String(err);
      this.log?.warn({ jobId: job.id, type: job.type, attempt: job.attempts, dead, err: message }, 'job failed');
      await db
        .updateTable('jobs')
        .set({
          status: dead ? 'dead' : 'queued',
          run_at: dead ? now : now + backoffMs(job.attempts, this.deps.random),
          locked_by: null,
          locked_until: null,
          last_error: message.slice(0, 2000),
          updated_at: now,
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.id)
        .execute();
    } finally {
      clearInterval(renew);
    }
  }
}
