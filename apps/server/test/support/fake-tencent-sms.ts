import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../src/platform/clock.ts';
import type { SentSms } from './fake-aliyun-sms.ts';
import { type FakeServer, startFakeServer } from './fake-server.ts';

/**
 * Tencent Cloud SMS (SendSms 2021-01-11) on 127.0.0.1. It checks each request's TC3-HMAC-SHA256
 * signature from the raw request, with its own code, refuses a timestamp more than 5 minutes off, and
 * answers as the real API does (`{"Response":{…}}`). Templates take positional values.
 */
export interface FakeTencentSms {
  server: FakeServer;
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  templateId: string;
  sent: SentSms[];
  /** answers with these per-number status codes, one per request, before accepting again */
  refuseNext: string[];
  forged: number;
  close(): Promise<void>;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const mac = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s).digest();

export async function startFakeTencentSms(opts: { clock: Clock }): Promise<FakeTencentSms> {
  const fake: Omit<FakeTencentSms, 'server' | 'close'> = {
    secretId: `AKID${randomBytes(12).toString('hex')}`,
    secretKey: randomBytes(16).toString('hex'),
    sdkAppId: '1400787878',
    signName: '卡盟',
    templateId: '1876543',
    sent: [],
    refuseNext: [],
    forged: 0,
  };
  const reply = (r: Record<string, unknown>) => ({
    body: JSON.stringify({ Response: { ...r, RequestId: randomBytes(8).toString('hex') } }),
  });
  const error = (Code: string, Message: string) => reply({ Error: { Code, Message } });
  const server = await startFakeServer((req) => {
    const h = (n: string) => String(req.headers[n] ?? '');
    const auth =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(
        h('authorization'),
      );
    if (!auth || auth[1] !== fake.secretId) {
      fake.forged += 1;
      return error('AuthFailure.SecretIdNotFound', 'The SecretId is not found');
    }
    const [, , date, signedHeaders, signature] = auth as unknown as [string, string, string, string, string];
    const timestamp = Number(h('x-tc-timestamp'));
    if (Math.abs(timestamp * 1000 - opts.clock.now()) > 5 * 60_000) {
      return error('AuthFailure.SignatureExpire', 'Signature expire');
    }
    const names = signedHeaders.split(';');
    const canonical = [
      req.method,
      req.path,
      req.query.toString(),
      names.map((n) => `${n}:${h(n).trim().toLowerCase()}\n`).join(''),
      signedHeaders,
      sha(req.body),
    ].join('\n');
    const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/sms/tc3_request\n${sha(canonical)}`;
    const key = mac(mac(mac(`TC3${fake.secretKey}`, date), 'sms'), 'tc3_request');
    const expected = createHmac('sha256', key).update(toSign).digest('hex');
    const utcDate = new Date(timestamp * 1000).toISOString().slice(0, 10);
    if (expected !== signature || date !== utcDate || !names.includes('content-type') || !names.includes('host')) {
      fake.forged += 1;
      return error('AuthFailure.SignatureFailure', 'The provided credentials could not be validated');
    }
    if (h('x-tc-action') !== 'SendSms' || h('x-tc-version') !== '2021-01-11') {
      return error('InvalidAction', 'The action is not found');
    }
    const body = JSON.parse(req.body) as {
      PhoneNumberSet?: string[];
      SmsSdkAppId?: string;
      SignName?: string;
      TemplateId?: string;
      TemplateParamSet?: string[];
    };
    if (body.SmsSdkAppId !== fake.sdkAppId) return error('FailedOperation.SmsSdkAppIdVerifyFail', 'SdkAppId');
    if (body.SignName !== fake.signName) return error('FailedOperation.SignatureIncorrectOrUnapproved', 'sign');
    if (body.TemplateId !== fake.templateId) return error('FailedOperation.TemplateIncorrectOrUnapproved', 'tpl');
    const phone = body.PhoneNumberSet?.[0] ?? '';
    const refusal = fake.refuseNext.shift();
    const status = (Code: string, Message: string) =>
      reply({
        SendStatusSet: [{ SerialNo: randomBytes(6).toString('hex'), PhoneNumber: phone, Fee: 1, Code, Message }],
      });
    if (refusal) return status(refusal, 'refused by the fake');
    if (!/^\+861\d{10}$/.test(phone)) return status('InvalidParameterValue.IncorrectPhoneNumber', 'phone');
    fake.sent.push({
      phone,
      signName: body.SignName,
      template: body.TemplateId,
      params: Object.fromEntries((body.TemplateParamSet ?? []).map((v, i) => [String(i + 1), v])),
    });
    return status('Ok', 'send success');
  });
  return Object.assign(fake, { server, close: () => server.close() });
}
