import { createHash, createSign, createVerify, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/platform/clock.ts';
import { type FakeServer, rsaKeyPair, startFakeServer } from './fake-server.ts';

/**
 * A 易支付 gateway (彩虹 V1 MD5 / V2 RSA) on 127.0.0.1: takes submissions, answers order queries and
 * refunds, and produces signed notifications the test delivers (or tampers with, duplicates, drops).
 */
export interface EpayTrade {
  outTradeNo: string;
  tradeNo: string;
  money: string;
  type: string;
  paid: boolean;
}

export interface FakeEpay {
  server: FakeServer;
  version: 'v1' | 'v2';
  pid: string;
  key: string;
  /** V2: the gateway's key pair (signs notifications and answers) and the merchant's */
  platform: { privateKey: string; publicKey: string };
  merchant: { privateKey: string; publicKey: string };
  trades: Map<string, EpayTrade>;
  refunds: Map<string, { outTradeNo: string; money: string }>;
  /** answer order queries as unpaid whatever the trade says (a gateway that sends notifications it cannot back) */
  denyQueries: boolean;
  /** the next N refund calls are processed but answered with HTTP 500 (the answer is lost) */
  loseRefundAnswers: number;
  /** the buyer pays at the gateway; returns the notification's parameters, signed */
  pay(outTradeNo: string): Record<string, string>;
  sign(params: Record<string, string>, signer?: { key?: string; privateKey?: string }): Record<string, string>;
  close(): Promise<void>;
}

function signingString(p: Record<string, string>): string {
  return Object.keys(p)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && p[k] !== '')
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join('&');
}

export async function startFakeEpay(opts: { version: 'v1' | 'v2'; clock: Clock; pid?: string }): Promise<FakeEpay> {
  const pid = opts.pid ?? '1001';
  const key = randomBytes(16).toString('hex');
  const platform = rsaKeyPair();
  const merchant = rsaKeyPair();
  const trades = new Map<string, EpayTrade>();
  const refunds = new Map<string, { outTradeNo: string; money: string }>();
  let tradeSeq = 0;

  const sign = (params: Record<string, string>, w: { key?: string; privateKey?: string } = {}) => {
    if (opts.version === 'v1') {
      const sig = createHash('md5')
        .update(signingString(params) + (w.key ?? key))
        .digest('hex');
      return { ...params, sign: sig, sign_type: 'MD5' };
    }
    const p = { ...params, timestamp: params.timestamp ?? String(Math.floor(opts.clock.now() / 1000)) };
    const sig = createSign('RSA-SHA256')
      .update(signingString(p))
      .sign(w.privateKey ?? platform.privateKey, 'base64');
    return { ...p, sign: sig, sign_type: 'RSA' };
  };

  const merchantVerified = (p: Record<string, string>) =>
    opts.version === 'v1'
      ? p.key === key
      : createVerify('RSA-SHA256')
          .update(signingString(p))
          .verify(merchant.publicKey, p.sign ?? '', 'base64');

  const fake: FakeEpay = {
    version: opts.version,
    pid,
    key,
    platform,
    merchant,
    trades,
    refunds,
    denyQueries: false,
    loseRefundAnswers: 0,
    sign,
    server: await startFakeServer((req) => {
      if (req.path === '/submit.php' || req.path === '/api/pay/submit') {
        // the buyer's browser arrives with the signed order
        const p = Object.fromEntries(req.query);
        const good =
          opts.version === 'v1'
            ? p.sign ===
              createHash('md5')
                .update(signingString(p) + key)
                .digest('hex')
            : createVerify('RSA-SHA256')
                .update(signingString(p))
                .verify(merchant.publicKey, p.sign ?? '', 'base64');
        if (!good || p.pid !== pid) return { status: 400, body: 'sign error' };
        tradeSeq += 1;
        // longer than a double can hold, so a gateway sending it as a number would lose digits
        const tradeNo = `2026120100${String(Date.now()).slice(-8)}${String(tradeSeq).padStart(4, '0')}`;
        trades.set(p.out_trade_no ?? '', {
          outTradeNo: p.out_trade_no ?? '',
          tradeNo,
          money: p.money ?? '',
          type: p.type ?? '',
          paid: false,
        });
        return { headers: { 'content-type': 'text/html' }, body: '<html>收银台</html>' };
      }
      const p = Object.fromEntries(new URLSearchParams(req.body));
      const act = opts.version === 'v1' ? req.query.get('act') : req.path.replace('/api/pay/', '');
      if (p.pid !== pid || !merchantVerified(p)) {
        return { body: JSON.stringify({ code: opts.version === 'v1' ? -1 : -3, msg: 'sign error' }) };
      }
      const ok = opts.version === 'v1' ? 1 : 0;
      const answer = (fields: Record<string, string | number>, rawTradeNo?: string) => {
        const signed =
          opts.version === 'v2'
            ? sign(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])))
            : fields;
        let body = JSON.stringify({ ...signed, code: ok });
        // real gateways send long trade numbers as bare JSON numbers
        if (rawTradeNo) body = body.replace(`"trade_no":"${rawTradeNo}"`, `"trade_no":${rawTradeNo}`);
        return { body };
      };
      if (act === 'order' || act === 'query') {
        const t = trades.get(p.out_trade_no ?? '');
        if (!t) return { body: JSON.stringify({ code: -1, msg: 'order not found' }) };
        return answer(
          {
            code: ok,
            msg: 'succ',
            pid,
            trade_no: t.tradeNo,
            out_trade_no: t.outTradeNo,
            type: t.type,
            name: 'x',
            money: t.money,
            status: t.paid && !fake.denyQueries ? 1 : 0,
          },
          t.tradeNo,
        );
      }
      if (act === 'refund') {
        const t = trades.get(p.out_trade_no ?? '');
        if (!t?.paid) return { body: JSON.stringify({ code: -1, msg: 'not paid' }) };
        const no = p.out_refund_no ?? '';
        if (!refunds.has(no)) refunds.set(no, { outTradeNo: t.outTradeNo, money: p.money ?? '' });
        if (fake.loseRefundAnswers > 0) {
          fake.loseRefundAnswers--;
          return { status: 500, body: 'gateway timeout' };
        }
        return answer({ code: ok, msg: 'refund ok', refund_no: `RF${no}`, out_refund_no: no });
      }
      return { status: 404, body: '{}' };
    }),
    pay(outTradeNo) {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`fake epay: ${outTradeNo} was never submitted`);
      t.paid = true;
      return sign({
        pid,
        trade_no: t.tradeNo,
        out_trade_no: outTradeNo,
        type: t.type,
        name: 'x',
        money: t.money,
        trade_status: 'TRADE_SUCCESS',
      });
    },
    close: () => fake.server.close(),
  };
  return fake;
}
