import { createPrivateKey, createVerify } from 'node:crypto';
import type { AlipaySdk } from 'alipay-sdk';
import { alipayChannel } from '@kameng/contracts/channels/alipay';
import type { Clock } from '../../../platform/clock.ts';
import {
  type BillTrade,
  type Channel,
  type ChannelEvent,
  centsToYuan,
  type IncomingNotification,
  type ProviderAdapter,
  type ProviderDefinition,
  parseFormOnce,
  type RefundOutcome,
  type RefundQuery,
  signingString,
  type TradeQuery,
  toPem,
  type Verified,
  yuanToCents,
} from './provider.ts';
import { readZip } from './zip.ts';

/**
 * Alipay open platform, RSA2. Outgoing calls (page/WAP pay links, precreate, query, close, refund) go
 * through the official `alipay-sdk`, which signs requests and verifies the signature of every answer.
 * Notifications are verified here, by code we read and test: the raw form body is decoded exactly once
 * (the `checkNotifySignV2` rule: never decode twice), the RSA2 signature covers every other field, and
 * only then are `app_id`, `seller_id`, `out_trade_no`, `total_amount` and `trade_status` looked at.
 */
export interface AlipaySettings {
  appId?: string;
  sellerId?: string;
  alipayPublicKey?: string;
  gatewayUrl?: string;
}
export interface AlipaySecrets {
  appPrivateKey?: string;
}
type AlipayChannel = Channel<AlipaySettings, AlipaySecrets>;

const GATEWAYS = {
  production: 'https://openapi.alipay.com/gateway.do',
  sandbox: 'https://openapi-sandbox.dl.alipaydev.com/gateway.do',
};

/** Any private key the console hands out (PKCS#1 or PKCS#8, PEM or bare base64) as a PKCS#8 PEM. */
function pkcs8(key: string): string {
  const k = key.trim();
  const attempts = k.startsWith('-----BEGIN')
    ? [() => createPrivateKey(k)]
    : [
        () => createPrivateKey({ key: Buffer.from(k, 'base64'), format: 'der', type: 'pkcs8' }),
        () => createPrivateKey({ key: Buffer.from(k, 'base64'), format: 'der', type: 'pkcs1' }),
      ];
  for (const attempt of attempts) {
    try {
      return attempt().export({ format: 'pem', type: 'pkcs8' }).toString();
    } catch {}
  }
  throw new Error('the Alipay application private key cannot be read');
}

export const ALIPAY_MAX_SKEW_SECONDS = 300;

/** `notify_time` is signed and is the time of this sending (each retry carries its own), in CST. */
function notifyTimeMs(v: string | undefined): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(v ?? '');
  if (!m) return null;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - 8 * 3_600_000;
}

/** The SDK (~10 MB of heap, ~40 MB resident) loads the first time a shop actually calls Alipay. */
async function sdk(c: AlipayChannel): Promise<AlipaySdk> {
  const { AlipaySdk } = await import('alipay-sdk');
  return new AlipaySdk({
    appId: c.settings.appId ?? '',
    privateKey: pkcs8(c.secrets.appPrivateKey ?? ''),
    keyType: 'PKCS8',
    alipayPublicKey: toPem(c.settings.alipayPublicKey ?? '', 'PUBLIC KEY'),
    gateway: c.settings.gatewayUrl ?? GATEWAYS[c.environment],
    timeout: 10_000,
  });
}

/** Alipay's times are China Standard Time, `yyyy-MM-dd HH:mm:ss`. */
function cstTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function verifyAlipaySignature(params: Record<string, string>, publicKey: string): boolean {
  const sign = params.sign;
  if (!sign) return false;
  try {
    return createVerify('RSA-SHA256')
      .update(signingString(params, ['sign', 'sign_type']), 'utf8')
      .verify(toPem(publicKey, 'PUBLIC KEY'), sign, 'base64');
  } catch {
    return false;
  }
}

/**
 * The trade statement (业务明细): `#` comment lines, a header, one line per trade or refund, `#` totals;
 * fields padded with tabs. Only trades (业务类型 交易) are taken; refunds are reconciled by refund queries.
 */
export function parseAlipayBill(text: string): Map<string, BillTrade> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  const cells = (l: string) => l.split(',').map((v) => v.trim());
  const header = cells(lines[start] ?? '');
  const [tradeNo, outTradeNo, kind, amount] = ['支付宝交易号', '商户订单号', '业务类型', '订单金额（元）'].map((n) =>
    header.indexOf(n),
  );
  if (start < 0 || [tradeNo, outTradeNo, kind, amount].some((i) => i === undefined || i < 0)) {
    throw new Error('alipay bill: unexpected header');
  }
  const out = new Map<string, BillTrade>();
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#') || line.trim() === '') break;
    const f = cells(line);
    if (f[kind!] !== '交易') continue;
    const cents = yuanToCents(f[amount!] ?? '');
    if (cents === null) throw new Error('alipay bill: malformed amount');
    out.set(f[outTradeNo!] ?? '', { tradeNo: f[tradeNo!] ?? '', amountCents: cents });
  }
  return out;
}

