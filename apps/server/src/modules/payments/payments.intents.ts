/**
 * A payment's life up to the money: created pending for a purpose (an order, a wallet top-up), then paid
 * exactly once. Every way a payment can be confirmed (a notification, a query, the wallet, reconciliation)
 * ends in `applyPaid`.
 */
import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import { transactionWithHotRowsLast } from '../../platform/db/hot-rows.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { postEntry, splitCommission } from '../ledger/ledger.service.ts';
import { isChannelProvider, loadChannel } from './payments.channels.ts';
import { paymentPaid } from './payments.hooks.ts';
import * as q from './payments.queries.ts';
import type { Provider } from './payments.tables.ts';
import type { PaymentRef } from './providers/provider.ts';

export async function createPayment(
  tx: Executor,
  deps: Deps,
  p: {
    purpose: 'order' | 'top_up' | 'level_upgrade' | 'agent_opening';
    orderId?: string;
    userId: string | null;
    provider: Provider;
    amountCents: number;
    expiresAt: number;
  },
): Promise<q.PaymentRow> {
  if (!Number.isSafeInteger(p.amountCents) || p.amountCents <= 0) {
    throw new AppError('UNPROCESSABLE', 'Amount must be a positive number of fen');
  }
  const now = deps.clock.now();
  // the fee rate in force when the buyer starts paying is the one booked when the money arrives
  const channel = isChannelProvider(p.provider) ? await loadChannel(deps, p.provider, tx) : null;
  const row: q.PaymentRow = {
    id: newId('pay', deps.clock, deps.random),
    purpose: p.purpose,
    order_id: p.orderId ?? null,
    user_id: p.userId,
    provider: p.provider,
    amount_cents: p.amountCents,
    status: 'pending',
    provider_trade_id: null,
    expires_at: p.expiresAt,
    paid_at: null,
    created_at: now,
    updated_at: now,
    scene: null,
    pay_url: null,
    qr_code: null,
    fee_bps: channel?.feeBps ?? 0,
    next_query_at: null,
    query_attempts: 0,
    provider_closed_at: null,
  };
  await q.insertPayment(tx, row);
  return row;
}

/**
 * A wallet payment, written already paid: the buyer's wallet is the payer and the caller debits it in the
 * same transaction (too little money rolls the payment back with everything else). What `createPayment`
 * followed by `markPaid` would leave, in one statement instead of two.
 */
export async function createPaidWalletPayment(
  tx: Executor,
  deps: Deps,
  p: { purpose: 'order' | 'top_up'; orderId?: string; userId: string; amountCents: number; expiresAt: number },
): Promise<{ payment: q.PaymentRow; payer: string }> {
  if (!Number.isSafeInteger(p.amountCents) || p.amountCents <= 0) {
    throw new AppError('UNPROCESSABLE', 'Amount must be a positive number of fen');
  }
  const now = deps.clock.now();
  const id = newId('pay', deps.clock, deps.random);
  const row: q.PaymentRow = {
    id,
    purpose: p.purpose,
    order_id: p.orderId ?? null,
    user_id: p.userId,
    provider: 'balance',
    amount_cents: p.amountCents,
    status: 'paid',
    // markPaid's trade id for a wallet payment: its own id
    provider_trade_id: id,
    expires_at: p.expiresAt,
    paid_at: now,
    created_at: now,
    updated_at: now,
    scene: null,
    pay_url: null,
    qr_code: null,
    fee_bps: 0,
    next_query_at: null,
    query_attempts: 0,
    provider_closed_at: null,
  };
  await q.insertPayment(tx, row);
  return { payment: row, payer: `wallet:${p.userId}` };
}

export type PaidOutcome = { transitioned: true } | { transitioned: false };

/**
 * Moves a confirmed payment to paid exactly once, inside the caller's transaction (guarded by status and
 * the unique provider trade id), and books the channel's fee. Answers the payer: the buyer's wallet for
 * the balance provider, the channel's clearing account for every other. What the payment was for is not
 * booked here: see `applyPaid`, or the wallet purchase, which books its order itself.
 */
