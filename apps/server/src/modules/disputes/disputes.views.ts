/** Reading cases: one case with its thread and evidence for its parties and staff; lists for each side. */
import type { DisputeDto, DisputeLevel, DisputeStatus, DisputeSummaryDto } from '@kameng/contracts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { addMessage, OPEN_STATUSES, partOf } from './disputes.cases.ts';
import * as q from './disputes.queries.ts';

export function toSummary(c: q.DisputeRow): DisputeSummaryDto {
  return {
    id: c.id,
    orderId: c.order_id,
    orderItemId: c.order_item_id,
    itemTitle: c.item_title,
    buyerId: c.buyer_id,
    supplierId: c.supplier_id,
    reason: c.reason,
    status: c.status,
    level: c.level,
    deadlineAt: c.deadline_at,
    cardKeyIndexes: JSON.parse(c.card_key_indexes) as number[],
    paidCents: c.paid_cents,
    refundedCents: c.refunded_cents,
    replacedKeys: c.replaced_count,
    answer: c.answer_action ? { action: c.answer_action, amountCents: c.answer_amount_cents } : null,
    ruling: c.ruling_action ? { action: c.ruling_action, amountCents: c.ruling_amount_cents } : null,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    resolvedAt: c.resolved_at,
  };
}

/** The buyer, the order's supplier and staff see a case; anyone else gets 404, so ids reveal nothing. */
export async function getDispute(deps: Deps, auth: AuthContext, id: string): Promise<DisputeDto> {
  const c = await q.findDispute(deps.db, id);
  if (!c) throw new AppError('NOT_FOUND', 'No such case');
  partOf(auth, c);
  const [messages, evidence] = await Promise.all([q.messagesOf(deps.db, id), q.evidenceOf(deps.db, id)]);
  return {
    ...toSummary(c),
    messages: messages.map((m) => ({
      id: m.id,
      actor: m.actor,
      actorId: m.actor_id,
      kind: m.kind,
      action: m.action,
      amountCents: m.amount_cents,
      body: m.body,
      evidenceId: m.evidence_id,
      createdAt: m.created_at,
    })),
    evidence: evidence.map((e) => ({
      id: e.id,
      actor: e.actor,
      contentType: e.content_type,
      bytes: e.bytes,
      url: `/api/v1/disputes/${id}/evidence/${e.id}`,
      createdAt: e.created_at,
    })),
  };
}

interface ListQuery {
  page: number;
  pageSize: number;
  status?: DisputeStatus | undefined;
  level?: DisputeLevel | undefined;
}

async function list(deps: Deps, f: ListQuery, who: { buyerId?: string; supplierId?: string }) {
  const { rows, total } = await q.listDisputes(deps.db, {
    ...who,
    status: f.status,
    level: f.level,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return { items: rows.map(toSummary), total };
}

export const listMyDisputes = (deps: Deps, auth: AuthContext, f: ListQuery) => list(deps, f, { buyerId: auth.userId });

/** The supplier's 售后 queue: cases awaiting an answer first, nearest deadline first. */
export const listSupplierDisputes = (deps: Deps, auth: AuthContext, f: ListQuery) =>
  list(deps, f, { supplierId: auth.userId });

export const listAllDisputes = (deps: Deps, f: ListQuery) => list(deps, f, {});

/** A message in the thread from either side or staff, while the case is open. */
export async function postDisputeMessage(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: { message: string },
): Promise<DisputeDto> {
  await deps.db.transaction().execute(async (tx) => {
    const c = await q.findDisputeForUpdate(tx, deps.dialect, id);
    if (!c) throw new AppError('NOT_FOUND', 'No such case');
    const actor = partOf(auth, c);
    if (!OPEN_STATUSES.includes(c.status)) throw new AppError('INVALID_STATE', 'This case is over');
    await addMessage(tx, deps, id, { actor, actorId: auth.userId, kind: 'message', body: body.message });
  });
  return getDispute(deps, auth, id);
}
