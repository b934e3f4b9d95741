import type { Clock, Random } from './clock.ts';
import { newId } from './clock.ts';
import type { Executor } from './db/database.ts';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  objectType?: string;
  objectId?: string;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Appends to the audit log inside the caller's transaction, so the record commits with the change. */
export async function writeAudit(db: Executor, deps: { clock: Clock; random: Random }, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId('aud', deps.clock, deps.random),
      actor_id: e.actorId,
      action: e.action,
      object_type: e.objectType ?? null,
      object_id: e.objectId ?? null,
      ip: e.ip ?? null,
      details: e.details ? JSON.stringify(e.details) : null,
      created_at: deps.clock.now(),
    })
    .execute();
}

export interface AuditFilter {
  actorId?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  offset: number;
}

export async function listAudit(db: Executor, f: AuditFilter) {
  let q = db.selectFrom('audit_log');
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.objectType) q = q.where('object_type', '=', f.objectType);
  if (f.objectId) q = q.where('object_id', '=', f.objectId);
  if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
  if (f.to !== undefined) q = q.where('created_at', '<', f.to);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
