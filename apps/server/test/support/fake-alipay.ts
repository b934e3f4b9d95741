import { createSign, createVerify } from 'node:crypto';
import type { Clock } from '../../src/platform/clock.ts';
import { type FakeServer, rsaKeyPair, startFakeServer } from './fake-server.ts';
import { gbkEncode, zipFiles } from './zip-gbk.ts';

/**
 * An Alipay open-platform gateway on 127.0.0.1: checks the RSA2 signature of every request (as signed by
 * the official SDK), answers precreate/query/close/refund with signed responses, takes page/WAP pay
 * visits, and signs notifications with its own key for the test to deliver, duplicate or tamper with.
 */
export interface AlipayTrade {
  outTradeNo: string;
  tradeNo: string;
  totalAmount: string;
  status: 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED';
}

export interface FakeAlipay {
  server: FakeServer;
  gatewayUrl: string;
  appId: string;
  sellerId: string;
  /** the application's key pair (the merchant keeps the private key) and Alipay's */
  app: { privateKey: string; publicKey: string };
  alipay: { privateKey: string; publicKey: string };
  trades: Map<string, AlipayTrade>;
  refunds: Map<string, { outTradeNo: string; amount: string }>;
  calls: string[];
  /** the next N refund calls answer HTTP 500 after doing their work (an answer lost on the way back) */
  loseRefundAnswers: number;
  /** every API call fails with HTTP 502 (the gateway is unreachable) */
  down: boolean;
  pay(outTradeNo: string): Record<string, string>;
  /** the day's statement as Alipay ships it: a zip of two GBK CSV files (details and totals) */
  tradeBill(day: string): Buffer;
  signNotification(params: Record<string, string>, privateKey?: string): Record<string, string>;
  close(): Promise<void>;
}

const sortedPairs = (p: Record<string, string>, skip: string[]) =>
  Object.keys(p)
    .filter((k) => !skip.includes(k) && p[k] !== '')
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join('&');

