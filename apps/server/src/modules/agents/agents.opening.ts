/**
 * The opening fee of a 分站 (setting `agents.openingFeeCents`): when the operators set one, an approved
 * application waits (`awaiting_fee`) until the applicant pays it, through any payment channel or his wallet,
 * as a payment of purpose `agent_opening`. Payments calls `bookOpeningFee` (its paymentPaid hook) once, in
 * the transaction that marks the payment paid: the money goes to the platform's revenue and the site opens.
 * A fee paid for an application that was rejected meanwhile (or paid twice) is given back at once, to where
 * it came from; an operator's refund of a fee (`refundOpeningFee`, the paymentRefund hook) closes the site
 * it opened.
 */
import { writeAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { transactionWithHotRowsLast } from '../../platform/db/hot-rows.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { claimOf, type Idempotent, idempotently, type Remember } from '../../platform/idempotency.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import type { OperatorRefund } from '../payments/payments.hooks.ts';
import {
  assertMethodAvailable,
  assertWholeRefund,
  createPayment,
  getPaymentForUser,
  markPaid,
  type PaymentView,
  recordRefund,
  toPaymentView,
} from '../payments/payments.service.ts';
import type { PaymentsTable, Provider } from '../payments/payments.tables.ts';
import * as q from './agents.queries.ts';
import { forgetSites } from './agents.sites.ts';

/** Where the platform books the opening fees of 分站. */
export const OPENING_FEE_REVENUE = 'platform:agent_opening_fees';

export async function openingFeeCents(db: Executor): Promise<number> {
  return getSetting(db, 'agents.openingFeeCents');
}

/** Starts paying the opening fee of the caller's approved application, at the fee the operators set. */
export async function payOpeningFee(
  deps: Deps,
  auth: AuthContext,
  body: { paymentMethod: Provider },
  idempotencyKey?: string,
): Promise<Idempotent<{ payment: PaymentView }>> {
  await deps.limiter.consume(`agent-opening:u:${auth.userId}`, { max: 10, windowMs: MINUTE }, 'opening fee payments');
  await assertMethodAvailable(deps, body.paymentMethod);
  const claim = claimOf('agent_opening', `u:${auth.userId}`, idempotencyKey, [body.paymentMethod]);
  return idempotently(
    deps,
    claim,
    async (id) => ({ payment: await getPaymentForUser(deps, auth, id) }),
    (remember) => startPaying(deps, auth, body.paymentMethod, remember),
  );
}

async function startPaying(
  deps: Deps,
  auth: AuthContext,
  method: Provider,
  remember: Remember,
): Promise<{ payment: PaymentView }> {
  const out = await transactionWithHotRowsLast(deps.db, async (tx) => {
    // locked: two payments started at once open the site once; the second finds nothing left to pay
    const agent = await q.agentOfUserForUpdate(tx, deps.dialect, auth.userId);
    if (!agent) throw new AppError('NOT_FOUND', 'You have not applied');
    if (agent.status !== 'awaiting_fee') {
      throw new AppError('INVALID_STATE', `Your application is ${agent.status}; there is no fee to pay`);
    }
    const fee = await openingFeeCents(tx);
    // dropping the fee opens the applications waiting for it (setAgentSettings): none is left here
    if (fee <= 0) throw new AppError('INVALID_STATE', 'There is no opening fee to pay');
    const now = deps.clock.now();
    const payment = await createPayment(tx, deps, {
      purpose: 'agent_opening',
      userId: auth.userId,
      provider: method,
      amountCents: fee,
      expiresAt: now + 2 * HOUR,
    });
    await q.updateAgent(tx, agent.id, { opening_payment_id: payment.id, updated_at: now });
    await remember(tx, payment.id);
    if (method !== 'balance') return { payment: toPaymentView(payment) };
    const paid = await markPaid(tx, deps, payment, payment.id);
    if (!paid.transitioned) throw new Error(`wallet payment ${payment.id} was already paid`);
    await bookOpeningFee(tx, deps, payment, paid.payer);
    return { payment: toPaymentView({ ...payment, status: 'paid' }) };
  });
  forgetSites(deps);
  return out;
}

/**
 * The paymentPaid hook for "agent_opening": books the fee and opens the site, once per payment. A fee that
 * finds no application waiting for it (rejected meanwhile, or already paid by another payment) goes back
 * at once to where it came from (the wallet, or the channel through its refund job).
 */
export async function bookOpeningFee(tx: Executor, deps: Deps, payment: PaymentsTable, payer: string): Promise<void> {
  if (!payment.user_id) throw new Error(`opening fee payment ${payment.id} has no user`);
  const booked = await postEntry(tx, deps, {
    id: `agent-opening:${payment.id}`,
    kind: 'agent_opening',
    refType: 'payment',
    refId: payment.id,
    transfers: [{ from: payer, to: OPENING_FEE_REVENUE, amountCents: payment.amount_cents }],
  });
  if (booked.status === 'insufficient_funds') {
    throw new AppError('INSUFFICIENT_FUNDS', 'Your wallet balance is not enough for the opening fee', {
      accountId: booked.accountId,
    });
  }
  const agent = await q.agentOfUser(tx, payment.user_id);
  const now = deps.clock.now();
  const opened =
    agent !== undefined &&
    (await q.transitionAgent(tx, agent.id, ['awaiting_fee'], {
      status: 'approved',
      opening_payment_id: payment.id,
      updated_at: now,
    }));
  if (opened) {
    forgetSites(deps);
    return;
  }
  await giveBack(tx, deps, payment, `rfd_${payment.id}_agent_opening`, 'the application was not waiting for a fee');
}

/** Revenue back to the payer: his wallet for a wallet payment, the channel (refund job) otherwise. */
async function giveBack(tx: Executor, deps: Deps, payment: PaymentsTable, refundId: string, reason: string) {
  const toWallet = payment.provider === 'balance';
  const fresh = await recordRefund(tx, deps, {
    refundId,
    paymentId: payment.id,
    orderId: null,
    amountCents: payment.amount_cents,
    destination: toWallet ? 'wallet' : 'original',
    reason,
  });
  if (!fresh) throw new AppError('INVALID_STATE', 'This opening fee has been refunded already');
  await postEntry(tx, deps, {
    id: `refund:${refundId}`,
    kind: 'refund',
    refType: 'payment',
    refId: payment.id,
    transfers: [
      {
        from: OPENING_FEE_REVENUE,
        to: toWallet ? `wallet:${payment.user_id}` : `clearing:${payment.provider}`,
        amountCents: payment.amount_cents,
      },
    ],
  });
}

/**
 * The paymentRefund hook for "agent_opening": an operator gives the whole fee back; the 分站 it opened
 * closes (rejected, with the refund's reason), since its fee is no longer paid.
 */
export async function refundOpeningFee(
  deps: Deps,
  auth: AuthContext,
  payment: PaymentsTable,
  body: OperatorRefund,
  ip: string,
  remember: Remember,
): Promise<{ refundId: string }> {
  assertWholeRefund(payment, body.amountCents, 'An opening fee');
  const refundId = `rfd_${payment.id}_agent_opening`;
  await deps.db.transaction().execute(async (tx) => {
    await giveBack(tx, deps, payment, refundId, body.reason);
    const agent = payment.user_id ? await q.agentOfUser(tx, payment.user_id) : undefined;
    const now = deps.clock.now();
    if (agent?.opening_payment_id === payment.id) {
      await q.transitionAgent(tx, agent.id, ['approved'], {
        status: 'rejected',
        reason: body.reason,
        decided_by: auth.userId,
        decided_at: now,
        updated_at: now,
      });
    }
    await remember(tx, refundId);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'refund.create',
      objectType: 'payment',
      objectId: payment.id,
      ip,
      details: { refundId, amountCents: payment.amount_cents, agentId: agent?.id ?? null },
    });
  });
  forgetSites(deps);
  return { refundId };
}
