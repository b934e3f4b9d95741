/**
 * Buying a level: a payment of purpose `level_upgrade` through any channel or the wallet. Payments calls
 * `bookUpgrade` (its paymentPaid hook) once, in the transaction that marks the payment paid: the money goes
 * to the platform's upgrade revenue and the user holds the level. An operator's refund of that payment
 * (`refundUpgrade`, the paymentRefund hook) gives all of it back and takes the bought level away.
 */
import { writeAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { transactionWithHotRowsLast } from '../../platform/db/hot-rows.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { claimOf, type Idempotent, idempotently, type Remember } from '../../platform/idempotency.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
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
import { standingOf } from './members.levels.ts';
import * as q from './members.queries.ts';

/** Where the platform books what members pay for levels. */
export const UPGRADE_REVENUE = 'platform:member_upgrades';

/** Starts buying `levelId` at its price (from the database); the wallet pays at once, a channel at its cashier. */
export async function buyLevel(
  deps: Deps,
  auth: AuthContext,
  body: { levelId: string; paymentMethod: Provider },
  idempotencyKey?: string,
): Promise<Idempotent<{ payment: PaymentView }>> {
  await deps.limiter.consume(`level-upgrade:u:${auth.userId}`, { max: 10, windowMs: MINUTE }, 'level upgrades');
  await assertMethodAvailable(deps, body.paymentMethod);
  const claim = claimOf('level_upgrade', `u:${auth.userId}`, idempotencyKey, [body.levelId, body.paymentMethod]);
  return idempotently(
    deps,
    claim,
    async (id) => ({ payment: await getPaymentForUser(deps, auth, id) }),
    (remember) => startUpgrade(deps, auth, body, remember),
  );
}

async function startUpgrade(
  deps: Deps,
  auth: AuthContext,
  body: { levelId: string; paymentMethod: Provider },
  remember: Remember,
): Promise<{ payment: PaymentView }> {
  const wallet = body.paymentMethod === 'balance';
  return transactionWithHotRowsLast(deps.db, async (tx) => {
    const levels = await q.listLevels(tx);
    const level = levels.find((l) => l.id === body.levelId);
    if (!level) throw new AppError('NOT_FOUND', 'No such level');
    if (level.upgrade_price_cents === null) {
      throw new AppError('UNPROCESSABLE', 'This level cannot be bought', {
        issues: [{ path: ['levelId'], message: 'not for sale' }],
      });
    }
    const current = standingOf(levels, await q.findMember(tx, auth.userId)).level;
    if (current && current.rank >= level.rank) {
      throw new AppError('UNPROCESSABLE', 'You are already at this level or above', {
        issues: [{ path: ['levelId'], message: 'not an upgrade' }],
      });
    }
    const now = deps.clock.now();
    const payment = await createPayment(tx, deps, {
      purpose: 'level_upgrade',
      userId: auth.userId,
      provider: body.paymentMethod,
      amountCents: Number(level.upgrade_price_cents),
      expiresAt: now + 2 * HOUR,
    });
    await q.insertUpgrade(tx, {
      payment_id: payment.id,
      user_id: auth.userId,
      level_id: level.id,
      amount_cents: payment.amount_cents,
      status: 'pending',
      created_at: now,
      updated_at: now,
    });
    await remember(tx, payment.id);
    if (!wallet) return { payment: toPaymentView(payment) };
    const paid = await markPaid(tx, deps, payment, payment.id);
    if (!paid.transitioned) throw new Error(`wallet payment ${payment.id} was already paid`);
    await bookUpgrade(tx, deps, payment, paid.payer);
    return { payment: toPaymentView({ ...payment, status: 'paid' }) };
  });
}

/** The paymentPaid hook for "level_upgrade": books the money and grants the level, once per payment. */
export async function bookUpgrade(tx: Executor, deps: Deps, payment: PaymentsTable, payer: string): Promise<void> {
  const upgrade = await q.findUpgrade(tx, payment.id);
  if (!upgrade) throw new Error(`level upgrade payment ${payment.id} has no upgrade`);
  const booked = await postEntry(tx, deps, {
    id: `level-upgrade:${payment.id}`,
    kind: 'level_upgrade',
    refType: 'payment',
    refId: payment.id,
    transfers: [{ from: payer, to: UPGRADE_REVENUE, amountCents: payment.amount_cents }],
  });
  if (booked.status === 'insufficient_funds') {
    throw new AppError('INSUFFICIENT_FUNDS', 'Your wallet balance is not enough for this level', {
      accountId: booked.accountId,
    });
  }
  if (!(await q.moveUpgrade(tx, payment.id, 'pending', 'paid', deps.clock.now()))) return;
  const now = deps.clock.now();
  await q.ensureMember(tx, upgrade.user_id, now);
  const levels = await q.listLevels(tx);
  const bought = levels.find((l) => l.id === upgrade.level_id);
  const member = await q.findMember(tx, upgrade.user_id);
  const granted = levels.find((l) => l.id === member?.granted_level_id);
  // a level deleted since, or a higher one granted meanwhile: the money is booked (refundable), nothing lowers him
  if (!bought || (granted && granted.rank >= bought.rank)) return;
  await q.setGrant(tx, upgrade.user_id, { granted_level_id: bought.id, granted_by: 'purchase', granted_at: now }, now);
}

/** The paymentRefund hook for "level_upgrade": all of it, back where it came from; the bought level goes. */
export async function refundUpgrade(
  deps: Deps,
  auth: AuthContext,
  payment: PaymentsTable,
  body: OperatorRefund,
  ip: string,
  remember: Remember,
): Promise<{ refundId: string }> {
  assertWholeRefund(payment, body.amountCents, 'A level upgrade');
  const refundId = `rfd_${payment.id}_level_upgrade`;
  await deps.db.transaction().execute(async (tx) => {
    const upgrade = await q.findUpgrade(tx, payment.id);
    if (!upgrade) throw new Error(`level upgrade payment ${payment.id} has no upgrade`);
    const now = deps.clock.now();
    if (!(await q.moveUpgrade(tx, payment.id, 'paid', 'refunded', now))) {
      throw new AppError('INVALID_STATE', 'This upgrade has been refunded already');
    }
    const toWallet = payment.provider === 'balance';
    const destination = toWallet ? `wallet:${upgrade.user_id}` : `clearing:${payment.provider}`;
    await postEntry(tx, deps, {
      id: `refund:${refundId}`,
      kind: 'refund',
      refType: 'payment',
      refId: payment.id,
      transfers: [{ from: UPGRADE_REVENUE, to: destination, amountCents: payment.amount_cents }],
    });
    await recordRefund(tx, deps, {
      refundId,
      paymentId: payment.id,
      orderId: null,
      amountCents: payment.amount_cents,
      destination: toWallet ? 'wallet' : 'original',
      reason: body.reason,
    });
    const member = await q.findMember(tx, upgrade.user_id);
    if (member?.granted_level_id === upgrade.level_id && member.granted_by === 'purchase') {
      await q.setGrant(tx, upgrade.user_id, { granted_level_id: null, granted_by: null, granted_at: null }, now);
    }
    await remember(tx, refundId);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'refund.create',
      objectType: 'payment',
      objectId: payment.id,
      ip,
      details: { refundId, amountCents: payment.amount_cents, levelId: upgrade.level_id },
    });
  });
  return { refundId };
}
