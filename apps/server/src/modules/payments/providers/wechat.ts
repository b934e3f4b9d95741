import { createDecipheriv, createHash, createSign, createVerify } from 'node:crypto';
import { wechatChannel } from '@kameng/contracts/channels/wechat';
import type { Clock, Random } from '../../../platform/clock.ts';
import {
  type BillTrade,
  type Channel,
  type ChannelEvent,
  channelFetch,
  headerValue,
  type IncomingNotification,
  type ProviderAdapter,
  type ProviderDefinition,
  type RefundOutcome,
  type RefundQuery,
  type TradeQuery,
  toPem,
  type Verified,
  yuanToCents,
} from './provider.ts';

/**
 * WeChat Pay API v3 with Node's own crypto. The protocol is three primitives (SHA256withRSA to sign our
 * requests, SHA256withRSA to verify WeChat's answers and notifications, AES-256-GCM to open a notification's
 * resource), so the code that decides whether money arrived is these lines, with the skew checked against
 * the injected clock, rather than a wrapper around an HTTP client.
 */
export interface WechatSettings {
  mchid?: string;
  appid?: string;
  merchantSerialNo?: string;
  platformPublicKeys?: { serial: string; publicKey: string }[];
  apiBase?: string;
}
export interface WechatSecrets {
  merchantPrivateKey?: string;
  apiV3Key?: string;
}
type WechatChannel = Channel<WechatSettings, WechatSecrets>;

export const WECHAT_MAX_SKEW_SECONDS = 300;
const DEFAULT_API = 'https://api.mch.weixin.qq.com';

const apiBase = (c: WechatChannel) => (c.settings.apiBase ?? DEFAULT_API).replace(/\/+$/, '');

/** Verifies `timestamp\nnonce\nbody\n` against the key the serial names, with the timestamp within ±300 s. */
export function verifyWechatSignature(
  c: WechatChannel,
  headers: Record<string, unknown>,
  body: Buffer,
  clock: Pick<Clock, 'now'>,
): Verified<true> {
  const signature = headerValue(headers, 'wechatpay-signature');
  const timestamp = headerValue(headers, 'wechatpay-timestamp');
  const nonce = headerValue(headers, 'wechatpay-nonce');
  const serial = headerValue(headers, 'wechatpay-serial');
  if (!signature || !timestamp || !nonce || !serial) return { ok: false, reason: 'missing Wechatpay-* headers' };
  // WeChat probes that merchants really verify by sending a deliberately bad signature
  if (signature.startsWith('WECHATPAY/SIGNTEST/')) return { ok: false, reason: 'signature probe (SIGNTEST)' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const skew = Math.floor(clock.now() / 1000) - Number(timestamp);
  if (Math.abs(skew) > WECHAT_MAX_SKEW_SECONDS)
    return { ok: false, reason: `timestamp outside ±${WECHAT_MAX_SKEW_SECONDS}s` };
  const key = (c.settings.platformPublicKeys ?? []).find((k) => k.serial === serial);
  if (!key) return { ok: false, reason: `unknown Wechatpay-Serial ${serial.slice(0, 64)}` };
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), body, Buffer.from('\n')]);
  try {
    const ok = createVerify('RSA-SHA256')
      .update(message)
      .verify(toPem(key.publicKey, 'PUBLIC KEY'), signature, 'base64');
    return ok ? { ok: true, value: true } : { ok: false, reason: 'bad signature' };
  } catch {
    return { ok: false, reason: 'bad signature' };
  }
}

/** AEAD_AES_256_GCM with the APIv3 key: ciphertext is base64 of data ‖ 16-byte tag. */
export function decryptResource(
  apiV3Key: string,
  r: { ciphertext: string; nonce: string; associated_data?: string },
): string {
  const raw = Buffer.from(r.ciphertext, 'base64');
  if (raw.length < 17) throw new Error('ciphertext too short');
  const d = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(r.nonce, 'utf8'));
  d.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(0, raw.length - 16)), d.final()]).toString('utf8');
}

/**
 * The trade bill: a header line, then one line per trade with every field prefixed by a backtick, then
 * totals. Only successful payments are taken (refund lines are reconciled by refund queries).
 */
