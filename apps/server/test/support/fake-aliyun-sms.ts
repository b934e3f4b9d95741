import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/platform/clock.ts';
import { type FakeServer, startFakeServer } from './fake-server.ts';

/** What a gateway delivered: to whom, under which sign name and template, with which values. */
export interface SentSms {
  phone: string;
  signName: string;
  template: string;
  params: Record<string, string>;
}

/**
 * Alibaba Cloud SMS (dysmsapi, SendSms 2017-05-25) on 127.0.0.1. It checks each request's signature V3
 * from the raw request it receives, with its own code (not the adapter's), refuses a stale x-acs-date or
 * a reused nonce, and answers as the real API does.
 */
export interface FakeAliyunSms {
  server: FakeServer;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
  sent: SentSms[];
  /** answers with these gateway error codes, one per request, before accepting again */
  refuseNext: string[];
  /** requests whose signature did not verify */
  forged: number;
  close(): Promise<void>;
}

const enc = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export async function startFakeAliyunSms(opts: { clock: Clock }): Promise<FakeAliyunSms> {
  const nonces = new Set<string>();
  const fake: Omit<FakeAliyunSms, 'server' | 'close'> = {
    accessKeyId: `LTAI${randomBytes(8).toString('hex')}`,
    accessKeySecret: randomBytes(15).toString('base64'),
    signName: '卡盟',
    templateCode: 'SMS_465987001',
    sent: [],
    refuseNext: [],
    forged: 0,
  };
  const answer = (status: number, body: Record<string, string>) => ({
    status,
    body: JSON.stringify({ RequestId: randomBytes(8).toString('hex'), ...body }),
  });
  const server = await startFakeServer((req) => {
    const h = (n: string) => String(req.headers[n] ?? '');
    const auth = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
      h('authorization'),
    );
    if (!auth || auth[1] !== fake.accessKeyId) {
      fake.forged += 1;
      return answer(404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' });
    }
    const signed = auth[2]!.split(';');
    const query = [...req.query.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${enc(k)}=${enc(v)}`)
      .join('&');
    const bodyHash = createHash('sha256').update(req.body).digest('hex');
    const canonical = [
      req.method,
      req.path,
      query,
      signed.map((n) => `${n}:${h(n).trim()}\n`).join(''),
      signed.join(';'),
      bodyHash,
    ].join('\n');
    const expected = createHmac('sha256', fake.accessKeySecret)
      .update(`ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`)
      .digest('hex');
    const mustSign = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce'];
    if (expected !== auth[3] || h('x-acs-content-sha256') !== bodyHash || !mustSign.every((n) => signed.includes(n))) {
      fake.forged += 1;
      return answer(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched.' });
    }
    if (Math.abs(Date.parse(h('x-acs-date')) - opts.clock.now()) > 15 * 60_000) {
      return answer(400, { Code: 'InvalidTimeStamp.Expired', Message: 'Specified time stamp has expired.' });
    }
    if (nonces.has(h('x-acs-signature-nonce'))) {
      return answer(400, { Code: 'SignatureNonceUsed', Message: 'Specified signature nonce was used already.' });
    }
    nonces.add(h('x-acs-signature-nonce'));
    if (h('x-acs-action') !== 'SendSms' || h('x-acs-version') !== '2017-05-25') {
      return answer(400, { Code: 'InvalidAction.NotFound', Message: 'Specified api is not found.' });
    }
    const refusal = fake.refuseNext.shift();
    if (refusal) return answer(200, { Code: refusal, Message: 'refused by the fake' });
    const p = (k: string) => req.query.get(k) ?? '';
    if (p('SignName') !== fake.signName)
      return answer(200, { Code: 'isv.SMS_SIGNATURE_ILLEGAL', Message: '签名不合法' });
    if (p('TemplateCode') !== fake.templateCode) {
      return answer(200, { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: '模板不合法' });
    }
    if (!/^1\d{10}$/.test(p('PhoneNumbers'))) return answer(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '' });
    fake.sent.push({
      phone: p('PhoneNumbers'),
      signName: p('SignName'),
      template: p('TemplateCode'),
      params: JSON.parse(p('TemplateParam') || '{}') as Record<string, string>,
    });
    return answer(200, { Code: 'OK', Message: 'OK', BizId: `${Date.now()}^0` });
  });
  return Object.assign(fake, { server, close: () => server.close() });
}
