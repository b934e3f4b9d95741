import { createHash, createSign, createVerify } from 'node:crypto';
import { epayChannel } from '@kameng/contracts/channels/epay';
import type { Clock } from '../../../platform/clock.ts';
import { safeEqual } from '../../../platform/crypto.ts';
import {
  type Channel,
  type ChannelEvent,
  centsToYuan,
  channelFetch,
  type IncomingNotification,
  type PaymentRef,
  type ProviderAdapter,
  type ProviderDefinition,
  parseFormOnce,
  type RefundOutcome,
  signingString,
  type TradeQuery,
  toPem,
  type Verified,
  yuanToCents,
} from './provider.ts';

/**
 * 易支付 (the 彩虹 family of aggregator gateways), V1 (MD5) and V2 (RSA, SHA256withRSA). Every gateway is
 * run by someone else, so it is untrusted (PROMISES #9): the signature is compared in constant time,
 * duplicated or empty parameters are refused, trade numbers stay strings, the merchant id must be ours,
 * an optional IP allow-list applies, and the service confirms every paid notification with an order query.
 */
export interface EpaySettings {
  version?: 'v1' | 'v2';
  pid?: string;
  apiBase?: string;
  platformPublicKey?: string;
  allowedIps?: string[];
}
export interface EpaySecrets {
  key?: string;
  merchantPrivateKey?: string;
}
type EpayChannel = Channel<EpaySettings, EpaySecrets>;

export const EPAY_MAX_SKEW_SECONDS = 300;
const SIGN_FIELDS = ['sign', 'sign_type'] as const;
const REQUIRED = ['pid', 'trade_no', 'out_trade_no', 'type', 'money', 'trade_status', 'sign'] as const;

export function md5Sign(params: Record<string, string>, key: string): string {
  return createHash('md5')
    .update(signingString(params, SIGN_FIELDS) + key, 'utf8')
    .digest('hex');
}

export function rsaSign(params: Record<string, string>, privateKeyPem: string): string {
  return createSign('RSA-SHA256')
    .update(signingString(params, SIGN_FIELDS), 'utf8')
    .sign(toPem(privateKeyPem, 'PRIVATE KEY'), 'base64');
}

function rsaVerify(params: Record<string, string>, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256')
      .update(signingString(params, SIGN_FIELDS), 'utf8')
      .verify(toPem(publicKeyPem, 'PUBLIC KEY'), signature, 'base64');
  } catch {
    return false;
  }
}

const version = (c: EpayChannel) => c.settings.version ?? 'v1';
const base = (c: EpayChannel) => {
  const b = c.settings.apiBase ?? '';
  return b.endsWith('/') ? b : `${b}/`;
};
const nowSeconds = (clock: Pick<Clock, 'now'>) => String(Math.floor(clock.now() / 1000));

/** Signs a request the way the channel's version expects. */
function signed(c: EpayChannel, params: Record<string, string>, clock: Pick<Clock, 'now'>): Record<string, string> {
  if (version(c) === 'v1') {
    return { ...params, sign: md5Sign(params, c.secrets.key ?? ''), sign_type: 'MD5' };
  }
  const p = { ...params, timestamp: nowSeconds(clock) };
  return { ...p, sign: rsaSign(p, c.secrets.merchantPrivateKey ?? ''), sign_type: 'RSA' };
}

/** Verifies a parameter set the gateway signed (a notification or a V2 answer). */
function verifySigned(c: EpayChannel, p: Record<string, string>, clock: Pick<Clock, 'now'>): Verified<true> {
  const sig = p.sign ?? '';
  if (!sig) return { ok: false, reason: 'missing sign' };
  if (version(c) === 'v1') {
    if ((p.sign_type ?? 'MD5').toUpperCase() !== 'MD5') return { ok: false, reason: 'sign_type is not MD5' };
    if (!/^[0-9a-fA-F]{32}$/.test(sig)) return { ok: false, reason: 'malformed sign' };
    if (!safeEqual(sig.toLowerCase(), md5Sign(p, c.secrets.key ?? ''))) return { ok: false, reason: 'bad signature' };
    return { ok: true, value: true };
  }
  if ((p.sign_type ?? '').toUpperCase() !== 'RSA') return { ok: false, reason: 'sign_type is not RSA' };
  const ts = p.timestamp ?? '';
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'missing or malformed timestamp' };
  if (Math.abs(Number(nowSeconds(clock)) - Number(ts)) > EPAY_MAX_SKEW_SECONDS) {
    return { ok: false, reason: `timestamp outside ±${EPAY_MAX_SKEW_SECONDS}s` };
  }
  if (!rsaVerify(p, sig, c.settings.platformPublicKey ?? '')) return { ok: false, reason: 'bad signature' };
  return { ok: true, value: true };
}

/**
 * Gateways answer with JSON whose trade numbers are sometimes bare numbers longer than a double holds;
 * they are quoted before parsing so not one digit is lost.
 */
