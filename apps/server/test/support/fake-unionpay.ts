import 'reflect-metadata';
import { createHash, createSign, createVerify, webcrypto } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import * as x509 from '@peculiar/x509';
import type { Clock } from '../../src/platform/clock.ts';
import { type FakeServer, startFakeServer } from './fake-server.ts';
import { zipFiles } from './zip-gbk.ts';

/**
 * UnionPay's 全渠道 gateway (5.1.0) on 127.0.0.1: it issues a test root, intermediate and signing
 * certificate, takes front transactions posted by the buyer's browser (and shows a cashier page whose button
 * pays and notifies Kameng), answers queryTrans, refunds (backTransReq) and fileTransfer, and produces
 * signed notifications the tests deliver, tamper with, or sign with certificates Kameng must refuse.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const DAY = 86_400_000;
export const UNIONPAY_OWNER_CN = 'CN=041@Z12@中国银联股份有限公司@00000062,OU=00040000:SIGN';

export interface Signer {
  certPem: string;
  privateKeyPem: string;
}

interface Issued extends Signer {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

async function pemOf(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)
    ?.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

let serial = 1;
/** A certificate for `subject`, issued by `issuer` (self-signed when absent), valid over [from, to]. */
export async function issue(
  subject: string,
  o: { issuer?: Issued; ca: boolean; from: number; to: number },
): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const common = {
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    notBefore: new Date(o.from),
    notAfter: new Date(o.to),
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(o.ca, o.ca ? 1 : undefined, true)],
  };
  const cert = o.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject,
        issuer: o.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: o.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys });
  return { cert, keys, certPem: cert.toString('pem'), privateKeyPem: await pemOf(keys.privateKey) };
}

/** A root, an intermediate it issued, and a UnionPay signing certificate the intermediate issued. */
export async function issueChain(now: number, owner = UNIONPAY_OWNER_CN) {
  const root = await issue('CN=Fake CFCA Root', { ca: true, from: now - 365 * DAY, to: now + 3650 * DAY });
  const middle = await issue('CN=Fake CFCA OCA1', {
    issuer: root,
    ca: true,
    from: now - 365 * DAY,
    to: now + 1825 * DAY,
  });
  const signing = await issue(owner, { issuer: middle, ca: false, from: now - DAY, to: now + 365 * DAY });
  return { root, middle, signing };
}

