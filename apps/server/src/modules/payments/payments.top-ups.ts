/** Wallet top-ups: started by the buyer, booked into the wallet when paid, given back through their channel. */
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { claimOf, type Idempotent, idempotently, type Remember } from '../../platform/idempotency.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import { isChannelProvider } from './payments.channels.ts';
import { assertMethodAvailable } from './payments.checkout.ts';
import type { OperatorRefund } from './payments.hooks.ts';
import { createPayment } from './payments.intents.ts';
import * as q from './payments.queries.ts';
import { recordRefund, refundedCents } from './payments.refunds.ts';
import type { PaymentsTable, Provider } from './payments.tables.ts';
import { type PaymentView, toPaymentView } from './payments.views.ts';

/**
 * Starts a top-up. With an Idempotency-Key, the same key and body answer the same top-up (`replayed`);
 * the same key with another body is refused (PROMISES #12).
 */
export async function startTopUp(
  deps: Deps,
  auth: AuthContext,
  body: { amountCents: number; paymentMethod: Provider },
  idempotencyKey?: string,
): Promise<Idempotent<{ payment: PaymentView }>> {
  if (body.paymentMethod === 'balance') {
    throw new AppError('UNPROCESSABLE', 'A wallet cannot be topped up from itself', {
      issues: [{ path: ['paymentMethod'], message: 'not allowed for top-ups' }],
    });
  }
  await assertMethodAvailable(deps, body.paymentMethod);
  const claim = claimOf('top_up', `u:${auth.userId}`, idempotencyKey, [body.amountCents, body.paymentMethod]);
  return idempotently(
    deps,
    claim,
    async (id) => {
      const payment = await q.findPayment(deps.db, id);
      if (!payment) throw new Error(`top-up ${id} vanished`);
      return { payment: toPaymentView(payment) };
    },
    async (remember) => {
      const payment = await deps.db.transaction().execute(async (tx) => {
        const created = await createPayment(tx, deps, {
          purpose: 'top_up',
          userId: auth.userId,
          provider: body.paymentMethod,
          amountCents: body.amountCents,
          expiresAt: deps.clock.now() + 2 * HOUR,
        });
        await remember(tx, created.id);
        return created;
      });
      return { payment: toPaymentView(payment) };
    },
  );
}

/** A top-up is paid (the `paymentPaid` hook for "top_up", in the paying transaction): the money goes into the wallet. */
export async function bookTopUp(tx: Executor, deps: Deps, payment: PaymentsTable, payer: string): Promise<void> {
  if (!payment.user_id) throw new Error(`top-up ${payment.id} has no user`);
  await postEntry(tx, deps, {
    id: `topup:${payment.id}`,
    kind: 'top_up',
    refType: 'payment',
    refId: payment.id,
    transfers: [{ from: payer, to: `wallet:${payment.user_id}`, amountCents: payment.amount_cents }],
  });
}

/**
 * An operator refunds a top-up (the `paymentRefund` hook for "top_up"), fully or in part, back through its
 * channel: the wallet gives the money back to the channel's clearing account (never below zero) and the
 * channel refund follows.
 */
export async function refundTopUp(
  deps: Deps,
  auth: AuthContext,
  { id: paymentId }: PaymentsTable,
  body: OperatorRefund,
  ip: string,
  remember: Remember,
): Promise<{ refundId: string }> {
  if (body.destination !== 'original') {
    throw new AppError('UNPROCESSABLE', 'A top-up goes back where it came from', {
      issues: [{ path: ['destination'], message: 'only original for top-ups' }],
    });
  }
  return deps.db.transaction().execute(async (tx) => {
    // locked: two refunds at once (a double click) must not both see "nothing refunded yet"
    const payment = await q.findPaymentForUpdate(tx, deps.dialect, paymentId);
    if (!payment) throw new AppError('NOT_FOUND', 'No such payment');
    if (payment.purpose !== 'top_up' || !payment.user_id) throw new Error(`payment ${paymentId} is no top-up`);
    if (payment.status !== 'paid')
      throw new AppError('INVALID_STATE', `A payment that is ${payment.status} has nothing to refund`);
    if (!isChannelProvider(payment.provider) && payment.provider !== 'sandbox') {
      throw new AppError('UNPROCESSABLE', `Payments by ${payment.provider} are not refunded to a channel`);
    }
    const refunded = await refundedCents(tx, paymentId);
    if (body.amountCents > payment.amount_cents - refunded) {
      throw new AppError('UNPROCESSABLE', 'More than what is left to refund', {
        refundableCents: payment.amount_cents - refunded,
      });
    }
    const refundId = newId('rfd', deps.clock, deps.random);
    const booked = await postEntry(tx, deps, {
      id: `refund:${refundId}`,
      kind: 'refund',
      refType: 'payment',
      refId: paymentId,
      transfers: [
        { from: `wallet:${payment.user_id}`, to: `clearing:${payment.provider}`, amountCents: body.amountCents },
      ],
    });
    if (booked.status === 'insufficient_funds') {
      throw new AppError('INSUFFICIENT_FUNDS', 'The wallet no longer holds that much', { accountId: booked.accountId });
    }
    await recordRefund(tx, deps, {
      refundId,
      paymentId,
      orderId: null,
      amountCents: body.amountCents,
      destination: 'original',
      reason: body.reason,
    });
    await remember(tx, refundId);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'refund.create',
      objectType: 'payment',
      objectId: paymentId,
      ip,
      details: { refundId, amountCents: body.amountCents },
    });
    return { refundId };
  });
}
