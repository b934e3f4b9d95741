import { inflateSync } from 'node:zlib';
import { unionpayChannel } from '@kameng/contracts/channels/unionpay';
import type { Clock } from '../../../platform/clock.ts';
import {
  type BillTrade,
  type Channel,
  type ChannelEvent,
  channelFetch,
  type ProviderAdapter,
  type ProviderDefinition,
  parseFormOnce,
  type RefundOutcome,
  type RefundQuery,
  type TradeQuery,
  type Verified,
} from './provider.ts';
import { parseUnionpayAnswer, signUnionpay, type TrustAnchors, verifyUnionpay } from './unionpay-sign.ts';
import { inflateBounded, readZip, ZIP_LIMITS } from './zip.ts';

/**
 * UnionPay online payments (银联全渠道, 5.1.0): PC gateway (channelType 07) and mobile WAP (08) front
 * transactions, whose signed form the buyer's browser posts to the gateway; the backend notification,
 * verified by UnionPay's certificate chain before any field is read, then `merId`, `orderId`, `txnAmt` (fen)
 * and `respCode` 00/A6 are checked; queryTrans when a notification is late; refunds (txnType 04); and the
 * daily statement (fileTransfer, the ZM detail file). There is nothing to close: a payment's payTimeout is
 * its own expiry, after which UnionPay takes no money for it.
 */
export interface UnionpaySettings {
  merId?: string;
  certId?: string;
  rootCert?: string;
  middleCert?: string;
  apiBase?: string;
}
export interface UnionpaySecrets {
  signPrivateKey?: string;
}
type UnionpayChannel = Channel<UnionpaySettings, UnionpaySecrets>;

const ENDPOINTS = {
  production: { gateway: 'https://gateway.95516.com', files: 'https://filedownload.95516.com' },
  sandbox: { gateway: 'https://gateway.test.95516.com', files: 'https://filedownload.test.95516.com' },
};
const PAID = new Set(['00', 'A6']);
/** "still processing / result unknown": ask again later */
const PROCESSING = new Set(['03', '04', '05']);
const TRADE_NOT_FOUND = '34';
const FILE_NOT_FOUND = '98';
const DUPLICATE_ORDER = '12';

function endpoints(c: UnionpayChannel) {
  const base = c.settings.apiBase?.replace(/\/+$/, '');
  return base ? { gateway: base, files: base } : ENDPOINTS[c.environment];
}

/** UnionPay's times are China Standard Time, `yyyyMMddHHmmss`. */
export function cstStamp(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace(/\D/g, '');
}

/** orderId allows letters and digits only: `pay_01h…` travels as `pay01h…` and comes back the same. */
export const toOrderId = (paymentId: string) => paymentId.replace('_', '');
export function fromOrderId(orderId: string): string | null {
  return /^pay[0-9a-z]{26}$/i.test(orderId) ? `pay_${orderId.slice(3)}` : null;
}

const fen = (v: string | undefined) => (/^\d{1,12}$/.test(v ?? '') ? Number(v) : null);

const anchors = (c: UnionpayChannel): TrustAnchors => ({
  rootCert: c.settings.rootCert ?? '',
  middleCert: c.settings.middleCert ?? '',
  environment: c.environment,
});

/** The common fields of every request we send. */
function base(c: UnionpayChannel, txnType: string, txnSubType: string, bizType: string) {
  return { encoding: 'UTF-8', txnType, txnSubType, bizType, accessType: '0', merId: c.settings.merId ?? '' };
}

/**
 * UnionPay's statement (the ZM file of fileTransfer): one trade a line, fixed-width fields separated by a
 * space. Consumptions (txnType 01) are taken, by our orderId; refunds are reconciled by refund queries.
 */
const ZM_WIDTHS = [3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6] as const;
const ZM = { txnAmt: 6, queryId: 9, orderId: 11, txnType: 19 } as const;
export function parseUnionpayStatement(text: string): Map<string, BillTrade> {
  const out = new Map<string, BillTrade>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const fields: string[] = [];
    let at = 0;
    for (const w of ZM_WIDTHS) {
      fields.push(line.slice(at, at + w).trim());
      at += w + 1;
    }
    if (line.length < at - 1) throw new Error('unionpay statement: a line is too short');
    if (fields[ZM.txnType] !== '01') continue;
    const cents = fen(fields[ZM.txnAmt]);
    const id = fromOrderId(fields[ZM.orderId] ?? '');
    if (cents === null) throw new Error('unionpay statement: malformed txnAmt');
    if (id) out.set(id, { tradeNo: fields[ZM.queryId] ?? '', amountCents: cents });
  }
  return out;
}