export function parseGatewayJson(text: string): Record<string, unknown> | null {
  const quoted = text.replace(
    /"(trade_no|out_trade_no|api_trade_no|refund_no|out_refund_no)"\s*:\s*(-?\d+)/g,
    '"$1":"$2"',
  );
  try {
    const v: unknown = JSON.parse(quoted);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The scalar fields of an answer, as strings, for checking its signature. */
function scalars(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

async function callGateway(
  c: EpayChannel,
  v1Act: string,
  v2Path: string,
  params: Record<string, string>,
  clock: Pick<Clock, 'now'>,
): Promise<Record<string, string>> {
  let res: { status: number; text: string };
  if (version(c) === 'v1') {
    // V1's API authenticates with the key itself, as the protocol defines
    const form = new URLSearchParams({ pid: c.settings.pid ?? '', key: c.secrets.key ?? '', ...params });
    res = await channelFetch(`${base(c)}api.php?act=${v1Act}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } else {
    const form = new URLSearchParams(signed(c, { pid: c.settings.pid ?? '', ...params }, clock));
    res = await channelFetch(`${base(c)}${v2Path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }
  if (res.status !== 200) throw new Error(`epay ${v1Act}: HTTP ${res.status}`);
  const body = parseGatewayJson(res.text);
  if (!body) throw new Error(`epay ${v1Act}: the answer is not JSON`);
  const fields = scalars(body);
  if (version(c) === 'v2' && fields.code === '0') {
    const ok = verifySigned(c, fields, clock);
    if (!ok.ok) throw new Error(`epay ${v1Act}: answer ${ok.reason}`);
  }
  return fields;
}

const succeeded = (c: EpayChannel, f: Record<string, string>) => f.code === (version(c) === 'v1' ? '1' : '0');

export function createEpayAdapter(clock: Pick<Clock, 'now'>): ProviderAdapter<EpaySettings, EpaySecrets> {
  return {
    provider: 'epay',
    missing(c) {
      const out: string[] = [];
      if (!c.settings.pid) out.push('settings.pid');
      if (!c.settings.apiBase) out.push('settings.apiBase');
      if (version(c) === 'v1') {
        if (!c.secrets.key) out.push('secrets.key');
      } else {
        if (!c.secrets.merchantPrivateKey) out.push('secrets.merchantPrivateKey');
        if (!c.settings.platformPublicKey) out.push('settings.platformPublicKey');
      }
      return out;
    },

    async launch(c, payment, input) {
      const params = signed(
        c,
        {
          pid: c.settings.pid ?? '',
          type: input.scene,
          out_trade_no: payment.id,
          notify_url: input.notifyUrl,
          return_url: input.returnUrl,
          name: payment.subject,
          money: centsToYuan(payment.amountCents),
        },
        clock,
      );
      const path = version(c) === 'v1' ? 'submit.php' : 'api/pay/submit';
      return { payUrl: `${base(c)}${path}?${new URLSearchParams(params).toString()}` };
    },

    verifyNotification(c, n: IncomingNotification, clk): Verified<ChannelEvent> {
      const allowed = c.settings.allowedIps ?? [];
      if (allowed.length > 0 && !allowed.includes(n.ip)) return { ok: false, reason: `address ${n.ip} not allowed` };
      const text = n.method === 'GET' ? n.rawQuery : n.raw.toString('utf8');
      const parsed = parseFormOnce(text);
      if (!parsed.ok) return parsed;
      const p = parsed.value;
      for (const k of REQUIRED) if (!p[k]) return { ok: false, reason: `missing or empty ${k}` };
      if (p.pid !== c.settings.pid) return { ok: false, reason: 'notification for another merchant' };
      const sig = verifySigned(c, p, clk);
      if (!sig.ok) return sig;
      const amountCents = yuanToCents(p.money ?? '');
      if (amountCents === null || amountCents <= 0) return { ok: false, reason: 'malformed money' };
      return {
        ok: true,
        value: {
          kind: 'payment',
          outTradeNo: p.out_trade_no ?? '',
          tradeNo: p.trade_no ?? '',
          amountCents,
          status: p.trade_status === 'TRADE_SUCCESS' ? 'paid' : 'pending',
        },
      };
    },

    ack: (ok) => ({ status: ok ? 200 : 400, contentType: 'text/plain; charset=utf-8', body: ok ? 'success' : 'fail' }),

    async query(c, payment): Promise<TradeQuery> {
      const f = await callGateway(c, 'order', 'api/pay/query', { out_trade_no: payment.id }, clock);
      if (!succeeded(c, f)) return { status: 'not_found' };
      if (f.out_trade_no !== payment.id) throw new Error('epay query: the answer is for another order');
      if (f.pid !== undefined && f.pid !== c.settings.pid)
        throw new Error('epay query: the answer is for another merchant');
      const amountCents = yuanToCents(f.money ?? '');
      if (amountCents === null) throw new Error('epay query: malformed money');
      return { status: f.status === '1' ? 'paid' : 'pending', tradeNo: f.trade_no ?? null, amountCents };
    },

    // 易支付 has no close call: an unpaid order simply stays unpaid at the gateway
    async close() {},

    async refund(c, payment: PaymentRef, r): Promise<RefundOutcome> {
      const f = await callGateway(
        c,
        'refund',
        'api/pay/refund',
        { out_trade_no: payment.id, money: centsToYuan(r.amountCents), out_refund_no: r.channelRefundNo },
        clock,
      );
      if (succeeded(c, f)) return { status: 'succeeded', providerRefundId: f.refund_no ?? null };
      return { status: 'rejected', reason: String(f.msg ?? 'refund refused').slice(0, 200) };
    },

    // the 易支付 protocol has no refund query; reconciliation reports such refunds as unchecked
    async queryRefund() {
      return { status: 'unsupported' as const };
    },
  };
}

export const epayProvider: ProviderDefinition<typeof epayChannel> = {
  channel: epayChannel,
  createAdapter: (deps) => createEpayAdapter(deps.clock) as ProviderAdapter,
  confirmByQuery: true,
};