export async function markPaid(
  tx: Executor,
  deps: Deps,
  payment: q.PaymentRow,
  tradeId: string,
): Promise<{ transitioned: true; payer: string } | { transitioned: false }> {
  const now = deps.clock.now();
  let moved: boolean;
  try {
    moved = await q.markPaymentPaid(tx, payment.id, tradeId, now);
  } catch (err) {
    if (isUniqueViolation(err)) return { transitioned: false };
    throw err;
  }
  if (!moved) return { transitioned: false };
  const payer = payment.provider === 'balance' ? `wallet:${payment.user_id}` : `clearing:${payment.provider}`;
  if (isChannelProvider(payment.provider) && payment.fee_bps > 0) {
    // the channel keeps its fee: it owes us that much less, and the platform bears it as cost
    const fee = splitCommission(payment.amount_cents, payment.fee_bps).commissionCents;
    if (fee > 0) {
      await postEntry(tx, deps, {
        id: `channel-fee:${payment.id}`,
        kind: 'channel_fee',
        refType: 'payment',
        refId: payment.id,
        transfers: [{ from: 'platform:channel_fees', to: payer, amountCents: fee }],
      });
    }
  }
  return { transitioned: true, payer };
}

/**
 * Applies a confirmed payment exactly once, inside the caller's transaction: the payment moves to paid
 * (`markPaid`), then the owner of its purpose books what it was for (the `paymentPaid` hook: orders for an
 * order, payments.top-ups.ts for a top-up), in the same transaction.
 */
export async function applyPaid(
  tx: Executor,
  deps: Deps,
  payment: q.PaymentRow,
  tradeId: string,
): Promise<PaidOutcome> {
  const paid = await markPaid(tx, deps, payment, tradeId);
  if (!paid.transitioned) return paid;
  await deps.hooks.get(paymentPaid, payment.purpose)(tx, deps, payment, paid.payer);
  return { transitioned: true };
}

const SUBJECTS: Partial<Record<q.PaymentRow['purpose'], string>> = {
  top_up: '卡盟钱包充值 Kameng wallet top-up',
  level_upgrade: '卡盟会员升级 Kameng member level',
  agent_opening: '卡盟分站开通费 Kameng sub-site opening fee',
};

export function paymentRef(p: q.PaymentRow): PaymentRef {
  return {
    id: p.id,
    amountCents: p.amount_cents,
    subject: SUBJECTS[p.purpose] ?? `卡盟订单 Kameng order ${p.order_id}`,
    expiresAt: p.expires_at,
    createdAt: p.created_at,
    providerTradeId: p.provider_trade_id,
  };
}

/** Marks a confirmed payment paid in one transaction: the transition, the booking, the follow-up jobs. */
export async function settlePaid(deps: Deps, paymentId: string, tradeNo: string): Promise<PaidOutcome> {
  return transactionWithHotRowsLast(deps.db, async (tx) => {
    const current = await q.findPayment(tx, paymentId);
    if (!current) throw new Error('payment vanished');
    return applyPaid(tx, deps, current, tradeNo);
  });
}

/** An order's latest payment: the one a replayed order request answers with. */
export async function latestPaymentForOrder(db: Executor, orderId: string): Promise<q.PaymentRow | undefined> {
  return (await q.paymentsForOrder(db, orderId)).at(-1);
}

/** Every payment of an order, oldest first, with its refunds (the traceability export). */
export async function paymentTrailOfOrder(db: Executor, orderId: string) {
  const [payments, refunds] = await Promise.all([q.paymentsForOrder(db, orderId), q.refundsForOrder(db, orderId)]);
  return { payments, refunds };
}

export async function paidPaymentForOrder(db: Executor, orderId: string): Promise<q.PaymentRow | undefined> {
  const rows = await q.paymentsForOrder(db, orderId);
  return rows.find((p) => p.status === 'paid');
}

export async function closePendingPayments(tx: Executor, deps: Deps, orderId: string): Promise<void> {
  await q.closePendingPayments(tx, orderId, deps.clock.now());
}
