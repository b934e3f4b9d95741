/**
 * Refunds: recorded once under their idempotency id, sent to the channel by a job with a refund number
 * fixed before the first attempt, retried by operators when a channel failed them.
 */
import { writeAudit } from '../../platform/audit.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { claimOf, idempotently } from '../../platform/idempotency.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { requireRecentAuth } from '../accounts/accounts.service.ts';
import { adapters, isChannelProvider, loadChannel, missingFor, notifyUrl } from './payments.channels.ts';
import { type OperatorRefund, paymentRefund } from './payments.hooks.ts';
import { paymentRef } from './payments.intents.ts';
import { channelRefundJob } from './payments.jobs-spec.ts';
import * as q from './payments.queries.ts';
import { toRefundView } from './payments.views.ts';
import type { PaymentsTable } from './payments.tables.ts';
import type { RefundOutcome } from './providers/provider.ts';

/**
 * What has been given back of a payment so far. Failed channel refunds count too: their money already left
 * our books, and they are sent again (retryRefund) rather than made anew.
 */
export async function refundedCents(db: Executor, paymentId: string): Promise<number> {
  return (await q.refundsForPayment(db, paymentId)).reduce((s, r) => s + r.amount_cents, 0);
}

/** What has been given back of a payment for one reason (an operator's partial refunds, say). */
export async function refundedCentsFor(db: Executor, paymentId: string, reason: string): Promise<number> {
  const rows = await q.refundsForPayment(db, paymentId);
  return rows.filter((r) => r.reason === reason).reduce((s, r) => s + Number(r.amount_cents), 0);
}

/** The refund number a channel sees: short, charset-safe, derived from our refund id, fixed at insert. */
export function channelRefundNo(refundId: string): string {
  return `R${sha256Hex(refundId).slice(0, 31)}`;
}

/**
 * Records a refund; its id is the idempotency key, so a retried refund is recorded once. Wallet refunds
 * are booked by the caller's ledger entry. A refund to a real channel is written pending with its channel
 * refund number and its job in the same transaction, so the number exists before the first attempt and
 * every retry sends the same one; the sandbox settles at once.
 */
export async function recordRefund(
  tx: Executor,
  deps: Deps,
  r: {
    refundId: string;
    paymentId: string;
    orderId: string | null;
    amountCents: number;
    destination: 'wallet' | 'original';
    reason: string;
  },
): Promise<boolean> {
  const now = deps.clock.now();
  const payment = await q.findPayment(tx, r.paymentId);
  const viaChannel = r.destination === 'original' && payment !== undefined && isChannelProvider(payment.provider);
  const fresh = await q.insertRefund(tx, {
    id: r.refundId,
    payment_id: r.paymentId,
    order_id: r.orderId,
    amount_cents: r.amountCents,
    destination: r.destination,
    reason: r.reason,
    status: viaChannel ? 'pending' : 'succeeded',
    created_at: now,
    updated_at: now,
    channel_refund_no: viaChannel ? channelRefundNo(r.refundId) : null,
    provider_refund_id: null,
    attempts: 0,
    last_error: null,
  });
  if (fresh && viaChannel) await enqueue(tx, deps, channelRefundJob, { refundId: r.refundId });
  return fresh;
}

/**
 * The channel refund job: one attempt at the channel with the stored refund number. A refusal is final
 * and surfaced (failed, with the channel's reason); an error or a refund still processing is retried;
 * the last attempt marks it failed for an operator to retry.
 */
