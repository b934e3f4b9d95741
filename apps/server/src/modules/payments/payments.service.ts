import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import { postEntry } from '../ledger/ledger.service.ts';
import { onOrderPaid } from '../orders/orders.service.ts';
import { sandboxNotifyJob } from './payments.jobs.ts';
import * as q from './payments.queries.ts';
import type { Provider } from './payments.tables.ts';
import { SANDBOX_MERCHANT_ID, verifySandboxNotification } from './providers/sandbox.ts';

export interface PaymentView {
  id: string;
  method: Provider;
  status: q.PaymentRow['status'];
  amountCents: number;
  payUrl?: string;
}

export function toPaymentView(p: q.PaymentRow): PaymentView {
  return {
    id: p.id,
    method: p.provider,
    status: p.status,
    amountCents: p.amount_cents,
    ...(p.provider === 'sandbox' && p.status === 'pending' ? { payUrl: `/sandbox/payments/${p.id}` } : {}),
  };
}

/** The sandbox is on when the environment says so or an operator turned it on. */
export async function sandboxEnabled(deps: Deps): Promise<boolean> {
  const setting = await getSetting(deps.db, 'payments.sandboxEnabled');
  return setting ?? deps.config.sandbox;
}

export async function assertMethodAvailable(deps: Deps, method: Provider): Promise<void> {
  if (method === 'balance') return;
  if (method === 'sandbox' && (await sandboxEnabled(deps))) return;
  throw new AppError('UNPROCESSABLE', `Payment method ${method} is not available`, {
    issues: [{ path: ['paymentMethod'], message: 'not available' }],
  });
}

export async function createPayment(
  tx: Executor,
  deps: Deps,
  p: {
    purpose: 'order' | 'top_up';
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
  };
  await q.insertPayment(tx, row);
  return row;
}

export type PaidOutcome = { transitioned: true } | { transitioned: false };

/**
 * Applies a confirmed payment exactly once, inside the caller's transaction: the payment row moves
 * to paid (guarded by status and the unique provider trade id), then the money is booked.
 * The balance provider's payer is the buyer's wallet; every other provider's is its clearing account.
 */
export async function applyPaid(
  tx: Executor,
  deps: Deps,
  payment: q.PaymentRow,
  tradeId: string,
): Promise<PaidOutcome> {
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
  if (payment.purpose === 'top_up') {
    if (!payment.user_id) throw new Error(`top-up ${payment.id} has no user`);
    await postEntry(tx, deps, {
      id: `topup:${payment.id}`,
      kind: 'top_up',
      refType: 'payment',
      refId: payment.id,
      transfers: [{ from: payer, to: `wallet:${payment.user_id}`, amountCents: payment.amount_cents }],
    });
  } else if (payment.order_id) {
    await onOrderPaid(tx, deps, payment.order_id, { paymentId: payment.id, payer, provider: payment.provider });
  }
  return { transitioned: true };
}

export interface NotifyResult {
  ok: boolean;
  reason?: string;
}

/**
 * Every provider's asynchronous notification arrives here as raw bytes. It is verified before it is
 * parsed; only then does it change anything, and the caller acknowledges only after this commits.
 */
export async function handleNotification(
  deps: Deps,
  provider: string,
  raw: Buffer,
  headers: Record<string, unknown>,
): Promise<NotifyResult> {
  const now = deps.clock.now();
  const record = async (paymentId: string | null, outcome: string, detail?: string) =>
    q.insertNotification(deps.db, {
      id: newId('ntf', deps.clock, deps.random),
      provider,
      payment_id: paymentId,
      outcome,
      detail: detail ?? null,
      received_at: now,
    });
  if (provider !== 'sandbox') {
    await record(null, 'rejected', 'unknown provider');
    return { ok: false, reason: 'unknown provider' };
  }
  if (!(await sandboxEnabled(deps))) {
    await record(null, 'rejected', 'sandbox disabled');
    return { ok: false, reason: 'sandbox disabled' };
  }
  const verified = verifySandboxNotification(deps, raw, headers);
  if (!verified.ok) {
    await record(null, 'rejected', verified.reason);
    return { ok: false, reason: verified.reason };
  }
  const n = verified.value;
  // a notification from one provider can only settle a payment created for that provider
  const payment = await q.findPaymentForProvider(deps.db, n.paymentId, 'sandbox');
  if (!payment) {
    await record(null, 'rejected', 'unknown payment');
    return { ok: false, reason: 'unknown payment' };
  }
  if (payment.amount_cents !== n.amountCents || n.merchantId !== SANDBOX_MERCHANT_ID) {
    await record(payment.id, 'rejected', 'amount or merchant mismatch');
    return { ok: false, reason: 'amount or merchant mismatch' };
  }
  if (n.status === 'PENDING') {
    await record(payment.id, 'ignored', 'pending status never moves a payment');
    return { ok: true };
  }
  if (n.status === 'FAILED') {
    await q.markPaymentFailed(deps.db, payment.id, now);
    await record(payment.id, 'failed');
    return { ok: true };
  }
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const current = await q.findPayment(tx, payment.id);
    if (!current) throw new Error('payment vanished');
    return applyPaid(tx, deps, current, n.tradeNo);
  });
  await record(payment.id, outcome.transitioned ? 'paid' : 'duplicate');
  return { ok: true };
}

