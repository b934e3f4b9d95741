import type { DisputeLevel, DisputeStatus } from '@kameng/contracts';
import { sql } from 'kysely';
import type { Dialect, Executor } from '../../platform/db/database.ts';
import { forUpdate } from '../../platform/db/dialect.ts';
import type { DisputeEvidenceTable, DisputeMessagesTable, DisputesTable } from './disputes.tables.ts';

export type DisputeRow = DisputesTable;
export type MessageRow = DisputeMessagesTable;
export type EvidenceRow = DisputeEvidenceTable;
export type EvidenceMeta = Omit<EvidenceRow, 'data_b64'>;

/** PostgreSQL returns bigint columns as strings. */
export function num(v: unknown): number {
  return Number(v ?? 0);
}

function fromDb(r: DisputeRow): DisputeRow {
  return {
    ...r,
    unit_price_cents: num(r.unit_price_cents),
    paid_cents: num(r.paid_cents),
    refunded_cents: num(r.refunded_cents),
    replaced_count: num(r.replaced_count),
    claimed_revealed_at: r.claimed_revealed_at === null ? null : num(r.claimed_revealed_at),
    supplier_late: num(r.supplier_late),
    claimed_resold: num(r.claimed_resold),
    claimed_replacements: num(r.claimed_replacements),
    answer_amount_cents: r.answer_amount_cents === null ? null : num(r.answer_amount_cents),
    ruling_amount_cents: r.ruling_amount_cents === null ? null : num(r.ruling_amount_cents),
    deadline_at: r.deadline_at === null ? null : num(r.deadline_at),
    created_at: num(r.created_at),
    updated_at: num(r.updated_at),
    resolved_at: r.resolved_at === null ? null : num(r.resolved_at),
  };
}

export async function insertDispute(db: Executor, row: DisputeRow): Promise<void> {
  await db.insertInto('disputes').values(row).execute();
}

export async function findDispute(db: Executor, id: string): Promise<DisputeRow | undefined> {
  const r = await db.selectFrom('disputes').selectAll().where('id', '=', id).executeTakeFirst();
  return r && fromDb(r);
}

/** The case, locked until the caller's transaction ends: two steps on one case run one after the other. */
export async function findDisputeForUpdate(
  db: Executor,
  dialect: Dialect,
  id: string,
): Promise<DisputeRow | undefined> {
  const r = await forUpdate(dialect, db.selectFrom('disputes').selectAll().where('id', '=', id)).executeTakeFirst();
  return r && fromDb(r);
}

/** The cases an item has had, oldest first. */
export async function disputesOfItem(db: Executor, orderItemId: string): Promise<DisputeRow[]> {
  const rows = await db
    .selectFrom('disputes')
    .selectAll()
    .where('order_item_id', '=', orderItemId)
    .orderBy('created_at')
    .execute();
  return rows.map(fromDb);
}

export async function openDisputeOfOrder(db: Executor, orderId: string): Promise<DisputeRow | undefined> {
  const r = await db.selectFrom('disputes').selectAll().where('open_order_id', '=', orderId).executeTakeFirst();
  return r && fromDb(r);
}

/**
 * Moves a case from one of `from` to the patch's status only if it is still there; false when another step
 * got there first.
 */
