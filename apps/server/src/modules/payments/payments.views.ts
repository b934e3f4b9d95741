import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import * as q from './payments.queries.ts';
import type { Provider } from './payments.tables.ts';

export interface PaymentView {
  id: string;
  method: Provider;
  status: q.PaymentRow['status'];
  amountCents: number;
  expiresAt: number;
  scene: string | null;
  payUrl?: string;
  qrCode?: string;
}

export function toPaymentView(p: q.PaymentRow): PaymentView {
  const pending = p.status === 'pending';
  return {
    id: p.id,
    method: p.provider,
    status: p.status,
    amountCents: p.amount_cents,
    expiresAt: p.expires_at,
    scene: p.scene,
    ...(p.provider === 'sandbox' && pending ? { payUrl: `/sandbox/payments/${p.id}` } : {}),
    ...(pending && p.pay_url ? { payUrl: p.pay_url } : {}),
    ...(pending && p.qr_code ? { qrCode: p.qr_code } : {}),
  };
}

export async function getPaymentForUser(deps: Deps, auth: AuthContext | null, id: string): Promise<PaymentView> {
  const p = await q.findPayment(deps.db, id);
  // payments of guest orders are visible by id alone: the id is unguessable and shows no keys
  if (!p || (p.user_id !== null && p.user_id !== auth?.userId)) throw new AppError('NOT_FOUND', 'No such payment');
  return toPaymentView(p);
}

export function toRefundView(r: q.RefundRow) {
  return {
    id: r.id,
    paymentId: r.payment_id,
    orderId: r.order_id,
    amountCents: r.amount_cents,
    destination: r.destination,
    reason: r.reason,
    status: r.status,
    channelRefundNo: r.channel_refund_no,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What an operator needs to answer "did this payment arrive?": the payment, what the channel told us, its refunds. */
export async function getPaymentForOperator(deps: Deps, id: string) {
  const p = await q.findPayment(deps.db, id);
  if (!p) throw new AppError('NOT_FOUND', 'No such payment');
  const [notifications, refunds] = await Promise.all([
    q.notificationsForPayment(deps.db, id, 100),
    q.refundsForPayment(deps.db, id),
  ]);
  return {
    ...toPaymentView(p),
    purpose: p.purpose,
    orderId: p.order_id,
    userId: p.user_id,
    providerTradeId: p.provider_trade_id,
    feeBps: p.fee_bps,
    paidAt: p.paid_at,
    createdAt: p.created_at,
    queryAttempts: p.query_attempts,
    nextQueryAt: p.next_query_at,
    providerClosedAt: p.provider_closed_at,
    notifications: notifications.map((n) => ({ outcome: n.outcome, detail: n.detail, receivedAt: n.received_at })),
    refunds: refunds.map(toRefundView),
  };
}