export async function getPaymentForUser(deps: Deps, auth: AuthContext | null, id: string): Promise<PaymentView> {
  const p = await q.findPayment(deps.db, id);
  // payments of guest orders are visible by id alone: the id is unguessable and shows no keys
  if (!p || (p.user_id !== null && p.user_id !== auth?.userId)) throw new AppError('NOT_FOUND', 'No such payment');
  return toPaymentView(p);
}

/** The sandbox cashier page is opened by link, like a real provider's cashier: the id alone finds it. */
export async function getSandboxPayment(deps: Deps, id: string): Promise<PaymentView> {
  const p = await q.findPaymentForProvider(deps.db, id, 'sandbox');
  if (!p) throw new AppError('NOT_FOUND', 'No such sandbox payment');
  return toPaymentView(p);
}

export async function startTopUp(
  deps: Deps,
  auth: AuthContext,
  body: { amountCents: number; paymentMethod: Provider },
): Promise<{ payment: PaymentView }> {
  if (body.paymentMethod === 'balance') {
    throw new AppError('UNPROCESSABLE', 'A wallet cannot be topped up from itself', {
      issues: [{ path: ['paymentMethod'], message: 'not allowed for top-ups' }],
    });
  }
  await assertMethodAvailable(deps, body.paymentMethod);
  const payment = await deps.db.transaction().execute((tx) =>
    createPayment(tx, deps, {
      purpose: 'top_up',
      userId: auth.userId,
      provider: body.paymentMethod,
      amountCents: body.amountCents,
      expiresAt: deps.clock.now() + 2 * HOUR,
    }),
  );
  return { payment: toPaymentView(payment) };
}

export interface SandboxBehaviour {
  outcome: 'success' | 'fail';
  /** extra copies of the notification, sent concurrently */
  duplicates: number;
  delayMs: number;
  /** the first N delivery attempts are lost on the way */
  dropFirst: number;
  /** the first attempt is processed but its acknowledgement is lost, so it is sent again */
  loseFirstAck: boolean;
  /** also send a stale PENDING notification after the final one */
  staleAfter: boolean;
}

/** The sandbox gateway takes the buyer's money (pretend) and notifies Kameng asynchronously. */
export async function sandboxComplete(
  deps: Deps,
  paymentId: string,
  b: SandboxBehaviour,
): Promise<{ tradeNo: string }> {
  if (!(await sandboxEnabled(deps))) throw new AppError('NOT_FOUND', 'The sandbox gateway is off');
  const payment = await q.findPaymentForProvider(deps.db, paymentId, 'sandbox');
  if (!payment) throw new AppError('NOT_FOUND', 'No such sandbox payment');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    await q.upsertSandboxTrade(tx, {
      payment_id: payment.id,
      trade_no: `SBX${payment.id.slice(4).toUpperCase()}`,
      amount_cents: payment.amount_cents,
      status: b.outcome === 'success' ? 'paid' : 'failed',
      created_at: now,
    });
    const trade = await q.findSandboxTrade(tx, payment.id);
    if (!trade) throw new Error('sandbox trade vanished');
    const status = trade.status === 'paid' ? ('SUCCESS' as const) : ('FAILED' as const);
    for (let i = 0; i <= b.duplicates; i++) {
      await enqueue(
        tx,
        deps,
        sandboxNotifyJob,
        {
          paymentId: payment.id,
          status,
          dropFirst: i === 0 ? b.dropFirst : 0,
          loseFirstAck: i === 0 && b.loseFirstAck,
        },
        { delayMs: b.delayMs },
      );
    }
    if (b.staleAfter) {
      await enqueue(
        tx,
        deps,
        sandboxNotifyJob,
        { paymentId: payment.id, status: 'PENDING', dropFirst: 0, loseFirstAck: false },
        { delayMs: b.delayMs + 50 },
      );
    }
    return { tradeNo: trade.trade_no };
  });
}

/**
 * Records a refund; its id is the idempotency key, so a retried refund is recorded once. Wallet refunds
 * are booked by the caller's ledger entry; refunds to the original channel are settled by the sandbox
 * at once, and real channels (#5) will call their refund API with this id as the idempotency key.
 */
export async function recordRefund(
  tx: Executor,
  deps: Deps,
  r: {
    refundId: string;
    paymentId: string;
    orderId: string;
    amountCents: number;
    destination: 'wallet' | 'original';
    reason: string;
  },
): Promise<boolean> {
  const now = deps.clock.now();
  return q.insertRefund(tx, {
    id: r.refundId,
    payment_id: r.paymentId,
    order_id: r.orderId,
    amount_cents: r.amountCents,
    destination: r.destination,
    reason: r.reason,
    status: 'succeeded',
    created_at: now,
    updated_at: now,
  });
}

export async function paidPaymentForOrder(db: Executor, orderId: string): Promise<q.PaymentRow | undefined> {
  const rows = await q.paymentsForOrder(db, orderId);
  return rows.find((p) => p.status === 'paid');
}

export async function closePendingPayments(tx: Executor, deps: Deps, orderId: string): Promise<void> {
  await q.closePendingPayments(tx, orderId, deps.clock.now());
}