export async function transition(
  db: Executor,
  id: string,
  from: DisputeStatus[],
  patch: Partial<Omit<DisputeRow, 'id' | 'order_id' | 'order_item_id' | 'buyer_id' | 'supplier_id'>> & {
    status: DisputeStatus;
    updated_at: number;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('disputes')
    .set(patch)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function addRefunded(db: Executor, id: string, cents: number, now: number): Promise<void> {
  await db
    .updateTable('disputes')
    .set((eb) => ({ refunded_cents: eb('refunded_cents', '+', cents), updated_at: now }))
    .where('id', '=', id)
    .execute();
}

/** Records a replacement: how many keys, and which new ones (a later claim on them counts against the supplier). */
export async function addReplaced(db: Executor, id: string, newKeyIds: string[], now: number): Promise<void> {
  const row = await db
    .selectFrom('disputes')
    .select('replacement_key_ids')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const all = [...(JSON.parse(row.replacement_key_ids) as string[]), ...newKeyIds];
  await db
    .updateTable('disputes')
    .set((eb) => ({
      replaced_count: eb('replaced_count', '+', newKeyIds.length),
      replacement_key_ids: JSON.stringify(all),
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}

/** Cases whose deadline has passed while a party's answer is awaited, oldest first. */
export async function dueDisputes(db: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('disputes')
    .select('id')
    .where('status', 'in', ['open', 'supplier_answered'])
    .where('deadline_at', '<=', now)
    .orderBy('deadline_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface DisputeFilter {
  buyerId?: string;
  supplierId?: string;
  status?: DisputeStatus | undefined;
  level?: DisputeLevel | undefined;
  limit: number;
  offset: number;
}

/** Cases, those awaiting an answer first and the nearest deadline first among them, then the newest. */
export async function listDisputes(db: Executor, f: DisputeFilter): Promise<{ rows: DisputeRow[]; total: number }> {
  let q = db.selectFrom('disputes');
  if (f.buyerId) q = q.where('buyer_id', '=', f.buyerId);
  if (f.supplierId) q = q.where('supplier_id', '=', f.supplierId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.level) q = q.where('level', '=', f.level);
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy(sql`CASE WHEN deadline_at IS NULL THEN 1 ELSE 0 END`)
      .orderBy('deadline_at')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(fromDb), total: num(count.n) };
}

// ─── the thread ───

export async function insertMessage(db: Executor, row: Omit<MessageRow, 'seq'>): Promise<void> {
  const last = await db
    .selectFrom('dispute_messages')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('dispute_id', '=', row.dispute_id)
    .executeTakeFirst();
  await db
    .insertInto('dispute_messages')
    .values({ ...row, seq: num(last?.seq) + 1 })
    .execute();
}

export async function messagesOf(db: Executor, disputeId: string): Promise<MessageRow[]> {
  const rows = await db
    .selectFrom('dispute_messages')
    .selectAll()
    .where('dispute_id', '=', disputeId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    ...r,
    amount_cents: r.amount_cents === null ? null : num(r.amount_cents),
    created_at: num(r.created_at),
  }));
}

// ─── evidence ───

export async function insertEvidence(db: Executor, row: EvidenceRow): Promise<void> {
  await db.insertInto('dispute_evidence').values(row).execute();
}

export async function evidenceOf(db: Executor, disputeId: string): Promise<EvidenceMeta[]> {
  const rows = await db
    .selectFrom('dispute_evidence')
    .select(['id', 'dispute_id', 'uploaded_by', 'actor', 'content_type', 'bytes', 'sha256', 'created_at'])
    .where('dispute_id', '=', disputeId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, bytes: num(r.bytes), created_at: num(r.created_at) }));
}

export async function countEvidence(db: Executor, disputeId: string): Promise<number> {
  const r = await db
    .selectFrom('dispute_evidence')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dispute_id', '=', disputeId)
    .executeTakeFirstOrThrow();
  return num(r.n);
}

export async function findEvidence(db: Executor, disputeId: string, id: string): Promise<EvidenceRow | undefined> {
  return db
    .selectFrom('dispute_evidence')
    .selectAll()
    .where('dispute_id', '=', disputeId)
    .where('id', '=', id)
    .executeTakeFirst();
}

// ─── rates ───

/** Cases opened since `since` and those the supplier lost, per supplier and per category. */
export async function caseCountsSince(db: Executor, since: number) {
  const lost = sql<number>`sum(case when status in ('resolved_refund', 'resolved_replace') then 1 else 0 end)`;
  const [bySupplier, byCategory] = await Promise.all([
    db
      .selectFrom('disputes')
      .select(['supplier_id as key', (eb) => eb.fn.countAll<number>().as('cases'), lost.as('lost')])
      .where('created_at', '>=', since)
      .groupBy('supplier_id')
      .execute(),
    db
      .selectFrom('disputes')
      .select(['category_id as key', (eb) => eb.fn.countAll<number>().as('cases'), lost.as('lost')])
      .where('created_at', '>=', since)
      .groupBy('category_id')
      .execute(),
  ]);
  const toMap = (rows: { key: string; cases: unknown; lost: unknown }[]) =>
    new Map(rows.map((r) => [r.key, { cases: num(r.cases), lost: num(r.lost) }]));
  return { bySupplier: toMap(bySupplier), byCategory: toMap(byCategory) };
}