const PAID = new Set(['TRADE_SUCCESS', 'TRADE_FINISHED']);

function tradeStatus(s: string): 'paid' | 'pending' | 'closed' {
  if (PAID.has(s)) return 'paid';
  return s === 'TRADE_CLOSED' ? 'closed' : 'pending';
}

interface ExecResult {
  code?: string;
  msg?: string;
  subCode?: string;
  subMsg?: string;
  [k: string]: unknown;
}

async function exec(c: AlipayChannel, method: string, bizContent: Record<string, unknown>, extra = {}) {
  return (await (await sdk(c)).exec(method, { bizContent, ...extra }, { validateSign: true })) as ExecResult;
}

function failure(method: string, r: ExecResult): Error {
  return new Error(`${method}: ${r.code ?? '?'} ${r.subCode ?? ''} ${r.subMsg ?? r.msg ?? ''}`.trim());
}

export function createAlipayAdapter(_clock: Pick<Clock, 'now'>): ProviderAdapter<AlipaySettings, AlipaySecrets> {
  const adapter: ProviderAdapter<AlipaySettings, AlipaySecrets> = {
    provider: 'alipay',
    missing(c) {
      const out: string[] = [];
      if (!c.settings.appId) out.push('settings.appId');
      if (!c.settings.sellerId) out.push('settings.sellerId');
      if (!c.settings.alipayPublicKey) out.push('settings.alipayPublicKey');
      if (!c.secrets.appPrivateKey) out.push('secrets.appPrivateKey');
      return out;
    },

    async launch(c, payment, input) {
      const biz = {
        out_trade_no: payment.id,
        total_amount: centsToYuan(payment.amountCents),
        subject: payment.subject,
        time_expire: cstTime(payment.expiresAt),
      };
      if (input.scene === 'qr') {
        const r = await exec(c, 'alipay.trade.precreate', biz, { notifyUrl: input.notifyUrl });
        if (r.code !== '10000' || typeof r.qrCode !== 'string') throw failure('alipay.trade.precreate', r);
        return { qrCode: r.qrCode };
      }
      const wap = input.scene === 'wap';
      const payUrl = (await sdk(c)).pageExec(wap ? 'alipay.trade.wap.pay' : 'alipay.trade.page.pay', 'GET', {
        bizContent: {
          ...biz,
          product_code: wap ? 'QUICK_WAP_WAY' : 'FAST_INSTANT_TRADE_PAY',
          ...(wap ? { quit_url: input.returnUrl } : {}),
        },
        notifyUrl: input.notifyUrl,
        returnUrl: input.returnUrl,
      });
      return { payUrl };
    },

    verifyNotification(c, n: IncomingNotification, clock): Verified<ChannelEvent> {
      const parsed = parseFormOnce(n.raw.toString('utf8'));
      if (!parsed.ok) return parsed;
      const p = parsed.value;
      if (!p.sign) return { ok: false, reason: 'missing sign' };
      if (p.sign_type !== undefined && p.sign_type !== 'RSA2') return { ok: false, reason: 'sign_type is not RSA2' };
      if (!verifyAlipaySignature(p, c.settings.alipayPublicKey ?? '')) return { ok: false, reason: 'bad signature' };
      const sentAt = notifyTimeMs(p.notify_time);
      if (sentAt === null) return { ok: false, reason: 'missing or malformed notify_time' };
      if (Math.abs(clock.now() - sentAt) > ALIPAY_MAX_SKEW_SECONDS * 1000) {
        // a lost or refused notification is not lost money: polling asks Alipay two minutes later
        return { ok: false, reason: `notify_time outside ±${ALIPAY_MAX_SKEW_SECONDS}s` };
      }
      // the four field checks: a signed notification for another app or seller settles nothing of ours
      if (p.app_id !== c.settings.appId) return { ok: false, reason: 'app_id is not ours' };
      if (p.seller_id !== c.settings.sellerId) return { ok: false, reason: 'seller_id is not ours' };
      if (!p.out_trade_no || !p.trade_no) return { ok: false, reason: 'missing out_trade_no or trade_no' };
      const amountCents = yuanToCents(p.total_amount ?? '');
      if (amountCents === null || amountCents <= 0) return { ok: false, reason: 'malformed total_amount' };
      return {
        ok: true,
        value: {
          kind: 'payment',
          outTradeNo: p.out_trade_no,
          tradeNo: p.trade_no,
          amountCents,
          status: tradeStatus(p.trade_status ?? ''),
        },
      };
    },

    ack: (ok) => ({ status: ok ? 200 : 400, contentType: 'text/plain; charset=utf-8', body: ok ? 'success' : 'fail' }),

    async query(c, payment): Promise<TradeQuery> {
      const r = await exec(c, 'alipay.trade.query', { out_trade_no: payment.id });
      if (r.code === '40004' && r.subCode === 'ACQ.TRADE_NOT_EXIST') return { status: 'not_found' };
      if (r.code !== '10000') throw failure('alipay.trade.query', r);
      if (r.outTradeNo !== payment.id) throw new Error('alipay.trade.query: the answer is for another order');
      const amountCents = yuanToCents(String(r.totalAmount ?? ''));
      if (amountCents === null) throw new Error('alipay.trade.query: malformed total_amount');
      return {
        status: tradeStatus(String(r.tradeStatus ?? '')),
        tradeNo: typeof r.tradeNo === 'string' ? r.tradeNo : null,
        amountCents,
      };
    },

    async close(c, payment) {
      const r = await exec(c, 'alipay.trade.close', { out_trade_no: payment.id });
      // a QR code never scanned has no trade at Alipay: nothing to close
      if (r.code === '10000' || r.subCode === 'ACQ.TRADE_NOT_EXIST') return;
      throw failure('alipay.trade.close', r);
    },

    async refund(c, payment, rf): Promise<RefundOutcome> {
      const r = await exec(c, 'alipay.trade.refund', {
        out_trade_no: payment.id,
        refund_amount: centsToYuan(rf.amountCents),
        out_request_no: rf.channelRefundNo,
        refund_reason: rf.reason.slice(0, 100),
      });
      if (r.code === '10000' && r.fundChange === 'Y')
        return { status: 'succeeded', providerRefundId: rf.channelRefundNo };
      if (r.code === '10000') {
        // fund_change N: either an earlier attempt with this out_request_no moved the money, or Alipay is still
        // processing it; the refund query tells which
        const q = await adapter.queryRefund(c, payment, rf.channelRefundNo, rf.createdAt);
        return q.status === 'succeeded'
          ? { status: 'succeeded', providerRefundId: rf.channelRefundNo }
          : { status: 'pending', providerRefundId: null };
      }
      if (r.code === '40004') return { status: 'rejected', reason: `${r.subCode ?? ''} ${r.subMsg ?? ''}`.trim() };
      throw failure('alipay.trade.refund', r);
    },

    async tradesOfDay(c, day): Promise<Map<string, BillTrade>> {
      const r = await exec(c, 'alipay.data.dataservice.bill.downloadurl.query', { bill_type: 'trade', bill_date: day });
      if (r.code === '40004' && r.subCode === 'isp.bill_not_exist') return new Map();
      if (r.code !== '10000' || typeof r.billDownloadUrl !== 'string') {
        throw failure('alipay.data.dataservice.bill.downloadurl.query', r);
      }
      // the link came in a signed answer and is valid for a short time; the zip holds GBK CSV files
      const res = await fetch(r.billDownloadUrl, { signal: AbortSignal.timeout(30_000) });
      if (res.status !== 200) throw new Error(`alipay bill download: HTTP ${res.status}`);
      const files = readZip(Buffer.from(await res.arrayBuffer()));
      const detail = files.find((f) => f.name.endsWith('.csv') && !f.name.includes('汇总'));
      if (!detail) throw new Error('alipay bill download: no detail file in the archive');
      return parseAlipayBill(new TextDecoder('gbk').decode(detail.data));
    },

    async queryRefund(c, payment, no): Promise<RefundQuery> {
      const r = await exec(c, 'alipay.trade.fastpay.refund.query', { out_trade_no: payment.id, out_request_no: no });
      if (r.code !== '10000') throw failure('alipay.trade.fastpay.refund.query', r);
      // without refund_status = REFUND_SUCCESS Alipay either never took the refund or it failed
      if (r.refundStatus !== 'REFUND_SUCCESS' || r.outRequestNo !== no) return { status: 'not_found' };
      return { status: 'succeeded', amountCents: yuanToCents(String(r.refundAmount ?? '')) };
    },
  };
  return adapter;
}

export const alipayProvider: ProviderDefinition<typeof alipayChannel> = {
  channel: alipayChannel,
  createAdapter: (deps) => createAlipayAdapter(deps.clock) as ProviderAdapter,
};
