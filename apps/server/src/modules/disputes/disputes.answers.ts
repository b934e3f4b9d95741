/**
 * The supplier's level: the supplier answers (refund, replace or reject); the buyer accepts the answer or
 * escalates it to the platform. A refund or a replacement happens when the supplier answers, so the buyer
 * has it at once; accepting only closes the case.
 */
import type { DisputeAction, DisputeStatus } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { invalidateCatalogCache } from '../catalog/catalog.service.ts';
import { caseFor, deadlineAfter, expectStatus, notifyParties, step } from './disputes.cases.ts';
import type * as q from './disputes.queries.ts';
import { endCase, refundCase, replaceCase } from './disputes.remedies.ts';
import { reviewSupplier } from './disputes.standings.ts';

/** Where a case ends when the buyer accepts the supplier's answer or lets the time to escalate pass. */
export function outcomeOf(action: DisputeAction | null): DisputeStatus {
  return action === 'refund' ? 'resolved_refund' : action === 'replace' ? 'resolved_replace' : 'closed';
}

export async function answerDispute(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: { action: DisputeAction; amountCents?: number | undefined; message: string },
  ip: string,
): Promise<{ id: string; status: DisputeStatus }> {
  const done = await deps.db.transaction().execute(async (tx) => {
    const c = await caseFor(tx, deps, auth, id, 'supplier');
    expectStatus(c, ['open']);
    let amountCents: number | null = null;
    let status: DisputeStatus = 'supplier_answered';
    if (body.action === 'refund') {
      const r = await refundCase(tx, deps, c, { amountCents: body.amountCents, stepName: 'supplier', to: 'wallet' });
      amountCents = r.amountCents;
      // the buyer has all he paid for the item back: nothing is left to escalate
      if (r.itemDone) status = 'resolved_refund';
    } else if (body.action === 'replace') {
      await replaceCase(tx, deps, c);
    }
    const final = status !== 'supplier_answered';
    await step(
      tx,
      deps,
      c,
      ['open'],
      {
        status,
        answer_action: body.action,
        answer_amount_cents: amountCents,
        ...(final ? {} : { deadline_at: await deadlineAfter(tx, deps, 'disputes.buyerEscalateHours') }),
      },
      { actor: 'supplier', actorId: auth.userId, kind: 'answer', action: body.action, amountCents, body: body.message },
    );
    if (final) await endCase(tx, deps, c);
    await notifyParties(tx, deps, c, status, auth.userId);
    await audit(tx, deps, auth, c, 'dispute.answer', ip, { action: body.action, amountCents });
    return { id, status, supplierId: c.supplier_id, final };
  });
  if (done.final) await reviewSupplier(deps, done.supplierId);
  // fresh keys left the product's stock
  if (body.action === 'replace') await invalidateCatalogCache(deps);
  return { id, status: done.status };
}

/** The buyer accepts the supplier's answer: the case ends as the answer said. */
export async function acceptAnswer(
  deps: Deps,
  auth: AuthContext,
  id: string,
  ip: string,
): Promise<{ id: string; status: DisputeStatus }> {
  const done = await deps.db.transaction().execute(async (tx) => {
    const c = await caseFor(tx, deps, auth, id, 'buyer');
    expectStatus(c, ['supplier_answered']);
    const status = outcomeOf(c.answer_action);
    await step(
      tx,
      deps,
      c,
      ['supplier_answered'],
      { status },
      {
        actor: 'buyer',
        actorId: auth.userId,
        kind: 'accepted',
        body: '买家接受了卖家的处理 / The buyer accepted the answer',
      },
    );
    await endCase(tx, deps, c);
    await notifyParties(tx, deps, c, status, auth.userId);
    await audit(tx, deps, auth, c, 'dispute.accept', ip, { status });
    return { id, status, supplierId: c.supplier_id };
  });
  await reviewSupplier(deps, done.supplierId);
  return { id, status: done.status };
}

/** The buyer takes the supplier's answer to the platform; an arbitrator rules within the platform's time. */
export async function escalateDispute(
  deps: Deps,
  auth: AuthContext,
  id: string,
  body: { message: string },
  ip: string,
): Promise<{ id: string; status: DisputeStatus }> {
  return deps.db.transaction().execute(async (tx) => {
    const c = await caseFor(tx, deps, auth, id, 'buyer');
    expectStatus(c, ['supplier_answered']);
    await step(
      tx,
      deps,
      c,
      ['supplier_answered'],
      {
        status: 'escalated',
        level: 'platform',
        deadline_at: await deadlineAfter(tx, deps, 'disputes.arbitrationHours'),
      },
      { actor: 'buyer', actorId: auth.userId, kind: 'escalated', body: body.message },
    );
    await notifyParties(tx, deps, c, 'escalated', auth.userId);
    await audit(tx, deps, auth, c, 'dispute.escalate', ip, {});
    return { id, status: 'escalated' as const };
  });
}

export async function audit(
  tx: Parameters<typeof writeAudit>[0],
  deps: Deps,
  auth: AuthContext | null,
  c: q.DisputeRow,
  action: string,
  ip: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  await writeAudit(tx, deps, {
    actorId: auth?.userId ?? null,
    action,
    objectType: 'dispute',
    objectId: c.id,
    ip,
    details: { orderId: c.order_id, ...details },
  });
}
