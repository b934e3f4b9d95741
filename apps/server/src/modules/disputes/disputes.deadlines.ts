/**
 * Missed deadlines, by a recurring job. A supplier who does not answer in time loses the first level: the
 * case goes to the platform, or, for goods never received, the item is refunded at once. A buyer who does
 * not escalate in time lets the supplier's answer stand and the case ends.
 */
import type { DisputeStatus } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { audit, outcomeOf } from './disputes.answers.ts';
import { deadlineAfter, notifyParties, step } from './disputes.cases.ts';
import * as q from './disputes.queries.ts';
import { endCase, refundCase, refundableCents } from './disputes.remedies.ts';
import { reviewSupplier } from './disputes.standings.ts';

/**
 * Every due case in turn, each in its own transaction: one that fails is logged and taken to the platform
 * (so it neither stops the others nor heads every later batch), and the rest go on.
 */
export async function runDisputeDeadlines(deps: Deps): Promise<number> {
  const ids = await q.dueDisputes(deps.db, deps.clock.now(), 200);
  let done = 0;
  for (const id of ids) {
    let moved: string | null;
    try {
      moved = await deps.db.transaction().execute((tx) => settleDeadline(tx, deps, id));
    } catch (err) {
      deps.log.error({ err, disputeId: id }, 'a dispute deadline failed; the case goes to the platform');
      moved = await escalateFailed(deps, id).catch((e: unknown) => {
        deps.log.error({ err: e, disputeId: id }, 'a failed dispute deadline could not be escalated');
        return null;
      });
    }
    if (moved) {
      done++;
      await reviewSupplier(deps, moved);
    }
  }
  return done;
}

/** A case whose missed deadline could not be carried out (a refund that cannot be paid): an arbitrator decides. */
async function escalateFailed(deps: Deps, id: string): Promise<string | null> {
  return deps.db.transaction().execute(async (tx) => {
    const c = await q.findDisputeForUpdate(tx, deps.dialect, id);
    if (!c || (c.status !== 'open' && c.status !== 'supplier_answered')) return null;
    await step(
      tx,
      deps,
      c,
      ['open', 'supplier_answered'],
      {
        status: 'escalated',
        level: 'platform',
        deadline_at: await deadlineAfter(tx, deps, 'disputes.arbitrationHours'),
      },
      {
        actor: 'system',
        actorId: null,
        kind: 'deadline',
        body: '期限已过但无法自动处理，已提交平台仲裁 / The deadline passed but could not be carried out: the case goes to the platform',
      },
    );
    await notifyParties(tx, deps, c, 'escalated');
    await audit(tx, deps, null, c, 'dispute.deadline', null, { from: c.status, to: 'escalated', failed: true });
    return c.supplier_id;
  });
}

/** One due case's missed deadline, in the caller's transaction; the supplier to review, or null. */
async function settleDeadline(tx: Executor, deps: Deps, id: string): Promise<string | null> {
  const c = await q.findDisputeForUpdate(tx, deps.dialect, id);
  if (!c || c.deadline_at === null || c.deadline_at > deps.clock.now()) return null;
  let status: DisputeStatus;
  // goods a person delivers and the supplier silent: refunded; card keys the buyer holds never are
  const refundable = c.status === 'open' && c.reason === 'not_received' && c.delivery_mode !== 'auto';
  const left = refundable ? await refundableCents(tx, deps, c) : 0;
  if (left > 0) {
    const r = await refundCase(tx, deps, c, { amountCents: left, stepName: 'auto', to: 'wallet' });
    status = 'resolved_refund';
    await step(
      tx,
      deps,
      c,
      ['open'],
      { status },
      {
        actor: 'system',
        actorId: null,
        kind: 'deadline',
        action: 'refund',
        amountCents: r.amountCents,
        body: '卖家未在期限内处理，未收到货的款项已自动退回 / The supplier did not answer in time: the item is refunded',
      },
    );
    await endCase(tx, deps, c);
  } else if (c.status === 'open') {
    status = 'escalated';
    await step(
      tx,
      deps,
      c,
      ['open'],
      {
        status,
        level: 'platform',
        supplier_late: 1,
        deadline_at: await deadlineAfter(tx, deps, 'disputes.arbitrationHours'),
      },
      {
        actor: 'system',
        actorId: null,
        kind: 'deadline',
        body: '卖家未在期限内处理，已自动提交平台仲裁 / The supplier did not answer in time: the case goes to the platform',
      },
    );
  } else if (c.status === 'supplier_answered') {
    status = outcomeOf(c.answer_action);
    await step(
      tx,
      deps,
      c,
      ['supplier_answered'],
      { status },
      {
        actor: 'system',
        actorId: null,
        kind: 'deadline',
        body: '买家未在期限内申请仲裁，按卖家的处理结案 / The buyer did not escalate in time: the answer stands',
      },
    );
    await endCase(tx, deps, c);
  } else {
    return null;
  }
  await notifyParties(tx, deps, c, status);
  await audit(tx, deps, null, c, 'dispute.deadline', null, { from: c.status, to: status });
  return c.supplier_id;
}
