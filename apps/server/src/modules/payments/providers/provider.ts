import type { AnyChannelDefinition } from '@kameng/contracts';
import type { Clock } from '../../../platform/clock.ts';
import type { Deps } from '../../../platform/deps.ts';
import type { ChannelProvider } from '../payments.tables.ts';

/**
 * What every real payment channel does for Kameng: launch, verify a notification, query, close, refund.
 * The built-in sandbox has the same shape (it verifies raw bytes into fields, and its trades table could
 * answer a query) but keeps its own path in the service: it has no stored channel or credentials, it can
 * report FAILED, and it is switched on by the environment rather than by an operator.
 *
 * Adapters never touch the database: the service hands them the decrypted channel and the payment,
 * calls them outside any transaction, and decides what their answers change.
 */
export type Verified<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface Channel<S = Record<string, unknown>, K = Record<string, unknown>> {
  provider: ChannelProvider;
  environment: 'sandbox' | 'production';
  settings: S;
  secrets: K;
}

export interface PaymentRef {
  id: string;
  amountCents: number;
  subject: string;
  expiresAt: number;
  /** fixed when the payment is made: channels that identify a trade by order number and send time use it as that time */
  createdAt: number;
  providerTradeId: string | null;
}

export interface LaunchInput {
  scene: string;
  notifyUrl: string;
  returnUrl: string;
  clientIp: string;
}

export interface Launched {
  payUrl?: string;
  qrCode?: string;
}

/** The fields a verified notification carries; the service matches them against our payment. */
export interface PaymentEvent {
  kind: 'payment';
  outTradeNo: string;
  tradeNo: string;
  amountCents: number;
  status: 'paid' | 'pending' | 'closed';
}

export interface RefundEvent {
  kind: 'refund';
  outTradeNo: string;
  channelRefundNo: string;
  status: 'succeeded' | 'pending' | 'failed';
}

export type ChannelEvent = PaymentEvent | RefundEvent;

export interface IncomingNotification {
  /** the exact bytes of the body */
  raw: Buffer;
  /** the raw query string (after `?`), for channels that notify by GET */
  rawQuery: string;
  method: string;
  headers: Record<string, unknown>;
  ip: string;
}

export type TradeQuery =
  | { status: 'not_found' }
  | { status: 'paid' | 'pending' | 'closed'; tradeNo: string | null; amountCents: number };

export type RefundOutcome =
  | { status: 'succeeded' | 'pending'; providerRefundId: string | null }
  | { status: 'rejected'; reason: string };

export interface BillTrade {
  tradeNo: string;
  amountCents: number;
}

export type RefundQuery =
  | { status: 'not_found' | 'unsupported' }
  | { status: 'succeeded' | 'pending' | 'failed'; amountCents: number | null };

export interface ProviderAdapter<S = Record<string, unknown>, K = Record<string, unknown>> {
  provider: ChannelProvider;
  /** what must be set before the channel may be enabled (settings and secrets by name) */
  missing(channel: Channel<S, K>): string[];
  launch(channel: Channel<S, K>, payment: PaymentRef, input: LaunchInput): Promise<Launched>;
  /** verified on the raw bytes before anything is parsed; any doubt is a rejection */
  verifyNotification(channel: Channel<S, K>, n: IncomingNotification, clock: Clock): Verified<ChannelEvent>;
  /** the acknowledgement the channel expects, after our commit (ok) or on rejection */
  ack(ok: boolean): { status: number; contentType: string; body: string };
  query(channel: Channel<S, K>, payment: PaymentRef): Promise<TradeQuery>;
  close(channel: Channel<S, K>, payment: PaymentRef): Promise<void>;
  refund(
    channel: Channel<S, K>,
    payment: PaymentRef,
    refund: { channelRefundNo: string; amountCents: number; reason: string; notifyUrl: string; createdAt: number },
  ): Promise<RefundOutcome>;
  /**
   * The channel's statement of a day's successful trades by out_trade_no, where it offers one; without it
   * reconciliation asks about each payment.
   */
  tradesOfDay?(channel: Channel<S, K>, day: string): Promise<Map<string, BillTrade>>;
  /** what the channel holds for one of our refund numbers (for reconciliation); `refundCreatedAt` is when our refund was made */
  queryRefund(
    channel: Channel<S, K>,
    payment: PaymentRef,
    channelRefundNo: string,
    refundCreatedAt: number,
  ): Promise<RefundQuery>;
}

/**
 * The server half of a channel's registry entry (the other half, shared with the web app, is its definition in
 * @kameng/contracts): how to build its adapter, and what the service must do beyond the adapter's checks.
 */
export interface ProviderDefinition<C extends AnyChannelDefinition = AnyChannelDefinition> {
  channel: C;
  createAdapter(deps: Pick<Deps, 'clock' | 'random'>): ProviderAdapter;
  /** the gateway is untrusted: a paid notification counts only once an order query shows the same trade paid */
  confirmByQuery?: boolean;
}

/** Parses a decimal yuan amount ("12.30") into fen without floating point; null when it is not one. */
export function yuanToCents(yuan: string): number | null {
  const m = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function centsToYuan(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`amount ${cents}`);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/**
 * Reads an `application/x-www-form-urlencoded` string exactly once (values are decoded once, never twice)
 * and refuses a key that appears more than once: a duplicated field is how a forged value hides next to
 * the signed one.
 */
export function parseFormOnce(text: string): Verified<Record<string, string>> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in out) return { ok: false, reason: `duplicate parameter ${k}` };
    out[k] = v;
  }
  return { ok: true, value: out };
}

/** The sorted `k=v&k=v` string both Alipay and 易支付 sign: without the signature fields and empty values. */
export function signingString(params: Record<string, string>, exclude: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function headerValue(headers: Record<string, unknown>, name: string): string | null {
  const v = headers[name.toLowerCase()];
  return typeof v === 'string' ? v : null;
}

/** A bare base64 key body (as the consoles print it) or a PEM: always a PEM. */
export function toPem(key: string, kind: 'PUBLIC KEY' | 'PRIVATE KEY' | 'RSA PRIVATE KEY'): string {
  const k = key.trim();
  if (k.startsWith('-----BEGIN')) return k;
  const body = k.replace(/\s+/g, '');
  return `-----BEGIN ${kind}-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${kind}-----`;
}

/** Outgoing calls to a channel: a timeout, JSON or text back, never a hang. */
export async function channelFetch(
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  timeoutMs = 10_000,
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
