import type { DeadJobPageDto, DeadJobsQuery } from '@kameng/contracts';
import { writeAudit } from '../audit.ts';
import type { Executor } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { wakeWorkers } from './jobs.ts';

/** Jobs that used up their attempts, newest death first, with how many of each kind there are. */
export async function listDeadJobs(deps: Deps, query: DeadJobsQuery): Promise<DeadJobPageDto> {
  let base = deps.db.selectFrom('jobs').where('status', '=', 'dead');
  if (query.type) base = base.where('type', '=', query.type);
  const [rows, total, types] = await Promise.all([
    base
      .select(['id', 'type', 'attempts', 'max_attempts', 'last_error', 'created_at', 'updated_at'])
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    deps.db
      .selectFrom('jobs')
      .select(['type', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', 'dead')
      .groupBy('type')
      .orderBy('type')
      .execute(),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      type: r.type,
      attempts: Number(r.attempts),
      maxAttempts: Number(r.max_attempts),
      lastError: r.last_error,
      createdAt: Number(r.created_at),
      diedAt: Number(r.updated_at),
    })),
    total: Number(total.n),
    types: types.map((t) => ({ type: t.type, count: Number(t.n) })),
  };
}

async function deadJob(db: Executor, id: string) {
  const job = await db
    .selectFrom('jobs')
    .select(['type', 'last_error'])
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  if (!job) throw new AppError('NOT_FOUND', 'No dead job with this id');
  return job;
}

interface Actor {
  userId: string;
  ip: string;
}

/** Puts a dead job back in the queue with fresh attempts; audited. Only a dead job: anything else is 404. */
export async function retryDeadJob(deps: Deps, actor: Actor, id: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const job = await deadJob(tx, id);
    const moved = await tx
      .updateTable('jobs')
      .set({ status: 'queued', attempts: 0, run_at: now, locked_by: null, locked_until: null, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new AppError('NOT_FOUND', 'No dead job with this id');
    await writeAudit(tx, deps, {
      actorId: actor.userId,
      action: 'jobs.retry',
      objectType: 'job',
      objectId: id,
      ip: actor.ip,
      details: { type: job.type, lastError: job.last_error },
    });
  });
  wakeWorkers(deps);
}

/** Drops a dead job for good (what it would have done will not happen); audited with what it was. */
export async function discardDeadJob(deps: Deps, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const job = await deadJob(tx, id);
    const gone = await tx.deleteFrom('jobs').where('id', '=', id).where('status', '=', 'dead').executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) throw new AppError('NOT_FOUND', 'No dead job with this id');
    await writeAudit(tx, deps, {
      actorId: actor.userId,
      action: 'jobs.discard',
      objectType: 'job',
      objectId: id,
      ip: actor.ip,
      // not the payload: a job's payload is the app's business, and the audit log is read by every operator
      details: { type: job.type, lastError: job.last_error },
    });
  });
}