function signingString(p: Record<string, string>): string {
  return Object.keys(p)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${p[k]}`)
    .join('&');
}

const digest = (p: Record<string, string>) => createHash('sha256').update(signingString(p), 'utf8').digest('hex');

/** Signs a message as UnionPay does: signPubKeyCert joins the fields, then the signature over all of them. */
export function signAsUnionpay(params: Record<string, string>, signer: Signer): Record<string, string> {
  const p: Record<string, string> = { ...params, version: '5.1.0', signMethod: '01', signPubKeyCert: signer.certPem };
  delete p.signature;
  return { ...p, signature: createSign('RSA-SHA256').update(digest(p)).sign(signer.privateKeyPem, 'base64') };
}

/** UnionPay's synchronous answers: `k=v&…`, values not encoded. */
const answerText = (p: Record<string, string>) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

const cst = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace(/\D/g, '');

export interface UnionpayTrade {
  orderId: string;
  txnTime: string;
  txnAmt: string;
  channelType: string;
  queryId: string;
  paid: boolean;
  backUrl: string;
  frontUrl: string;
  /** for the statement: the amount UnionPay has on its books (a test may make it differ) */
  statementAmt?: string;
}

export interface FakeUnionpay {
  server: FakeServer;
  merId: string;
  certId: string;
  /** the merchant signing key, as the operator stores it (from the .pfx UnionPay issued) */
  merchant: { privateKey: string; publicKey: string };
  root: Issued;
  middle: Issued;
  signing: Issued;
  trades: Map<string, UnionpayTrade>;
  refunds: Map<string, { origQryId: string; txnAmt: string; txnTime: string; queryId: string; status: '00' | '03' }>;
  /** the next N refunds are accepted but stay processing (origRespCode 03) until a later query */
  slowRefunds: number;
  /** the buyer pays at the gateway: the trade is paid and its notification returned, signed, unsent */
  pay(paymentId: string): Record<string, string>;
  /** the notification UnionPay sends about a trade (signed by `signer`, its own signing certificate by default) */
  notification(paymentId: string, o?: { signer?: Signer; fields?: Record<string, string> }): Record<string, string>;
  close(): Promise<void>;
}

const orderIdOf = (paymentId: string) => paymentId.replace('_', '');

export async function startFakeUnionpay(opts: { clock: Clock; merId?: string }): Promise<FakeUnionpay> {
  const merId = opts.merId ?? '777290058110048';
  const now = opts.clock.now();
  const { root, middle, signing } = await issueChain(now);
  const merchantCert = await issue('CN=Kameng test merchant', { ca: false, from: now - DAY, to: now + 365 * DAY });
  const certId = BigInt(`0x${merchantCert.cert.serialNumber}`).toString();
  // the certificate's PEM serves as its public key when our requests are checked
  const merchant = { privateKey: merchantCert.privateKeyPem, publicKey: merchantCert.certPem };
  const trades = new Map<string, UnionpayTrade>();
  const refunds: FakeUnionpay['refunds'] = new Map();
  let seq = 0;
  const queryId = () => `${cst(opts.clock.now())}${String(++seq).padStart(7, '0')}`;

  /** our request, signed by the merchant certificate named by certId */
  const merchantSigned = (p: Record<string, string>) =>
    p.certId === certId &&
    p.signMethod === '01' &&
    p.version === '5.1.0' &&
    createVerify('RSA-SHA256')
      .update(digest(p))
      .verify(merchant.publicKey, p.signature ?? '', 'base64');

  const signed = (p: Record<string, string>) => signAsUnionpay(p, signing);
  const answer = (p: Record<string, string>) => ({
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: answerText(signed({ encoding: 'UTF-8', merId, ...p })),
  });

  const notification = (paymentId: string, o: { signer?: Signer; fields?: Record<string, string> } = {}) => {
    const t = trades.get(orderIdOf(paymentId));
    if (!t) throw new Error(`fake unionpay: ${paymentId} was never sent to the gateway`);
    return signAsUnionpay(
      {
        accessType: '0',
        bizType: '000201',
        currencyCode: '156',
        encoding: 'UTF-8',
        merId,
        orderId: t.orderId,
        queryId: t.queryId,
        respCode: '00',
        respMsg: 'success',
        settleAmt: t.txnAmt,
        settleCurrencyCode: '156',
        settleDate: t.txnTime.slice(4, 8),
        traceNo: String(seq).padStart(6, '0'),
        traceTime: t.txnTime.slice(4),
        txnAmt: t.txnAmt,
        txnSubType: '01',
        txnTime: t.txnTime,
        txnType: '01',
        ...o.fields,
      },
      o.signer ?? signing,
    );
  };

  const pay = (paymentId: string) => {
    const t = trades.get(orderIdOf(paymentId));
    if (!t) throw new Error(`fake unionpay: ${paymentId} was never sent to the gateway`);
    t.paid = true;
    return notification(paymentId);
  };

  const statement = () =>
    [...trades.values()]
      .filter((t) => t.paid)
      .map((t) => {
        const fields = ['S22', '00049992', '00049992', '000001', t.txnTime.slice(4), '6216***0001'];
        fields.push((t.statementAmt ?? t.txnAmt).padStart(12, '0'), '5411', '07', t.queryId, '00', t.orderId);
        fields.push('01', '000000', '0000000000', '0', t.txnAmt, '0000', '', '01', '01', '000201');
        const widths = [3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6];
        return fields.map((f, i) => f.padEnd(widths[i] ?? 0)).join(' ');
      })
      .join('\r\n');

  const fake: FakeUnionpay = {
    merId,
    certId,
    merchant,
    root,
    middle,
    signing,
    trades,
    refunds,
    slowRefunds: 0,
    pay,
    notification,
    server: await startFakeServer(async (req) => {
      const p = Object.fromEntries(new URLSearchParams(req.body));
      if (req.method === 'POST' && req.path.startsWith('/fake/pay/')) {
        // the buyer pays on the cashier page: UnionPay notifies the merchant's backUrl, then sends the buyer back
        const paymentId = decodeURIComponent(req.path.slice('/fake/pay/'.length));
        const t = trades.get(orderIdOf(paymentId));
        if (!t) return { status: 404, body: 'no such order' };
        const res = await fetch(t.backUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
          body: new URLSearchParams(pay(paymentId)).toString(),
        });
        if (res.status !== 200) return { status: 502, body: `merchant answered ${res.status}` };
        return { status: 303, headers: { location: t.frontUrl }, body: '' };
      }
      if (p.merId !== merId || !merchantSigned(p)) return answer({ respCode: '11', respMsg: '验证签名失败' });
      if (req.path === '/gateway/api/frontTransReq.do') {
        if (!/^[0-9a-zA-Z]{8,40}$/.test(p.orderId ?? '') || !/^\d{14}$/.test(p.txnTime ?? '')) {
          return { status: 400, body: 'bad order' };
        }
        const key = p.orderId ?? '';
        const t: UnionpayTrade = trades.get(key) ?? {
          orderId: key,
          txnTime: p.txnTime ?? '',
          txnAmt: p.txnAmt ?? '',
          channelType: p.channelType ?? '',
          queryId: queryId(),
          paid: false,
          backUrl: p.backUrl ?? '',
          frontUrl: p.frontUrl ?? '',
        };
        trades.set(key, { ...t, channelType: p.channelType ?? t.channelType });
        const paymentId = `pay_${key.slice(3)}`;
        return {
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>银联在线支付</title></head><body>
<h1>银联在线支付 ¥${(Number(t.txnAmt) / 100).toFixed(2)}</h1><p data-testid="unionpay-order">${key} · ${p.channelType === '08' ? 'WAP' : 'PC'}</p>
<form method="post" action="/fake/pay/${encodeURIComponent(paymentId)}"><button type="submit">确认付款</button></form></body></html>`,
        };
      }
      if (req.path === '/gateway/api/queryTrans.do') {
        const t = trades.get(p.orderId ?? '');
        if (t && t.txnTime === p.txnTime) {
          return answer({
            respCode: '00',
            orderId: t.orderId,
            txnTime: t.txnTime,
            txnType: '01',
            txnAmt: t.txnAmt,
            queryId: t.queryId,
            origRespCode: t.paid ? '00' : '05',
          });
        }
        const r = refunds.get(p.orderId ?? '');
        if (r && r.txnTime === p.txnTime) {
          const status = r.status;
          r.status = '00'; // processing ends by the next time anyone asks
          return answer({
            respCode: '00',
            orderId: p.orderId ?? '',
            txnTime: r.txnTime,
            txnType: '04',
            txnAmt: r.txnAmt,
            queryId: r.queryId,
            origRespCode: status,
          });
        }
        return answer({ respCode: '34', respMsg: '查无此交易' });
      }
      if (req.path === '/gateway/api/backTransReq.do' && p.txnType === '04') {
        const orig = [...trades.values()].find((t) => t.queryId === p.origQryId);
        if (!orig?.paid) return answer({ respCode: '35', respMsg: '原交易不存在或状态不正确' });
        const no = p.orderId ?? '';
        if (refunds.has(no)) return answer({ respCode: '12', respMsg: '重复交易', orderId: no });
        const slow = fake.slowRefunds > 0;
        if (slow) fake.slowRefunds--;
        refunds.set(no, {
          origQryId: p.origQryId ?? '',
          txnAmt: p.txnAmt ?? '',
          txnTime: p.txnTime ?? '',
          queryId: queryId(),
          status: slow ? '03' : '00',
        });
        return answer({
          respCode: '00',
          respMsg: '成功[0000000]',
          orderId: no,
          queryId: refunds.get(no)?.queryId ?? '',
        });
      }
      if (req.path === '/' && p.txnType === '76') {
        const day = p.settleDate ?? '';
        const zip = zipFiles([
          { name: `INN${cst(opts.clock.now()).slice(2, 4)}${day}88ZM_${merId}`, data: Buffer.from(statement()) },
        ]);
        return answer({ respCode: '00', fileName: `${day}.zip`, fileContent: deflateSync(zip).toString('base64') });
      }
      return { status: 404, body: 'unknown' };
    }),
    close: () => fake.server.close(),
  };
  return fake;
}