export async function sendChannelRefund(
  deps: Deps,
  refundId: string,
  attempt: { n: number; max: number },
): Promise<void> {
  const refund = await q.findRefund(deps.db, refundId);
  if (refund?.status !== 'pending' || !refund.channel_refund_no) return;
  const payment = await q.findPayment(deps.db, refund.payment_id);
  if (!payment || !isChannelProvider(payment.provider)) throw new Error(`refund ${refundId} has no channel payment`);
  const now = deps.clock.now();
  const giveUp = async (error: string) => {
    await q.noteRefundAttempt(deps.db, refundId, error, now);
    if (attempt.n >= attempt.max) await q.settleRefund(deps.db, refundId, 'failed', { lastError: error }, now);
  };
  const channel = await loadChannel(deps, payment.provider);
  if (!channel || missingFor(deps, channel).length > 0) {
    await giveUp('channel not configured');
    throw new Error(`refund ${refundId}: the ${payment.provider} channel is not configured`);
  }
  let out: RefundOutcome;
  try {
    out = await adapters(deps)[payment.provider].refund(channel, paymentRef(payment), {
      channelRefundNo: refund.channel_refund_no,
      amountCents: refund.amount_cents,
      reason: refund.reason,
      notifyUrl: notifyUrl(channel),
      createdAt: refund.created_at,
    });
  } catch (err) {
    await giveUp((err as Error).message.slice(0, 500));
    throw err;
  }
  if (out.status === 'succeeded') {
    await q.noteRefundAttempt(deps.db, refundId, null, now);
    await q.settleRefund(deps.db, refundId, 'succeeded', { providerRefundId: out.providerRefundId }, now);
    return;
  }
  if (out.status === 'rejected') {
    await q.noteRefundAttempt(deps.db, refundId, out.reason, now);
    await q.settleRefund(deps.db, refundId, 'failed', { lastError: out.reason }, now);
    deps.log.error({ refundId, reason: out.reason }, 'channel refused a refund');
    return;
  }
  await giveUp('the channel is still processing the refund');
  throw new Error(`refund ${refundId}: still processing at ${payment.provider}`);
}

export async function listRefunds(
  deps: Deps,
  f: { status?: q.RefundRow['status'] | undefined; page: number; pageSize: number },
) {
  const { rows, total } = await q.listRefunds(deps.db, {
    status: f.status,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return { items: rows.map(toRefundView), total };
}

/** An operator sends a failed channel refund again, with the same refund number. */
export async function retryRefund(deps: Deps, auth: AuthContext, refundId: string, ip: string) {
  return deps.db.transaction().execute(async (tx) => {
    const refund = await q.findRefund(tx, refundId);
    if (!refund) throw new AppError('NOT_FOUND', 'No such refund');
    if (!refund.channel_refund_no) throw new AppError('INVALID_STATE', 'Only channel refunds are sent again');
    if (!(await q.reopenRefund(tx, refundId, deps.clock.now()))) {
      throw new AppError('INVALID_STATE', `A refund that is ${refund.status} is not sent again`);
    }
    await enqueue(tx, deps, channelRefundJob, { refundId });
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'refund.retry',
      objectType: 'refund',
      objectId: refundId,
      ip,
    });
    return toRefundView({ ...refund, status: 'pending' });
  });
}

/**
 * For purposes that are refunded only whole (a level upgrade, a 分站's opening fee): the payment must be paid
 * and the refund all of it; `what` names the purpose in the error.
 */
export function assertWholeRefund(payment: PaymentsTable, amountCents: number, what: string): void {
  if (payment.status !== 'paid') {
    throw new AppError('INVALID_STATE', `A payment that is ${payment.status} has nothing to refund`);
  }
  if (amountCents !== payment.amount_cents) {
    throw new AppError('UNPROCESSABLE', `${what} is refunded in full`, { refundableCents: payment.amount_cents });
  }
}

/**
 * An operator refunds a payment, fully or in part. What may be given back, and from where, belongs to the
 * owner of the payment's purpose (the `paymentRefund` hook): an order's payment through its order and its
 * escrow, a wallet top-up through payments.top-ups.ts. Money leaves the platform, so the operator proves his
 * password (and TOTP) within the step-up window, as for a withdrawal (PROMISES #24).
 */
export async function refundPayment(
  deps: Deps,
  auth: AuthContext,
  paymentId: string,
  body: OperatorRefund,
  ip: string,
  idempotencyKey?: string,
) {
  await requireRecentAuth(deps, auth);
  const payment = await q.findPayment(deps.db, paymentId);
  if (!payment) throw new AppError('NOT_FOUND', 'No such payment');
  const claim = claimOf('refund', `u:${auth.userId}`, idempotencyKey, [paymentId, body]);
  const load = async (refundId: string) => {
    const row = await q.findRefund(deps.db, refundId);
    if (!row) throw new Error('refund vanished');
    return toRefundView(row);
  };
  return idempotently(deps, claim, load, async (remember) => {
    const refund = deps.hooks.get(paymentRefund, payment.purpose);
    return load((await refund(deps, auth, payment, body, ip, remember)).refundId);
  });
}
