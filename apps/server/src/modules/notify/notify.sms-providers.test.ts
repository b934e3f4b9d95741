import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskPhone, percentEncode, signAliyun, signTencent } from './notify.sms-providers.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('SMS request signing', () => {
  it('percent-encodes as RFC 3986 wants (Alibaba Cloud canonical query)', () => {
    expect(percentEncode(`a b*~'()!{"code":"1"}`)).toBe('a%20b%2A~%27%28%29%21%7B%22code%22%3A%221%22%7D');
    expect(percentEncode('卡盟')).toBe('%E5%8D%A1%E7%9B%9F');
  });

  it('masks a phone number to its first three and last four digits', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+8613800138000')).not.toContain('3800138');
  });

  it('signs Alibaba Cloud requests over the sorted query and every x-acs header, second-precision date', () => {
    const now = Date.UTC(2026, 11, 3, 8, 30, 15, 999);
    const req = signAliyun(
      { accessKeyId: 'LTAIexample', accessKeySecret: 'secret', endpoint: 'https://dysmsapi.aliyuncs.com' },
      { TemplateParam: '{"code":"123456"}', PhoneNumbers: '13800138000', SignName: '卡盟', TemplateCode: 'SMS_1' },
      now,
      'nonce-1',
    );
    expect(req.headers['x-acs-date']).toBe('2026-12-03T08:30:15Z');
    expect(req.headers['x-acs-content-sha256']).toBe(sha(''));
    const query = new URL(req.url).search.slice(1);
    expect(query.split('&').map((p) => p.split('=')[0])).toEqual([
      'PhoneNumbers',
      'SignName',
      'TemplateCode',
      'TemplateParam',
    ]);
    const names = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';
    const canonical = [
      'POST',
      '/',
      query,
      names
        .split(';')
        .map((n) => `${n}:${req.headers[n]}\n`)
        .join(''),
      names,
      sha(''),
    ].join('\n');
    const signature = createHmac('sha256', 'secret')
      .update(`ACS3-HMAC-SHA256\n${sha(canonical)}`)
      .digest('hex');
    expect(req.headers.authorization).toBe(
      `ACS3-HMAC-SHA256 Credential=LTAIexample,SignedHeaders=${names},Signature=${signature}`,
    );
  });

  it('signs Tencent Cloud requests with the UTC date of the timestamp in the credential scope', () => {
    // 07:30 in Beijing on the 4th is still the 3rd in UTC: the scope takes the UTC date
    const now = Date.UTC(2026, 11, 3, 23, 30, 0);
    const req = signTencent(
      {
        secretId: 'AKIDexample',
        secretKey: 'key',
        region: 'ap-guangzhou',
        endpoint: 'https://sms.tencentcloudapi.com',
      },
      '{"a":1}',
      now,
    );
    expect(req.headers['x-tc-timestamp']).toBe(String(now / 1000));
    expect(req.headers.authorization).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDexample\/2026-12-03\/sms\/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=[0-9a-f]{64}$/,
    );
    const other = signTencent(
      {
        secretId: 'AKIDexample',
        secretKey: 'key',
        region: 'ap-guangzhou',
        endpoint: 'https://sms.tencentcloudapi.com',
      },
      '{"a":2}',
      now,
    );
    // the payload is signed: another body, another signature
    expect(other.headers.authorization).not.toBe(req.headers.authorization);
  });
});