export function parseTradeBill(text: string): Map<string, BillTrade> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const [tradeNo, outTradeNo, state, amount] = ['微信支付订单号', '商户订单号', '交易状态', '订单金额'].map((n) =>
    col(n) >= 0 ? col(n) : col(n.replace('支付', '')),
  );
  if ([tradeNo, outTradeNo, state, amount].some((i) => i === undefined || i < 0)) {
    throw new Error('wechat bill: unexpected header');
  }
  const out = new Map<string, BillTrade>();
  for (const line of lines.slice(1)) {
    if (!line.startsWith('`')) break;
    const f = line.split(',').map((v) => v.replace(/^`/, '').trim());
    if (f[state!] !== 'SUCCESS') continue;
    const cents = yuanToCents(f[amount!] ?? '');
    if (cents === null) throw new Error('wechat bill: malformed amount');
    out.set(f[outTradeNo!] ?? '', { tradeNo: f[tradeNo!] ?? '', amountCents: cents });
  }
  return out;
}

/** RFC 3339 in China Standard Time, as v3 wants `time_expire`. */
function rfc3339Cst(ms: number): string {
  return `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

interface WechatAnswer {
  status: number;
  body: Record<string, unknown>;
}

function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export function createWechatAdapter(
  clock: Pick<Clock, 'now'>,
  random: Random,
): ProviderAdapter<WechatSettings, WechatSecrets> {
  /** One request signed as the merchant; `path` is what is signed (path and query), `url` where it goes. */
  async function signedFetch(c: WechatChannel, method: 'GET' | 'POST', url: string, path: string, payload?: unknown) {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const ts = String(Math.floor(clock.now() / 1000));
    const nonce = random.bytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(`${method}\n${path}\n${ts}\n${nonce}\n${body}\n`)
      .sign(toPem(c.secrets.merchantPrivateKey ?? '', 'PRIVATE KEY'), 'base64');
    const auth =
      `WECHATPAY2-SHA256-RSA2048 mchid="${c.settings.mchid}",nonce_str="${nonce}",signature="${signature}",` +
      `timestamp="${ts}",serial_no="${c.settings.merchantSerialNo}"`;
    return channelFetch(url, {
      method,
      headers: {
        authorization: auth,
        accept: 'application/json',
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body }),
    });
  }

  async function request(c: WechatChannel, method: 'GET' | 'POST', path: string, payload?: unknown) {
    const res = await signedFetch(c, method, `${apiBase(c)}${path}`, path, payload);
    if (res.status >= 500) throw new Error(`wechat ${path}: HTTP ${res.status}`);
    if (res.status < 300) {
      // a successful answer must carry WeChat's signature, or it is not WeChat's answer
      const headers = Object.fromEntries([...res.headers.entries()].map(([k, v]) => [k.toLowerCase(), v]));
      const v = verifyWechatSignature(c, headers, Buffer.from(res.text, 'utf8'), clock);
      if (!v.ok) throw new Error(`wechat ${path}: answer ${v.reason}`);
    }
    let parsed: Record<string, unknown> = {};
    if (res.text) {
      try {
        parsed = obj(JSON.parse(res.text)) ?? {};
      } catch {
        throw new Error(`wechat ${path}: the answer is not JSON`);
      }
    }
    return { status: res.status, body: parsed } satisfies WechatAnswer;
  }

  const fail = (path: string, a: WechatAnswer) =>
    new Error(`wechat ${path}: HTTP ${a.status} ${String(a.body.code ?? '')} ${String(a.body.message ?? '')}`.trim());

  return {
    provider: 'wechat',
    missing(c) {
      const out: string[] = [];
      if (!c.settings.mchid) out.push('settings.mchid');
      if (!c.settings.appid) out.push('settings.appid');
      if (!c.settings.merchantSerialNo) out.push('settings.merchantSerialNo');
      if (!c.settings.platformPublicKeys?.length) out.push('settings.platformPublicKeys');
      if (!c.secrets.merchantPrivateKey) out.push('secrets.merchantPrivateKey');
      if (!c.secrets.apiV3Key) out.push('secrets.apiV3Key');
      return out;
    },

    async launch(c, payment, input) {
      const h5 = input.scene === 'h5';
      const path = h5 ? '/v3/pay/transactions/h5' : '/v3/pay/transactions/native';
      const a = await request(c, 'POST', path, {
        appid: c.settings.appid,
        mchid: c.settings.mchid,
        description: payment.subject,
        out_trade_no: payment.id,
        time_expire: rfc3339Cst(payment.expiresAt),
        notify_url: input.notifyUrl,
        amount: { total: payment.amountCents, currency: 'CNY' },
        ...(h5 ? { scene_info: { payer_client_ip: input.clientIp, h5_info: { type: 'Wap' } } } : {}),
      });
      if (a.status !== 200) throw fail(path, a);
      if (h5) {
        if (typeof a.body.h5_url !== 'string') throw fail(path, a);
        return { payUrl: a.body.h5_url };
      }
      if (typeof a.body.code_url !== 'string') throw fail(path, a);
      return { qrCode: a.body.code_url };
    },

    verifyNotification(c, n: IncomingNotification, clk): Verified<ChannelEvent> {
      const sig = verifyWechatSignature(c, n.headers, n.raw, clk);
      if (!sig.ok) return sig;
      let body: Record<string, unknown> | null;
      try {
        body = obj(JSON.parse(n.raw.toString('utf8')));
      } catch {
        return { ok: false, reason: 'body is not JSON' };
      }
      const resource = obj(body?.resource);
      if (!body || !resource || resource.algorithm !== 'AEAD_AES_256_GCM') return { ok: false, reason: 'no resource' };
      if (typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string') {
        return { ok: false, reason: 'malformed resource' };
      }
      let plain: Record<string, unknown> | null;
      try {
        plain = obj(
          JSON.parse(
            decryptResource(c.secrets.apiV3Key ?? '', {
              ciphertext: resource.ciphertext,
              nonce: resource.nonce,
              associated_data: typeof resource.associated_data === 'string' ? resource.associated_data : '',
            }),
          ),
        );
      } catch {
        return { ok: false, reason: 'resource does not decrypt with our APIv3 key' };
      }
      if (!plain) return { ok: false, reason: 'malformed resource' };
      if (plain.mchid !== c.settings.mchid) return { ok: false, reason: 'mchid is not ours' };
      const eventType = String(body.event_type ?? '');
      if (eventType.startsWith('REFUND.')) {
        if (typeof plain.out_refund_no !== 'string' || typeof plain.out_trade_no !== 'string') {
          return { ok: false, reason: 'malformed refund resource' };
        }
        const st = plain.refund_status;
        return {
          ok: true,
          value: {
            kind: 'refund',
            outTradeNo: plain.out_trade_no,
            channelRefundNo: plain.out_refund_no,
            status: st === 'SUCCESS' ? 'succeeded' : st === 'PROCESSING' ? 'pending' : 'failed',
          },
        };
      }
      if (plain.appid !== c.settings.appid) return { ok: false, reason: 'appid is not ours' };
      const amount = obj(plain.amount);
      const total = amount?.total;
      if (typeof total !== 'number' || !Number.isSafeInteger(total) || total <= 0) {
        return { ok: false, reason: 'malformed amount' };
      }
      if (amount?.currency !== undefined && amount.currency !== 'CNY') return { ok: false, reason: 'not CNY' };
      if (typeof plain.out_trade_no !== 'string' || typeof plain.transaction_id !== 'string') {
        return { ok: false, reason: 'missing out_trade_no or transaction_id' };
      }
      const state = plain.trade_state;
      return {
        ok: true,
        value: {
          kind: 'payment',
          outTradeNo: plain.out_trade_no,
          tradeNo: plain.transaction_id,
          amountCents: total,
          status:
            eventType === 'TRANSACTION.SUCCESS' && state === 'SUCCESS'
              ? 'paid'
              : state === 'CLOSED'
                ? 'closed'
                : 'pending',
        },
      };
    },

    ack: (ok) =>
      ok
        ? { status: 204, contentType: 'text/plain', body: '' }
        : { status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'FAIL', message: 'rejected' }) },

    async query(c, payment): Promise<TradeQuery> {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(payment.id)}?mchid=${encodeURIComponent(c.settings.mchid ?? '')}`;
      const a = await request(c, 'GET', path);
      if (a.status === 404 || a.body.code === 'ORDER_NOT_EXIST') return { status: 'not_found' };
      if (a.status !== 200) throw fail(path, a);
      if (a.body.out_trade_no !== payment.id || a.body.mchid !== c.settings.mchid) {
        throw new Error('wechat query: the answer is for another order or merchant');
      }
      const state = String(a.body.trade_state ?? '');
      const total = obj(a.body.amount)?.total;
      const amountCents = typeof total === 'number' ? total : payment.amountCents;
      const tradeNo = typeof a.body.transaction_id === 'string' ? a.body.transaction_id : null;
      // REFUND: it was paid, then (partly) refunded; paid is what the payment became
      const status =
        state === 'SUCCESS' || state === 'REFUND'
          ? 'paid'
          : state === 'CLOSED' || state === 'REVOKED'
            ? 'closed'
            : 'pending';
      return { status, tradeNo, amountCents };
    },

    async close(c, payment) {
      const path = `/v3/pay/transactions/out-trade-no/${encodeURIComponent(payment.id)}/close`;
      const a = await request(c, 'POST', path, { mchid: c.settings.mchid });
      if (a.status !== 204 && a.status !== 200) throw fail(path, a);
    },

    async refund(c, payment, r): Promise<RefundOutcome> {
      const path = '/v3/refund/domestic/refunds';
      const a = await request(c, 'POST', path, {
        out_trade_no: payment.id,
        out_refund_no: r.channelRefundNo,
        reason: r.reason.slice(0, 80),
        notify_url: r.notifyUrl,
        amount: { refund: r.amountCents, total: payment.amountCents, currency: 'CNY' },
      });
      if (a.status === 200) {
        const st = a.body.status;
        const id = typeof a.body.refund_id === 'string' ? a.body.refund_id : null;
        if (st === 'SUCCESS') return { status: 'succeeded', providerRefundId: id };
        if (st === 'PROCESSING') return { status: 'pending', providerRefundId: id };
        return { status: 'rejected', reason: `refund ${String(st)}` };
      }
      // 429 (FREQUENCY_LIMITED) is worth another try with the same out_refund_no; other 4xx are refusals
      if (a.status >= 400 && a.status < 500 && a.status !== 429) {
        return { status: 'rejected', reason: String(a.body.message ?? a.status) };
      }
      throw fail(path, a);
    },

    async tradesOfDay(c, day): Promise<Map<string, BillTrade>> {
      const path = `/v3/bill/tradebill?bill_date=${day}&bill_type=ALL`;
      const a = await request(c, 'GET', path);
      if (a.status === 400 && a.body.code === 'NO_STATEMENT_EXIST') return new Map();
      if (a.status !== 200 || typeof a.body.download_url !== 'string') throw fail(path, a);
      const u = new URL(a.body.download_url);
      const file = await signedFetch(c, 'GET', u.toString(), `${u.pathname}${u.search}`);
      if (file.status !== 200) throw new Error(`wechat bill download: HTTP ${file.status}`);
      // the file itself is not signed: the SHA1 in the signed answer vouches for it
      const sha1 = createHash('sha1').update(file.text, 'utf8').digest('hex');
      if (a.body.hash_type !== 'SHA1' || String(a.body.hash_value).toLowerCase() !== sha1) {
        throw new Error('wechat bill download: the file does not match its hash');
      }
      return parseTradeBill(file.text);
    },

    async queryRefund(c, _payment, no): Promise<RefundQuery> {
      const path = `/v3/refund/domestic/refunds/${encodeURIComponent(no)}`;
      const a = await request(c, 'GET', path);
      if (a.status === 404) return { status: 'not_found' };
      if (a.status !== 200) throw fail(path, a);
      if (a.body.out_refund_no !== no) throw new Error('wechat refund query: the answer is for another refund');
      const refund = obj(a.body.amount)?.refund;
      const amountCents = typeof refund === 'number' ? refund : null;
      const st = a.body.status;
      return { status: st === 'SUCCESS' ? 'succeeded' : st === 'PROCESSING' ? 'pending' : 'failed', amountCents };
    },
  };
}

export const wechatProvider: ProviderDefinition<typeof wechatChannel> = {
  channel: wechatChannel,
  createAdapter: (deps) => createWechatAdapter(deps.clock, deps.random) as ProviderAdapter,
};
