import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import { transactionWithHotRowsLast } from '../../platform/db/hot-rows.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import { postEntry, splitCommission } from '../ledger/ledger.service.ts';
import { onOrderPaid, refundOrderByOperator } from '../orders/orders.service.ts';
import {
  adapters,
  CHANNEL_PROVIDERS,
  isChannelProvider,
  loadChannel,
  missingFor,
  notifyUrl,
  usableChannel,
} from './payments.channels.ts';
import { channelRefundJob, sandboxNotifyJob } from './payments.jobs-spec.ts';
import * as q from './payments.queries.ts';
import type { ChannelProvider, Provider } from './payments.tables.ts';
import type { IncomingNotification, PaymentRef } from './providers/provider.ts';
import { SANDBOX_MERCHANT_ID, verifySandboxNotification } from './providers/sandbox.ts';

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

/** The sandbox is on when the environment says so or an operator turned it on. */
export async function sandboxEnabled(deps: Deps): Promise<boolean> {
  const setting = await getSetting(deps.db, 'payments.sandboxEnabled');
  return setting ?? deps.config.sandbox;
}

export async function assertMethodAvailable(deps: Deps, method: Provider): Promise<void> {
  if (method === 'balance') return;
  if (method === 'sandbox' && (await sandboxEnabled(deps))) return;
  if (isChannelProvider(method) && (await usableChannel(deps, method))) return;
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

export function paymentRef(p: q.PaymentRow): PaymentRef {
  return {
    id: p.id,
    amountCents: p.amount_cents,
    subject: p.purpose === 'top_up' ? '卡盟钱包充值 Kameng wallet top-up' : `卡盟订单 Kameng order ${p.order_id}`,
    expiresAt: p.expires_at,
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
  if (provider === 'epay') {
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

/** Where the channel sends the buyer back to: our cashier page, which polls the payment (it proves nothing). */
export function returnUrl(siteUrl: string | null, paymentId: string): string {
  return `${(siteUrl ?? '').replace(/\/+$/, '')}/cashier/${encodeURIComponent(paymentId)}`;
}

/** After this long without a notification, we start asking the channel. */
export const POLL_AFTER_MS = 2 * MINUTE;
const POLL_MAX_INTERVAL_MS = 10 * MINUTE;
const POLL_CONCURRENCY = 4;

/**
 * The cashier page's "pay with …": asks the channel for a pay URL or QR content for this scene (outside
 * any transaction) and keeps it on the payment. Asking again for the same scene answers what is stored.
 */
export async function checkoutPayment(
  deps: Deps,
  auth: AuthContext | null,
  id: string,
  scene: string,
  clientIp: string,
): Promise<PaymentView> {
  const p = await q.findPayment(deps.db, id);
  if (!p || (p.user_id !== null && p.user_id !== auth?.userId)) throw new AppError('NOT_FOUND', 'No such payment');
  if (p.status !== 'pending') throw new AppError('INVALID_STATE', `This payment is ${p.status}`);
  if (!isChannelProvider(p.provider)) {
    throw new AppError('UNPROCESSABLE', `Payments by ${p.provider} need no checkout`);
  }
  const now = deps.clock.now();
  if (p.expires_at <= now) throw new AppError('INVALID_STATE', 'This payment has expired');
  const channel = await usableChannel(deps, p.provider);
  if (!channel) throw new AppError('UNPROCESSABLE', `Payment method ${p.provider} is not available`);
  if (!channel.methods.includes(scene)) {
    throw new AppError('UNPROCESSABLE', `${p.provider} does not offer ${scene} here`, {
      issues: [{ path: ['scene'], message: `enabled: ${channel.methods.join(', ')}` }],
    });
  }
  if (p.scene === scene && (p.pay_url || p.qr_code)) return toPaymentView(p);
  // WeChat Pay ties an out_trade_no to the trade type it was first placed with
  if (p.provider === 'wechat' && p.scene !== null && p.scene !== scene) {
    throw new AppError('INVALID_STATE', `This payment was started as ${p.scene}; start a new order to pay another way`);
  }
  let launched: { payUrl?: string; qrCode?: string };
  try {
    launched = await adapters(deps)[p.provider].launch(channel, paymentRef(p), {
      scene,
      notifyUrl: notifyUrl(channel),
      returnUrl: returnUrl(channel.siteUrl, p.id),
      clientIp,
    });
  } catch (err) {
    deps.log.warn({ paymentId: p.id, provider: p.provider, err: (err as Error).message }, 'channel launch failed');
    throw new AppError('UNAVAILABLE', `${p.provider} did not answer; try again or choose another method`);
  }
  await q.setLaunch(deps.db, p.id, {
    scene,
    payUrl: launched.payUrl ?? null,
    qrCode: launched.qrCode ?? null,
    nextQueryAt: Math.min(p.expires_at, now + POLL_AFTER_MS),
    now,
  });
  const updated = await q.findPayment(deps.db, p.id);
  return toPaymentView(updated ?? p);
}

/** The channel methods buyers can choose now, with their scenes, for the checkout page. */
export async function availableMethods(deps: Deps) {
  const out: { method: string; scenes: string[] }[] = [{ method: 'balance', scenes: [] }];
  if (await sandboxEnabled(deps)) out.push({ method: 'sandbox', scenes: [] });
  for (const provider of CHANNEL_PROVIDERS) {
    const c = await usableChannel(deps, provider);
    if (c) out.push({ method: provider, scenes: c.methods });
  }
  return { methods: out };
}

function nextPollDelay(attempts: number): number {
  return Math.min(POLL_MAX_INTERVAL_MS, MINUTE * 2 ** attempts);
}

/**
 * Notifications get lost; money must not. Every payment still pending after POLL_AFTER_MS is queried at
 * the channel, backing off (1, 2, 4 … 10 minutes) until it expires; at expiry it is queried once more and
 * closed at the channel so the buyer cannot pay a cancelled order. A payment found paid goes through the
 * same paid transition as a notification (a late one meets the orders' late-payment rule).
 */
export async function pollDuePayments(deps: Deps, limit = 50): Promise<{ checked: number; paid: number }> {
  const due = await q.duePolls(deps.db, deps.clock.now(), limit);
  let paid = 0;
  // a few at a time: one slow channel must not hold up the rest, nor may a burst hammer a channel
  const queue = [...due];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      try {
        if (await pollOne(deps, p)) paid++;
      } catch (err) {
        deps.log.warn({ paymentId: p.id, err: (err as Error).message }, 'payment poll failed');
        await q.reschedulePoll(deps.db, p.id, deps.clock.now() + nextPollDelay(p.query_attempts), deps.clock.now());
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POLL_CONCURRENCY, due.length) }, worker));
  return { checked: due.length, paid };
}

async function pollOne(deps: Deps, p: q.PaymentRow): Promise<boolean> {
  const now = deps.clock.now();
  const provider = p.provider as ChannelProvider;
  const channel = await loadChannel(deps, provider);
  if (!channel || missingFor(deps, channel).length > 0) {
    await q.reschedulePoll(deps.db, p.id, now + POLL_MAX_INTERVAL_MS, now);
    return false;
  }
  const adapter = adapters(deps)[provider];
  const ref = paymentRef(p);
  const found = await adapter.query(channel, ref);
  const record = recorder(deps, provider, now);
  if (found.status === 'paid') {
    if (found.amountCents !== p.amount_cents || !found.tradeNo) {
      await record(p.id, 'rejected', 'query: paid with a different amount or no trade number');
      await q.reschedulePoll(deps.db, p.id, null, now);
      return false;
    }
    const outcome = await settlePaid(deps, p.id, found.tradeNo);
    await record(p.id, outcome.transitioned ? 'paid' : 'duplicate', 'by query');
    await q.reschedulePoll(deps.db, p.id, null, now);
    return outcome.transitioned;
  }
  if (found.status === 'closed') {
    await q.closePayment(deps.db, p.id, now);
    await q.markProviderClosed(deps.db, p.id, now);
    return false;
  }
  if (p.status === 'closed' || now >= p.expires_at) {
    await adapter.close(channel, ref);
    await q.closePayment(deps.db, p.id, now);
    await q.markProviderClosed(deps.db, p.id, now);
    return false;
  }
  await q.reschedulePoll(deps.db, p.id, Math.min(p.expires_at, now + nextPollDelay(p.query_attempts)), now);
  return false;
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
 * What has been given back of a payment so far. Failed channel refunds count too: their money already left
 * our books, and they are sent again (retryRefund) rather than made anew.
 */
export async function refundedCents(db: Executor, paymentId: string): Promise<number> {
  return (await q.refundsForPayment(db, paymentId)).reduce((s, r) => s + r.amount_cents, 0);
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
  let out: Awaited<ReturnType<ReturnType<typeof adapters>['alipay']['refund']>>;
  try {
    out = await adapters(deps)[payment.provider].refund(channel, paymentRef(payment), {
      channelRefundNo: refund.channel_refund_no,
      amountCents: refund.amount_cents,
      reason: refund.reason,
      notifyUrl: notifyUrl(channel),
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

function toRefundView(r: q.RefundRow) {
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
 * An operator refunds a payment. A wallet top-up goes back through its channel, fully or in part: the
 * wallet gives the money back to the channel's clearing account (never below zero) and the channel refund
 * follows. An order payment is refunded, fully or in part, through its order, whose escrow pays it back.
 */
export async function refundPayment(
  deps: Deps,
  auth: AuthContext,
  paymentId: string,
  body: { amountCents: number; destination: 'original' | 'wallet'; reason: string },
  ip: string,
) {
  const payment = await q.findPayment(deps.db, paymentId);
  if (!payment) throw new AppError('NOT_FOUND', 'No such payment');
  if (payment.purpose === 'order' && payment.order_id) {
    if (payment.status !== 'paid')
      throw new AppError('INVALID_STATE', `A payment that is ${payment.status} has nothing to refund`);
    // an order paid twice keeps the first payment; the second was already given back as a duplicate
    if ((await paidPaymentForOrder(deps.db, payment.order_id))?.id !== payment.id) {
      throw new AppError('INVALID_STATE', 'This payment was a duplicate and has been refunded already');
    }
    const { refundId } = await refundOrderByOperator(deps, auth, payment.order_id, body, ip);
    const row = await q.findRefund(deps.db, refundId);
    if (!row) throw new Error('refund vanished');
    return toRefundView(row);
  }
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
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'refund.create',
      objectType: 'payment',
      objectId: paymentId,
      ip,
      details: { refundId, amountCents: body.amountCents },
    });
    const row = await q.findRefund(tx, refundId);
    if (!row) throw new Error('refund vanished');
    return toRefundView(row);
  });
}

export async function paidPaymentForOrder(db: Executor, orderId: string): Promise<q.PaymentRow | undefined> {
  const rows = await q.paymentsForOrder(db, orderId);
  return rows.find((p) => p.status === 'paid');
}

export async function closePendingPayments(tx: Executor, deps: Deps, orderId: string): Promise<void> {
  await q.closePendingPayments(tx, orderId, deps.clock.now());
}
