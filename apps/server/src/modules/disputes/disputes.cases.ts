/**
 * What every step of a case shares: who is asking (buyer, supplier, staff), loading the case for a step
 * with its row locked, moving it on with a message in its thread, deadlines, and telling both sides.
 */
import type { DisputeAction, DisputeActor, DisputeStatus } from '@kameng/contracts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { getSetting, type SettingKey } from '../../platform/settings.ts';
import { createNotice } from '../notify/notify.service.ts';
import * as q from './disputes.queries.ts';

export const OPEN_STATUSES: DisputeStatus[] = ['open', 'supplier_answered', 'escalated'];
const STAFF = new Set(['operator', 'arbitrator', 'admin']);

export function isStaff(auth: AuthContext): boolean {
  return auth.roles.some((r) => STAFF.has(r));
}

export function mayRule(auth: AuthContext): boolean {
  return auth.roles.includes('arbitrator') || auth.roles.includes('admin');
}

/** The reader's part in a case; anyone without one is told the case does not exist. */
export function partOf(auth: AuthContext, c: q.DisputeRow): DisputeActor {
  if (auth.userId === c.buyer_id) return 'buyer';
  if (auth.userId === c.supplier_id) return 'supplier';
  if (isStaff(auth)) return 'platform';
  throw new AppError('NOT_FOUND', 'No such case');
}

/** The case for a step by `actor`, locked; 404 unless the caller is that party. */
export async function caseFor(
  tx: Executor,
  deps: Deps,
  auth: AuthContext,
  id: string,
  actor: DisputeActor,
): Promise<q.DisputeRow> {
  const c = await q.findDisputeForUpdate(tx, deps.dialect, id);
  if (!c) throw new AppError('NOT_FOUND', 'No such case');
  const part = partOf(auth, c);
  if (actor === 'platform' ? !mayRule(auth) : part !== actor) throw new AppError('NOT_FOUND', 'No such case');
  // staff who are the buyer or the supplier of a case never decide it
  if (actor === 'platform' && part !== 'platform') {
    throw new AppError('FORBIDDEN', 'You are a party to this case; another arbitrator decides it');
  }
  return c;
}

/** Refuses a step that the case's status does not allow (a replayed or late step lands here). */
export function expectStatus(c: q.DisputeRow, allowed: DisputeStatus[]): void {
  if (!allowed.includes(c.status)) {
    throw new AppError('INVALID_STATE', `A case that is ${c.status} cannot take this step`, { status: c.status });
  }
}

export async function deadlineAfter(db: Executor, deps: Deps, key: SettingKey & `disputes.${string}`) {
  return deps.clock.now() + ((await getSetting(db, key)) as number) * HOUR;
}

export interface MessageInput {
  actor: DisputeActor;
  actorId: string | null;
  kind: string;
  body: string;
  action?: DisputeAction | null;
  amountCents?: number | null;
  evidenceId?: string | null;
}

export async function addMessage(tx: Executor, deps: Deps, disputeId: string, m: MessageInput): Promise<void> {
  await q.insertMessage(tx, {
    id: newId('dsm', deps.clock, deps.random),
    dispute_id: disputeId,
    actor: m.actor,
    actor_id: m.actorId,
    kind: m.kind,
    action: m.action ?? null,
    amount_cents: m.amountCents ?? null,
    body: m.body,
    evidence_id: m.evidenceId ?? null,
    created_at: deps.clock.now(),
  });
}

/**
 * Moves the case on (only from `from`: a step that lost a race changes nothing and answers 409) and writes
 * the message that says why.
 */
export async function step(
  tx: Executor,
  deps: Deps,
  c: q.DisputeRow,
  from: DisputeStatus[],
  patch: Omit<Parameters<typeof q.transition>[3], 'updated_at'>,
  message: MessageInput,
): Promise<void> {
  const now = deps.clock.now();
  const final = !OPEN_STATUSES.includes(patch.status);
  const moved = await q.transition(tx, c.id, from, {
    ...patch,
    updated_at: now,
    ...(final ? { open_order_id: null, deadline_at: null, resolved_at: now } : {}),
  });
  if (!moved) throw new AppError('INVALID_STATE', 'This case has moved on; reload it', { status: c.status });
  await addMessage(tx, deps, c.id, message);
}

const STATUS_TEXT: Record<DisputeStatus, string> = {
  open: '待卖家处理 / awaiting the supplier',
  supplier_answered: '卖家已处理 / the supplier has answered',
  escalated: '平台仲裁中 / with the platform',
  resolved_refund: '已退款 / refunded',
  resolved_replace: '已换货 / replaced',
  rejected: '已驳回 / rejected',
  closed: '已关闭 / closed',
};

/** Tells the buyer and the supplier (in-site and by email) that their case moved. */
export async function notifyParties(
  tx: Executor,
  deps: Deps,
  c: Pick<q.DisputeRow, 'id' | 'order_id' | 'buyer_id' | 'supplier_id'>,
  status: DisputeStatus,
  skip?: string,
): Promise<void> {
  for (const [userId, link] of [
    [c.buyer_id, `/account/disputes/${c.id}`],
    [c.supplier_id, `/supplier/disputes/${c.id}`],
  ] as const) {
    if (userId === skip) continue;
    await createNotice(tx, deps, {
      userId,
      kind: 'dispute',
      title: `售后 ${c.id}：${STATUS_TEXT[status]}`,
      body: `订单 ${c.order_id} 的售后申请 ${c.id} 状态：${STATUS_TEXT[status]}。\nCase ${c.id} on order ${c.order_id}: ${STATUS_TEXT[status]}.`,
      link,
      email: true,
    });
  }
}