export function createUnionpayAdapter(clock: Pick<Clock, 'now'>): ProviderAdapter<UnionpaySettings, UnionpaySecrets> {
  const sign = (c: UnionpayChannel, p: Record<string, string>) =>
    signUnionpay(p, c.secrets.signPrivateKey ?? '', c.settings.certId ?? '');

  /** A signed backend request; the answer counts only when UnionPay signed it and it is about our merchant. */
  async function call(c: UnionpayChannel, url: string, p: Record<string, string>): Promise<Record<string, string>> {
    const res = await channelFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(sign(c, p)).toString(),
    });
    if (res.status !== 200) throw new Error(`unionpay ${url}: HTTP ${res.status}`);
    const parsed = parseUnionpayAnswer(res.text);
    if (!parsed.ok) throw new Error(`unionpay ${url}: ${parsed.reason}`);
    const verified = verifyUnionpay(parsed.value, anchors(c), clock.now());
    if (!verified.ok) throw new Error(`unionpay ${url}: answer refused: ${verified.reason}`);
    const a = parsed.value;
    if (a.merId !== undefined && a.merId !== c.settings.merId)
      throw new Error(`unionpay ${url}: answer for another merchant`);
    return a;
  }

  /** queryTrans for one of our order numbers and the time it was sent with. */
  async function query(c: UnionpayChannel, orderId: string, txnTime: string) {
    const a = await call(c, `${endpoints(c).gateway}/gateway/api/queryTrans.do`, {
      ...base(c, '00', '00', '000000'),
      orderId,
      txnTime,
    });
    if (a.respCode === TRADE_NOT_FOUND) return null;
    if (a.respCode !== '00') throw new Error(`unionpay queryTrans: ${a.respCode ?? '?'} ${a.respMsg ?? ''}`.trim());
    if (a.orderId !== orderId) throw new Error('unionpay queryTrans: the answer is for another order');
    return a;
  }

  const adapter: ProviderAdapter<UnionpaySettings, UnionpaySecrets> = {
    provider: 'unionpay',
    missing(c) {
      const out: string[] = [];
      if (!c.settings.merId) out.push('settings.merId');
      if (!c.settings.certId) out.push('settings.certId');
      if (!c.settings.rootCert) out.push('settings.rootCert');
      if (!c.settings.middleCert) out.push('settings.middleCert');
      if (!c.secrets.signPrivateKey) out.push('secrets.signPrivateKey');
      return out;
    },

    async launch(c, payment, input) {
      const form = sign(c, {
        ...base(c, '01', '01', '000201'),
        channelType: input.scene === 'wap' ? '08' : '07',
        orderId: toOrderId(payment.id),
        txnTime: cstStamp(payment.createdAt),
        payTimeout: cstStamp(payment.expiresAt),
        txnAmt: String(payment.amountCents),
        currencyCode: '156',
        frontUrl: input.returnUrl,
        backUrl: input.notifyUrl,
      });
      // a front transaction: the cashier posts these fields to the gateway from the buyer's browser
      return { payUrl: `${endpoints(c).gateway}/gateway/api/frontTransReq.do?${new URLSearchParams(form)}` };
    },

    verifyNotification(c, n, clock): Verified<ChannelEvent> {
      const parsed = parseFormOnce(n.raw.toString('utf8'));
      if (!parsed.ok) return parsed;
      const p = parsed.value;
      // UnionPay signs no time of sending (a retry is the same message): a replay meets the one paid transition
      const verified = verifyUnionpay(p, anchors(c), clock.now());
      if (!verified.ok) return verified;
      if (p.merId !== c.settings.merId) return { ok: false, reason: 'merId is not ours' };
      if (!p.queryId || !p.orderId) return { ok: false, reason: 'missing queryId or orderId' };
      if (p.txnType === '04') {
        const paymentId = fromOrderId(p.reqReserved ?? '');
        if (!paymentId) return { ok: false, reason: 'refund notification without our payment' };
        const status = PAID.has(p.respCode ?? '') ? 'succeeded' : 'failed';
        return { ok: true, value: { kind: 'refund', outTradeNo: paymentId, channelRefundNo: p.orderId, status } };
      }
      if (p.txnType !== '01') return { ok: false, reason: `txnType ${p.txnType ?? '?'} is not a payment` };
      const paymentId = fromOrderId(p.orderId);
      const amountCents = fen(p.txnAmt);
      if (!paymentId) return { ok: false, reason: 'orderId is not one of ours' };
      if (amountCents === null || amountCents <= 0) return { ok: false, reason: 'malformed txnAmt' };
      if (p.currencyCode !== undefined && p.currencyCode !== '156') return { ok: false, reason: 'currency is not CNY' };
      return {
        ok: true,
        value: {
          kind: 'payment',
          outTradeNo: paymentId,
          tradeNo: p.queryId,
          amountCents,
          status: PAID.has(p.respCode ?? '') ? 'paid' : 'pending',
        },
      };
    },

    // UnionPay needs only HTTP 200; anything else and it sends the notification again
    ack: (ok) => ({ status: ok ? 200 : 400, contentType: 'text/plain; charset=utf-8', body: ok ? 'ok' : 'fail' }),

    async query(c, payment): Promise<TradeQuery> {
      const a = await query(c, toOrderId(payment.id), cstStamp(payment.createdAt));
      if (!a) return { status: 'not_found' };
      const amountCents = fen(a.txnAmt);
      if (amountCents === null) throw new Error('unionpay queryTrans: malformed txnAmt');
      const paid = PAID.has(a.origRespCode ?? '');
      return { status: paid ? 'paid' : 'pending', tradeNo: a.queryId || null, amountCents };
    },

    async close() {
      // no call exists for an unpaid front transaction: payTimeout (the payment's expiry) already ends it
    },

    async refund(c, payment, rf): Promise<RefundOutcome> {
      if (!payment.providerTradeId) return { status: 'rejected', reason: 'the payment has no queryId to refund' };
      const a = await call(c, `${endpoints(c).gateway}/gateway/api/backTransReq.do`, {
        ...base(c, '04', '00', '000201'),
        channelType: '07',
        orderId: rf.channelRefundNo,
        origQryId: payment.providerTradeId,
        txnTime: cstStamp(rf.createdAt),
        txnAmt: String(rf.amountCents),
        backUrl: rf.notifyUrl,
        // echoed in the refund's notification, which otherwise names only UnionPay's ids
        reqReserved: toOrderId(payment.id),
      });
      const code = a.respCode ?? '';
      // accepted (or sent before with this number): the refund query says where it stands
      if (code === '00' || code === DUPLICATE_ORDER || PROCESSING.has(code)) {
        const q = await adapter.queryRefund(c, payment, rf.channelRefundNo, rf.createdAt);
        if (q.status === 'succeeded') return { status: 'succeeded', providerRefundId: a.queryId || null };
        if (q.status === 'failed') return { status: 'rejected', reason: 'UnionPay reports the refund failed' };
        return { status: 'pending', providerRefundId: null };
      }
      return { status: 'rejected', reason: `${code} ${a.respMsg ?? ''}`.trim() };
    },

    async queryRefund(c, _payment, no, refundCreatedAt): Promise<RefundQuery> {
      const a = await query(c, no, cstStamp(refundCreatedAt));
      if (!a) return { status: 'not_found' };
      const code = a.origRespCode ?? '';
      const status = PAID.has(code) ? 'succeeded' : PROCESSING.has(code) ? 'pending' : 'failed';
      return { status, amountCents: fen(a.txnAmt) };
    },

    async tradesOfDay(c, day): Promise<Map<string, BillTrade>> {
      const a = await call(c, `${endpoints(c).files}/`, {
        ...base(c, '76', '01', '000000'),
        settleDate: day.slice(5, 7) + day.slice(8, 10),
        txnTime: cstStamp(clock.now()),
        fileType: '00',
      });
      if (a.respCode === FILE_NOT_FOUND) return new Map();
      if (a.respCode !== '00' || !a.fileContent) {
        throw new Error(`unionpay fileTransfer: ${a.respCode ?? '?'} ${a.respMsg ?? ''}`.trim());
      }
      // base64 of a zlib-deflated zip archive, whose ZM file holds the merchant's trades of the day
      const archive = Buffer.from(a.fileContent, 'base64');
      const files = readZip(inflateBounded(inflateSync, archive, ZIP_LIMITS.maxTotalBytes, 'unionpay fileContent'));
      const zm = files.find((f) => /ZM_/.test(f.name));
      if (!zm) throw new Error('unionpay fileTransfer: no ZM file in the archive');
      return parseUnionpayStatement(zm.data.toString('utf8'));
    },
  };
  return adapter;
}

export const unionpayProvider: ProviderDefinition<typeof unionpayChannel> = {
  channel: unionpayChannel,
  createAdapter: (deps) => createUnionpayAdapter(deps.clock) as ProviderAdapter,
};
