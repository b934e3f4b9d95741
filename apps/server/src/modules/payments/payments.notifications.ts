/**
 * Notifications from the gateways: verified on their raw bytes before they are parsed, matched against our
 * own payment, recorded (accepted or refused, and why), and only then allowed to change anything.
 */
import { newId } from '../../platform/clock.ts';
import type { Deps } from '../../platform/deps.ts';
import { adapters, isChannelProvider, loadChannel, missingFor } from './payments.channels.ts';
import { paymentRef, settlePaid } from './payments.intents.ts';
import * as q from './payments.queries.ts';
import { sandboxEnabled } from './payments.sandbox.ts';
import type { ChannelProvider } from './payments.tables.ts';
import type { IncomingNotification } from './providers/provider.ts';
import { providerOf } from './providers/registry.ts';
import { SANDBOX_MERCHANT_ID, verifySandboxNotification } from './providers/sandbox.ts';

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
  incoming: Omit<IncomingNotification, 'raw' | 'headers'> = { rawQuery: '', method: 'POST', ip: '' },
): Promise<NotifyResult> {
  const now = deps.clock.now();
  const record = recorder(deps, provider, now);
  if (isChannelProvider(provider)) return handleChannelNotification(deps, provider, { ...incoming, raw, headers });
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
  const outcome = await settlePaid(deps, payment.id, n.tradeNo);
  await record(payment.id, outcome.transitioned ? 'paid' : 'duplicate');
  return { ok: true };
}

/**
 * A channel's notification from the route: handled, then answered in the channel's own protocol. An
 * unexpected error answers 500 so the channel sends it again; nothing is acknowledged before our commit.
 */
export async function receiveChannelNotification(
  deps: Deps,
  provider: ChannelProvider,
  n: IncomingNotification,
): Promise<{ status: number; contentType: string; body: string }> {
  const adapter = adapters(deps)[provider];
  try {
    const r = await handleNotification(deps, provider, n.raw, n.headers, n);
    return adapter.ack(r.ok);
  } catch (err) {
    deps.log.error({ provider, err: (err as Error).message }, 'notification handling failed');
    return { ...adapter.ack(false), status: 500 };
  }
}

export function recorder(deps: Deps, provider: string, now: number) {
  return async (paymentId: string | null, outcome: string, detail?: string) =>
    q.insertNotification(deps.db, {
      id: newId('ntf', deps.clock, deps.random),
      provider,
      payment_id: paymentId,
      outcome,
      detail: detail?.slice(0, 500) ?? null,
      received_at: now,
    });
}

/**
 * A real channel's notification: verified by the channel's adapter on the raw bytes (signature, merchant,
 * timestamps), then matched against our own payment (created for this provider, same amount in fen),
 * and for 易支付 confirmed by an order query, before the one paid transition.
 */
async function handleChannelNotification(
  deps: Deps,
  provider: ChannelProvider,
  n: IncomingNotification,
): Promise<NotifyResult> {
  const record = recorder(deps, provider, deps.clock.now());
  const reject = async (reason: string, paymentId: string | null = null) => {
    await record(paymentId, 'rejected', reason);
    return { ok: false, reason };
  };
  const channel = await loadChannel(deps, provider);
  if (!channel || missingFor(deps, channel).length > 0) return reject('channel not configured');
  const adapter = adapters(deps)[provider];
  const verified = adapter.verifyNotification(channel, n, deps.clock);
  if (!verified.ok) return reject(verified.reason);
  const e = verified.value;
  const payment = await q.findPaymentForProvider(deps.db, e.outTradeNo, provider);
  if (!payment) return reject('unknown payment');
  if (e.kind === 'refund') return applyRefundEvent(deps, payment, e.channelRefundNo, e.status, record);
  if (payment.amount_cents !== e.amountCents) return reject('amount mismatch', payment.id);
  if (e.status !== 'paid') {
    await record(payment.id, 'ignored', `status ${e.status} never moves a payment`);
    return { ok: true };
  }
  if (providerOf(provider).confirmByQuery) {
    // the gateway is untrusted: the order must also show paid, for this amount and trade, when we ask
    try {
      const confirmed = await adapter.query(channel, paymentRef(payment));
      if (
        confirmed.status !== 'paid' ||
        confirmed.amountCents !== payment.amount_cents ||
        (confirmed.tradeNo !== null && confirmed.tradeNo !== e.tradeNo)
      ) {
        return reject('not confirmed by the order query', payment.id);
      }
    } catch (err) {
      return reject(`order query failed: ${(err as Error).message}`, payment.id);
    }
  }
  const outcome = await settlePaid(deps, payment.id, e.tradeNo);
  await record(payment.id, outcome.transitioned ? 'paid' : 'duplicate');
  return { ok: true };
}

async function applyRefundEvent(
  deps: Deps,
  payment: q.PaymentRow,
  channelRefundNo: string,
  status: 'succeeded' | 'pending' | 'failed',
  record: ReturnType<typeof recorder>,
): Promise<NotifyResult> {
  const refund = await q.findRefundByChannelNo(deps.db, channelRefundNo);
  if (refund?.payment_id !== payment.id) {
    await record(payment.id, 'rejected', 'unknown refund');
    return { ok: false, reason: 'unknown refund' };
  }
  if (status === 'succeeded') await q.settleRefund(deps.db, refund.id, 'succeeded', {}, deps.clock.now());
  else if (status === 'failed') {
    await q.settleRefund(
      deps.db,
      refund.id,
      'failed',
      { lastError: 'the channel reports the refund failed' },
      deps.clock.now(),
    );
  }
  await record(payment.id, `refund_${status}`);
  return { ok: true };
}
