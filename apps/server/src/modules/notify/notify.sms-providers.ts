import { createHash, createHmac } from 'node:crypto';
import type { SmsGatewayId } from '@kameng/contracts';
import type { Logger } from 'pino';
import type { Clock, Random } from '../../platform/clock.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { SmsContent, SmsProvider } from '../../platform/sender.ts';

// The two SMS gateways' SendSms calls, signed by hand (their HTTP APIs, no SDK): Alibaba Cloud with signature
// V3 (ACS3-HMAC-SHA256), Tencent Cloud with TC3-HMAC-SHA256. Neither the phone number in full nor a
// template's values (the verification code) is ever logged.

/** A gateway as an operator configured it, its secrets decrypted. */
export interface SmsGatewayConfig {
  provider: SmsGatewayId;
  settings: Record<string, string>;
  secrets: Record<string, string>;
}

export interface SmsContext {
  clock: Clock;
  random: Random;
  log: Logger;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** RFC 3986 percent-encoding, as Alibaba Cloud's canonical query string wants it. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `2026-12-03T08:40:00Z`: Alibaba Cloud's x-acs-date, second precision. */
const acsDate = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export const ALIYUN_ENDPOINT = 'https://dysmsapi.aliyuncs.com';
export const TENCENT_ENDPOINT = 'https://sms.tencentcloudapi.com';

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Alibaba Cloud signature V3: the canonical request (method, path, sorted encoded query, the signed
 * headers each as `name:value\n`, their names, the body's SHA-256) is hashed, and that string is signed
 * with HMAC-SHA256 under the AccessKey secret. SendSms is an RPC call: its parameters go in the query.
 */
export function signAliyun(
  c: { accessKeyId: string; accessKeySecret: string; endpoint: string },
  params: Record<string, string>,
  now: number,
  nonce: string,
): SignedRequest {
  const url = new URL(c.endpoint);
  const query = Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&');
  const body = '';
  const headers: Record<string, string> = {
    host: url.host,
    'x-acs-action': 'SendSms',
    'x-acs-content-sha256': sha256(body),
    'x-acs-date': acsDate(now),
    'x-acs-signature-nonce': nonce,
    'x-acs-version': '2017-05-25',
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    '/',
    query,
    names.map((n) => `${n}:${headers[n]!.trim()}\n`).join(''),
    names.join(';'),
    headers['x-acs-content-sha256'],
  ].join('\n');
  const signature = hmac(c.accessKeySecret, `ACS3-HMAC-SHA256\n${sha256(canonical)}`).toString('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${c.accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
  return { url: `${url.origin}/?${query}`, headers, body };
}

/**
 * Tencent Cloud TC3-HMAC-SHA256: the canonical request (method, path, empty query, the signed headers,
 * their names, the payload's SHA-256) is hashed into the string to sign with the timestamp and the
 * credential scope `date/sms/tc3_request`; the signing key is HMAC-chained from `TC3` + SecretKey
 * through the UTC date, the service and `tc3_request`.
 */
export function signTencent(
  c: { secretId: string; secretKey: string; region: string; endpoint: string },
  payload: string,
  now: number,
): SignedRequest {
  const url = new URL(c.endpoint);
  const timestamp = Math.floor(now / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const contentType = 'application/json; charset=utf-8';
  const signedHeaders = 'content-type;host;x-tc-action';
  const canonical = [
    'POST',
    '/',
    '',
    `content-type:${contentType}\nhost:${url.host}\nx-tc-action:sendsms\n`,
    signedHeaders,
    sha256(payload),
  ].join('\n');
  const scope = `${date}/sms/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${c.secretKey}`, date), 'sms'), 'tc3_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return {
    url: `${url.origin}/`,
    headers: {
      authorization: `TC3-HMAC-SHA256 Credential=${c.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      'content-type': contentType,
      host: url.host,
      'x-tc-action': 'SendSms',
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': '2021-01-11',
      'x-tc-region': c.region,
    },
    body: payload,
  };
}

/** `138****8000`: enough to find a send in the log, not enough to learn the number. */
export const maskPhone = (phone: string) => phone.replace(/^(\+?\d{3})\d+(\d{4})$/, '$1****$2');

function refused(provider: SmsGatewayId): AppError {
  return new AppError('UNAVAILABLE', 'The SMS gateway did not accept the message; try again later', { provider });
}

async function post(ctx: SmsContext, provider: SmsGatewayId, req: SignedRequest, phone: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: req.headers,
      ...(req.body ? { body: req.body } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    ctx.log.warn({ provider, phone: maskPhone(phone), err: (err as Error).message }, 'SMS gateway unreachable');
    throw refused(provider);
  }
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    ctx.log.warn({ provider, phone: maskPhone(phone), status: res.status }, 'SMS gateway answered without JSON');
    throw refused(provider);
  }
}

/** Mainland numbers are stored as 11 digits; Tencent wants E.164. */
const e164 = (phone: string) => (phone.startsWith('+') ? phone : `+86${phone}`);

/** The setting that holds each template's code at the gateway. */
const TEMPLATE_SETTING: Record<SmsContent['template'], string> = { verification: 'verificationTemplate' };

function templateOf(g: SmsGatewayConfig, content: SmsContent): string {
  return g.settings[TEMPLATE_SETTING[content.template]] ?? '';
}

export function smsProviderFor(ctx: SmsContext, g: SmsGatewayConfig): SmsProvider {
  if (g.provider === 'aliyun') {
    return {
      async sendSms(phone, content) {
        const req = signAliyun(
          {
            accessKeyId: g.settings.accessKeyId ?? '',
            accessKeySecret: g.secrets.accessKeySecret ?? '',
            endpoint: g.settings.endpoint ?? ALIYUN_ENDPOINT,
          },
          {
            PhoneNumbers: phone,
            SignName: g.settings.signName ?? '',
            TemplateCode: templateOf(g, content),
            TemplateParam: JSON.stringify(content.params),
          },
          ctx.clock.now(),
          ctx.random.bytes(16).toString('hex'),
        );
        const answer = (await post(ctx, 'aliyun', req, phone)) as { Code?: string; RequestId?: string; BizId?: string };
        if (answer.Code !== 'OK') {
          ctx.log.warn(
            { provider: 'aliyun', phone: maskPhone(phone), code: answer.Code, requestId: answer.RequestId },
            'SMS refused by the gateway',
          );
          throw refused('aliyun');
        }
        ctx.log.info({ provider: 'aliyun', phone: maskPhone(phone), bizId: answer.BizId }, 'SMS sent');
      },
    };
  }
  return {
    async sendSms(phone, content) {
      const payload = JSON.stringify({
        PhoneNumberSet: [e164(phone)],
        SmsSdkAppId: g.settings.sdkAppId ?? '',
        SignName: g.settings.signName ?? '',
        TemplateId: templateOf(g, content),
        TemplateParamSet: [content.params.code],
      });
      const req = signTencent(
        {
          secretId: g.settings.secretId ?? '',
          secretKey: g.secrets.secretKey ?? '',
          region: g.settings.region ?? 'ap-guangzhou',
          endpoint: g.settings.endpoint ?? TENCENT_ENDPOINT,
        },
        payload,
        ctx.clock.now(),
      );
      const answer = (await post(ctx, 'tencent', req, phone)) as {
        Response?: {
          Error?: { Code?: string };
          RequestId?: string;
          SendStatusSet?: { Code?: string; SerialNo?: string }[];
        };
      };
      const r = answer.Response;
      const status = r?.SendStatusSet?.[0];
      if (!r || r.Error || status?.Code !== 'Ok') {
        ctx.log.warn(
          {
            provider: 'tencent',
            phone: maskPhone(phone),
            code: r?.Error?.Code ?? status?.Code,
            requestId: r?.RequestId,
          },
          'SMS refused by the gateway',
        );
        throw refused('tencent');
      }
      ctx.log.info({ provider: 'tencent', phone: maskPhone(phone), serialNo: status.SerialNo }, 'SMS sent');
    },
  };
}
