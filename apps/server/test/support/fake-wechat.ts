import { createCipheriv, createHash, createSign, createVerify, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/platform/clock.ts';
import { type FakeServer, rsaKeyPair, startFakeServer } from './fake-server.ts';

/**
 * WeChat Pay API v3 on 127.0.0.1: checks the merchant's request signature (Authorization header), signs
 * every answer with the WeChat Pay key named by Wechatpay-Serial, and builds notifications the way WeChat
 * does (AES-256-GCM resource under the APIv3 key, signed `timestamp\nnonce\nbody\n`).
 */
export interface WechatTrade {
  outTradeNo: string;
  transactionId: string;
  total: number;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED';
}

export interface NotificationOptions {
  eventType?: string;
  resource?: Record<string, unknown>;
  timestampOffset?: number;
  signWith?: string;
  serial?: string;
  apiV3Key?: string;
  signature?: string;
}

export interface FakeWechat {
  server: FakeServer;
  mchid: string;
  appid: string;
  merchantSerialNo: string;
  platformSerial: string;
  apiV3Key: string;
  merchant: { privateKey: string; publicKey: string };
  platform: { privateKey: string; publicKey: string };
  trades: Map<string, WechatTrade>;
  refunds: Map<string, { outTradeNo: string; refund: number; status: 'PROCESSING' | 'SUCCESS' }>;
  /** new refunds start PROCESSING (and finish on a second call or by notification) */
  refundsProcess: boolean;
  pay(outTradeNo: string): WechatTrade;
  /** the day's trade bill as WeChat writes it: every field prefixed with a backtick, totals at the end */
  tradeBill(): string;
  notification(
    resource: Record<string, unknown>,
    opts?: NotificationOptions,
  ): { headers: Record<string, string>; body: string };
  paidNotification(outTradeNo: string, opts?: NotificationOptions): { headers: Record<string, string>; body: string };
  close(): Promise<void>;
}

export async function startFakeWechat(clock: Clock): Promise<FakeWechat> {
  const merchant = rsaKeyPair();
  const platform = rsaKeyPair();
  const mchid = '1900000109';
  const appid = 'wxd678efh567hg6787';
  const merchantSerialNo = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
  const platformSerial = 'PUB_KEY_ID_0119000001092025010100000000000001';
  const apiV3Key = randomBytes(16).toString('hex');
  const trades = new Map<string, WechatTrade>();
  const refunds = new Map<string, { outTradeNo: string; refund: number; status: 'PROCESSING' | 'SUCCESS' }>();
  let seq = 0;

  const signed = (status: number, payload?: unknown) => {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const ts = String(Math.floor(clock.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${body}\n`).sign(platform.privateKey, 'base64');
    return {
      status,
      headers: {
        'content-type': 'application/json',
        'wechatpay-timestamp': ts,
        'wechatpay-nonce': nonce,
        'wechatpay-signature': signature,
        'wechatpay-serial': platformSerial,
      },
      body,
    };
  };

  const authorized = (method: string, url: string, headers: Record<string, unknown>, body: string) => {
    const auth = String(headers.authorization ?? '');
    if (!auth.startsWith('WECHATPAY2-SHA256-RSA2048 ')) return false;
    const f = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (f.mchid !== mchid || f.serial_no !== merchantSerialNo) return false;
    return createVerify('RSA-SHA256')
      .update(`${method}\n${url}\n${f.timestamp}\n${f.nonce_str}\n${body}\n`)
      .verify(merchant.publicKey, f.signature ?? '', 'base64');
  };

  const tradeView = (t: WechatTrade) => ({
    appid,
    mchid,
    out_trade_no: t.outTradeNo,
    ...(t.state === 'SUCCESS' ? { transaction_id: t.transactionId } : {}),
    trade_type: 'NATIVE',
    trade_state: t.state,
    trade_state_desc: t.state,
    amount: { total: t.total, payer_total: t.total, currency: 'CNY', payer_currency: 'CNY' },
  });

  const fake: FakeWechat = {
    mchid,
    appid,
    merchantSerialNo,
    platformSerial,
    apiV3Key,
    merchant,
    platform,
    trades,
    refunds,
    refundsProcess: false,
    server: await startFakeServer((req) => {
      const url = `${req.path}${req.query.size > 0 ? `?${req.query.toString()}` : ''}`;
      if (!authorized(req.method, url, req.headers, req.body)) {
        return signed(401, { code: 'SIGN_ERROR', message: '签名错误' });
      }
      const body = req.body ? (JSON.parse(req.body) as Record<string, any>) : {};
      const open = () => {
        if (!trades.has(body.out_trade_no)) {
          seq += 1;
          trades.set(body.out_trade_no, {
            outTradeNo: body.out_trade_no,
            transactionId: `42000012${String(Date.now()).slice(-8)}${String(seq).padStart(12, '0')}`,
            total: body.amount.total,
            state: 'NOTPAY',
          });
        }
      };
      if (req.method === 'POST' && req.path === '/v3/pay/transactions/native') {
        if (body.mchid !== mchid || body.appid !== appid) return signed(400, { code: 'PARAM_ERROR', message: 'mchid' });
        open();
        return signed(200, { code_url: `weixin://wxpay/bizpayurl?pr=${seq}abc` });
      }
      if (req.method === 'POST' && req.path === '/v3/pay/transactions/h5') {
        open();
        return signed(200, { h5_url: `https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx${seq}` });
      }
      const m = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close)?$/.exec(req.path);
      if (m) {
        const t = trades.get(decodeURIComponent(m[1] ?? ''));
        if (m[2]) {
          if (t && t.state === 'NOTPAY') t.state = 'CLOSED';
          return signed(204);
        }
        if (req.query.get('mchid') !== mchid) return signed(400, { code: 'PARAM_ERROR', message: 'mchid' });
        return t ? signed(200, tradeView(t)) : signed(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' });
      }
      if (req.method === 'POST' && req.path === '/v3/refund/domestic/refunds') {
        const t = trades.get(body.out_trade_no);
        if (t?.state !== 'SUCCESS') return signed(400, { code: 'INVALID_REQUEST', message: '订单未支付' });
        const existing = refunds.get(body.out_refund_no);
        if (existing) existing.status = 'SUCCESS';
        else
          refunds.set(body.out_refund_no, {
            outTradeNo: t.outTradeNo,
            refund: body.amount.refund,
            status: fake.refundsProcess ? 'PROCESSING' : 'SUCCESS',
          });
        const r = refunds.get(body.out_refund_no)!;
        return signed(200, {
          refund_id: `5030${body.out_refund_no.slice(0, 10)}`,
          out_refund_no: body.out_refund_no,
          out_trade_no: t.outTradeNo,
          status: r.status,
          amount: { refund: r.refund, total: t.total, currency: 'CNY' },
        });
      }
      if (req.method === 'GET' && req.path === '/v3/bill/tradebill') {
        const file = fake.tradeBill();
        return signed(200, {
          hash_type: 'SHA1',
          hash_value: createHash('sha1').update(file).digest('hex'),
          download_url: `${fake.server.url}/v3/billdownload/file?token=${req.query.get('bill_date')}`,
        });
      }
      if (req.method === 'GET' && req.path === '/v3/billdownload/file') {
        return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: fake.tradeBill() };
      }
      const rq = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(req.path);
      if (req.method === 'GET' && rq) {
        const r = refunds.get(decodeURIComponent(rq[1] ?? ''));
        if (!r) return signed(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
        return signed(200, {
          out_refund_no: rq[1],
          out_trade_no: r.outTradeNo,
          status: r.status,
          amount: { refund: r.refund },
        });
      }
      return signed(404, { code: 'NOT_FOUND', message: req.path });
    }),
    tradeBill() {
      const header =
        '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
      const yuan = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
      const rows = [...trades.values()]
        .filter((t) => t.state === 'SUCCESS')
        .map((t) =>
          [
            '2026-12-01 10:00:00',
            appid,
            mchid,
            '0',
            '',
            t.transactionId,
            t.outTradeNo,
            'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
            'NATIVE',
            'SUCCESS',
            'OTHERS',
            'CNY',
            yuan(t.total),
            '0.00',
            '0',
            '0',
            '0.00',
            '0.00',
            '',
            '',
            '卡盟订单',
            '',
            '0.00',
            '0.60%',
            yuan(t.total),
            '0.00',
            '',
          ]
            .map((v) => `\`${v}`)
            .join(','),
        );
      return `${header}\r\n${rows.join('\r\n')}\r\n总交易单数,应结订单总金额,退款总金额\r\n\`${rows.length},\`0.00,\`0.00\r\n`;
    },
    pay(outTradeNo) {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`fake wechat: ${outTradeNo} was never opened`);
      t.state = 'SUCCESS';
      return t;
    },
    notification(resource, o = {}) {
      const nonce = randomBytes(6).toString('hex');
      const associated = 'transaction';
      const cipher = createCipheriv('aes-256-gcm', Buffer.from(o.apiV3Key ?? apiV3Key, 'utf8'), Buffer.from(nonce));
      cipher.setAAD(Buffer.from(associated));
      const ct = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()]);
      const body = JSON.stringify({
        id: `EV-${randomBytes(8).toString('hex')}`,
        create_time: new Date(clock.now()).toISOString(),
        resource_type: 'encrypt-resource',
        event_type: o.eventType ?? 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: {
          original_type: 'transaction',
          algorithm: 'AEAD_AES_256_GCM',
          ciphertext: ct.toString('base64'),
          associated_data: associated,
          nonce,
        },
      });
      const ts = String(Math.floor(clock.now() / 1000) + (o.timestampOffset ?? 0));
      const headerNonce = randomBytes(16).toString('hex');
      const signature =
        o.signature ??
        createSign('RSA-SHA256')
          .update(`${ts}\n${headerNonce}\n${body}\n`)
          .sign(o.signWith ?? platform.privateKey, 'base64');
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'wechatpay-timestamp': ts,
          'wechatpay-nonce': headerNonce,
          'wechatpay-signature': signature,
          'wechatpay-serial': o.serial ?? platformSerial,
        },
      };
    },
    paidNotification(outTradeNo, o = {}) {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`fake wechat: ${outTradeNo} was never opened`);
      return fake.notification(
        {
          ...tradeView(t),
          transaction_id: t.transactionId,
          trade_type: 'NATIVE',
          bank_type: 'OTHERS',
          success_time: new Date(clock.now()).toISOString(),
          payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
          ...o.resource,
        },
        o,
      );
    },
    close: () => fake.server.close(),
  };
  return fake;
}