/** Alipay's wall-clock format, China Standard Time. */
export function alipayTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export async function startFakeAlipay(clock: Clock): Promise<FakeAlipay> {
  const app = rsaKeyPair();
  const alipay = rsaKeyPair();
  const appId = '2021000000000001';
  const sellerId = '2088000000000001';
  const trades = new Map<string, AlipayTrade>();
  const refunds = new Map<string, { outTradeNo: string; amount: string }>();
  const calls: string[] = [];
  let seq = 0;

  const signedAnswer = (method: string, inner: Record<string, unknown>) => {
    const json = JSON.stringify(inner);
    const sign = createSign('RSA-SHA256').update(json).sign(alipay.privateKey, 'base64');
    return { body: `{"${method.replaceAll('.', '_')}_response":${json},"sign":"${sign}"}` };
  };
  const notExist = { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST', sub_msg: '交易不存在' };

  const openTrade = (biz: Record<string, string>) => {
    if (!trades.has(biz.out_trade_no ?? '')) {
      seq += 1;
      trades.set(biz.out_trade_no ?? '', {
        outTradeNo: biz.out_trade_no ?? '',
        tradeNo: `2026120122001${String(Date.now()).slice(-8)}${String(seq).padStart(6, '0')}`,
        totalAmount: biz.total_amount ?? '',
        status: 'WAIT_BUYER_PAY',
      });
    }
    return trades.get(biz.out_trade_no ?? '')!;
  };

  const fake: FakeAlipay = {
    gatewayUrl: '',
    appId,
    sellerId,
    app,
    alipay,
    trades,
    refunds,
    calls,
    loseRefundAnswers: 0,
    down: false,
    server: await startFakeServer((req) => {
      if (req.method === 'GET' && req.path.startsWith('/bills/')) {
        return { headers: { 'content-type': 'application/zip' }, body: fake.tradeBill(req.path.slice(7, 17)) };
      }
      const params: Record<string, string> = Object.fromEntries(req.query);
      for (const [k, v] of new URLSearchParams(req.body)) params[k] = v;
      // the SDK signs every parameter but sign itself, sign_type included
      const content = Object.keys(params)
        .filter((k) => k !== 'sign')
        .sort()
        .map((k) => `${k}=${params[k]}`)
        .join('&');
      const good =
        params.app_id === appId &&
        createVerify('RSA-SHA256')
          .update(content)
          .verify(app.publicKey, params.sign ?? '', 'base64');
      const method = params.method ?? '';
      if (!good)
        return signedAnswer(method, { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-signature' });
      const biz = JSON.parse(params.biz_content ?? '{}') as Record<string, string>;
      if (method === 'alipay.trade.page.pay' || method === 'alipay.trade.wap.pay') {
        openTrade(biz);
        return { headers: { 'content-type': 'text/html' }, body: '<html>支付宝收银台</html>' };
      }
      calls.push(method);
      if (fake.down) return { status: 502, body: 'bad gateway' };
      let answer: { body: string };
      if (method === 'alipay.trade.precreate') {
        const t = openTrade(biz);
        answer = signedAnswer(method, {
          code: '10000',
          msg: 'Success',
          out_trade_no: t.outTradeNo,
          qr_code: `https://qr.alipay.com/bax0${t.tradeNo.slice(-8)}`,
        });
      } else if (method === 'alipay.trade.query') {
        const t = trades.get(biz.out_trade_no ?? '');
        answer = signedAnswer(
          method,
          t
            ? {
                code: '10000',
                msg: 'Success',
                trade_no: t.tradeNo,
                out_trade_no: t.outTradeNo,
                trade_status: t.status,
                total_amount: t.totalAmount,
                buyer_logon_id: 'bu***@example.cn',
              }
            : notExist,
        );
      } else if (method === 'alipay.trade.close') {
        const t = trades.get(biz.out_trade_no ?? '');
        if (t && t.status === 'WAIT_BUYER_PAY') t.status = 'TRADE_CLOSED';
        answer = signedAnswer(
          method,
          !t
            ? notExist
            : t.status === 'TRADE_CLOSED'
              ? { code: '10000', msg: 'Success', trade_no: t.tradeNo, out_trade_no: t.outTradeNo }
              : {
                  code: '40004',
                  msg: 'Business Failed',
                  sub_code: 'ACQ.TRADE_STATUS_ERROR',
                  sub_msg: '交易状态不合法',
                },
        );
      } else if (method === 'alipay.trade.refund') {
        const t = trades.get(biz.out_trade_no ?? '');
        if (t?.status !== 'TRADE_SUCCESS') {
          answer = signedAnswer(method, { code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_STATUS_ERROR' });
        } else {
          const first = !refunds.has(biz.out_request_no ?? '');
          if (first)
            refunds.set(biz.out_request_no ?? '', { outTradeNo: t.outTradeNo, amount: biz.refund_amount ?? '' });
          answer = signedAnswer(method, {
            code: '10000',
            msg: 'Success',
            trade_no: t.tradeNo,
            out_trade_no: t.outTradeNo,
            refund_fee: biz.refund_amount,
            fund_change: first ? 'Y' : 'N',
          });
        }
      } else if (method === 'alipay.data.dataservice.bill.downloadurl.query') {
        answer = signedAnswer(method, {
          code: '10000',
          msg: 'Success',
          bill_download_url: `${fake.server.url}/bills/${biz.bill_date}.zip?sign=fake`,
        });
      } else if (method === 'alipay.trade.fastpay.refund.query') {
        const r = refunds.get(biz.out_request_no ?? '');
        answer = signedAnswer(
          method,
          r
            ? {
                code: '10000',
                msg: 'Success',
                out_trade_no: r.outTradeNo,
                out_request_no: biz.out_request_no,
                refund_amount: r.amount,
                refund_status: 'REFUND_SUCCESS',
              }
            : { code: '10000', msg: 'Success', out_trade_no: biz.out_trade_no },
        );
      } else {
        answer = signedAnswer(method, { code: '40004', msg: 'Business Failed', sub_code: 'isv.unknown-method' });
      }
      if (method === 'alipay.trade.refund' && fake.loseRefundAnswers > 0) {
        fake.loseRefundAnswers--;
        return { status: 500, body: 'upstream timeout' };
      }
      return answer;
    }),
    tradeBill(day) {
      const header =
        '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
      const paid = [...trades.values()].filter((t) => t.status === 'TRADE_SUCCESS');
      const rows = paid.map((t) =>
        [
          t.tradeNo,
          t.outTradeNo,
          '交易',
          '卡盟订单',
          `${day} 10:00:00`,
          `${day} 10:00:04`,
          '',
          '',
          '',
          '',
          'bu***@example.cn',
          t.totalAmount,
          t.totalAmount,
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '0.00',
          '',
          '0.00',
          '0.00',
          '',
          '0.06',
          '0.00',
          '',
        ]
          .map((v) => `${v}\t`)
          .join(','),
      );
      const detail = [
        '#支付宝业务明细查询',
        `#账号：[${sellerId}0156]`,
        `#起始日期：[${day} 00:00:00]   终止日期：[${day} 23:59:59]`,
        '#-----------------------------------------业务明细列表----------------------------------------',
        header,
        ...rows,
        '#-----------------------------------------业务明细列表结束------------------------------------',
        `#交易合计：${rows.length}笔，退款合计：0笔`,
        `#导出时间：[${day} 23:59:59]`,
      ].join('\r\n');
      const totals = ['#支付宝业务汇总查询', '门店编号,门店名称,交易订单总笔数', `,,${rows.length}`].join('\r\n');
      const base = `${sellerId}0156_${day.replaceAll('-', '')}`;
      return zipFiles([
        { name: `${base}_业务明细.csv`, data: gbkEncode(detail) },
        { name: `${base}_业务明细(汇总).csv`, data: gbkEncode(totals) },
      ]);
    },
    signNotification(p, privateKey = alipay.privateKey) {
      const sign = createSign('RSA-SHA256')
        .update(sortedPairs(p, ['sign', 'sign_type']))
        .sign(privateKey, 'base64');
      return { ...p, sign_type: 'RSA2', sign };
    },
    pay(outTradeNo) {
      const t = trades.get(outTradeNo);
      if (!t) throw new Error(`fake alipay: ${outTradeNo} was never opened`);
      if (t.status === 'TRADE_CLOSED') throw new Error(`fake alipay: ${outTradeNo} is closed`);
      t.status = 'TRADE_SUCCESS';
      return fake.signNotification({
        gmt_create: '2026-12-01 10:00:00',
        charset: 'utf-8',
        seller_id: sellerId,
        notify_time: alipayTime(clock.now()),
        notify_type: 'trade_status_sync',
        notify_id: `2026120100222100005${String(seq).padStart(6, '0')}`,
        app_id: appId,
        version: '1.0',
        // characters a second URL-decoding would corrupt: a literal %, a +, quotes in JSON
        subject: '100%到账 Q币+点卡',
        fund_bill_list: `[{"amount":"${t.totalAmount}","fundChannel":"ALIPAYACCOUNT"}]`,
        trade_no: t.tradeNo,
        out_trade_no: outTradeNo,
        total_amount: t.totalAmount,
        receipt_amount: t.totalAmount,
        buyer_pay_amount: t.totalAmount,
        trade_status: 'TRADE_SUCCESS',
        gmt_payment: '2026-12-01 10:00:04',
      });
    },
    close: () => fake.server.close(),
  };
  fake.gatewayUrl = `${fake.server.url}/gateway.do`;
  return fake;
}
