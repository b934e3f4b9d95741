import { capturedLog } from './support/captured-log.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, loginAdmin, PASSWORD, registerAndLogin } from './support/client.ts';
import { type FakeAliyunSms, type SentSms, startFakeAliyunSms } from './support/fake-aliyun-sms.ts';
import { type FakeTencentSms, startFakeTencentSms } from './support/fake-tencent-sms.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

let phoneSeq = 0;
const phones: string[] = [];
const newPhone = () => {
  const p = `139${String(Date.now() % 1e5).padStart(5, '0')}${String(++phoneSeq).padStart(3, '0')}`;
  phones.push(p);
  return p;
};

interface GatewayCase {
  id: 'aliyun' | 'tencent';
  start(clock: ManualClock): Promise<FakeAliyunSms | FakeTencentSms>;
  body(fake: FakeAliyunSms | FakeTencentSms): Record<string, unknown>;
  wrongSecret: Record<string, string>;
  /** the code the message carried, and the number as the gateway got it */
  codeOf(s: SentSms): string | undefined;
  phoneAt(phone: string): string;
  throttled: string;
}

const CASES: GatewayCase[] = [
  {
    id: 'aliyun',
    start: (clock) => startFakeAliyunSms({ clock }),
    body: (f) => {
      const a = f as FakeAliyunSms;
      return {
        provider: 'aliyun',
        enabled: true,
        settings: {
          accessKeyId: a.accessKeyId,
          signName: a.signName,
          verificationTemplate: a.templateCode,
          endpoint: a.server.url,
        },
        secrets: { accessKeySecret: a.accessKeySecret },
      };
    },
    wrongSecret: { accessKeySecret: 'not-the-secret-at-all' },
    codeOf: (s) => s.params.code,
    phoneAt: (p) => p,
    throttled: 'isv.BUSINESS_LIMIT_CONTROL',
  },
  {
    id: 'tencent',
    start: (clock) => startFakeTencentSms({ clock }),
    body: (f) => {
      const t = f as FakeTencentSms;
      return {
        provider: 'tencent',
        enabled: true,
        settings: {
          secretId: t.secretId,
          sdkAppId: t.sdkAppId,
          signName: t.signName,
          verificationTemplate: t.templateId,
          region: 'ap-guangzhou',
          endpoint: t.server.url,
        },
        secrets: { secretKey: t.secretKey },
      };
    },
    wrongSecret: { secretKey: 'not-the-secret-at-all' },
    codeOf: (s) => s.params['1'],
    phoneAt: (p) => `+86${p}`,
    throttled: 'LimitExceeded.PhoneNumberThirtySecondLimit',
  },
];

for (const gw of CASES) {
  describe(`SMS through the ${gw.id} gateway, sandbox off (${dialectName})`, () => {
    let t: TestApp;
    let fake: FakeAliyunSms | FakeTencentSms;
    let admin: string;
    const clock = new ManualClock(Date.now());
    const captured = capturedLog();
    const sentCodes: string[] = [];

    beforeAll(async () => {
      t = await createTestApp({ env: { KAMENG_SANDBOX: 'off' }, log: captured.log, configuredSender: true, clock });
      fake = await gw.start(clock);
      admin = await loginAdmin(t);
    });
    afterAll(async () => {
      await fake.close();
      await t.close();
    });

    it('refuses phone codes until an operator enables a gateway', async () => {
      const res = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone: newPhone() } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('SMS_NOT_CONFIGURED');
    });

    it('lets only an admin configure it, refuses an incomplete one, and shows secrets masked', async () => {
      const user = await registerAndLogin(t.app);
      const body = gw.body(fake);
      const asUser = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, { token: user.token, body });
      expect(asUser.status).toBe(403);
      const incomplete = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, {
        token: admin,
        body: { provider: gw.id, enabled: true, settings: { signName: '卡盟' } },
      });
      expect(incomplete.status).toBe(422);
      expect(incomplete.body.error.details.missing.length).toBeGreaterThan(0);
      const other = gw.id === 'aliyun' ? 'tencent' : 'aliyun';
      const mismatch = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${other}`, { token: admin, body });
      expect(mismatch.status).toBe(400);
      const extra = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, {
        token: admin,
        body: { ...body, updatedBy: 'usr_x' },
      });
      expect(extra.status).toBe(400);

      const ok = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, { token: admin, body });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ provider: gw.id, enabled: true, missing: [] });
      const secret = Object.values(body.secrets as Record<string, string>)[0]!;
      const list = await call(t.app, 'GET', '/api/v1/admin/sms-gateways', { token: admin });
      const view = list.body.items.find((g: { provider: string }) => g.provider === gw.id);
      expect(Object.values(view.secrets)).toEqual([`••••${secret.slice(-4)}`]);
      expect(JSON.stringify(list.body)).not.toContain(secret);
    });

    it('sends a verification code through the template and the account signs up with it', async () => {
      const phone = newPhone();
      const res = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone } });
      expect(res.status).toBe(202);
      const sms = fake.sent.at(-1)!;
      expect(sms).toMatchObject({ phone: gw.phoneAt(phone), signName: fake.signName });
      expect(sms.template).toBe(
        gw.id === 'aliyun' ? (fake as FakeAliyunSms).templateCode : (fake as FakeTencentSms).templateId,
      );
      const code = gw.codeOf(sms)!;
      expect(code).toMatch(/^\d{6}$/);
      sentCodes.push(code);
      const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { phone, password: PASSWORD, code } });
      expect(reg.status).toBe(201);
      expect(reg.body.user).toMatchObject({ phone, phoneVerified: true });
      expect(fake.forged).toBe(0);
    });

    it('limits codes per phone and per IP', async () => {
      const phone = newPhone();
      const first = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone } });
      expect(first.status).toBe(202);
      sentCodes.push(gw.codeOf(fake.sent.at(-1)!)!);
      const again = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone } });
      expect(again.status).toBe(429);
      expect(again.body.error.code).toBe('RATE_LIMITED');

      // one address asking for codes to many numbers: five a minute, then refused before any SMS goes out
      const ip = `203.0.113.${gw.id === 'aliyun' ? 7 : 8}`;
      const before = fake.sent.length;
      const answers: number[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await call(t.app, 'POST', '/api/v1/auth/codes', {
          ip,
          body: { purpose: 'verify', phone: newPhone() },
        });
        answers.push(r.status);
        if (r.status === 202) sentCodes.push(gw.codeOf(fake.sent.at(-1)!)!);
      }
      expect(answers).toEqual([202, 202, 202, 202, 202, 429, 429]);
      expect(fake.sent.length - before).toBe(5);
    });

    it('answers UNAVAILABLE when the gateway refuses, and a wrong key never passes its signature check', async () => {
      fake.refuseNext.push(gw.throttled);
      const refused = await call(t.app, 'POST', '/api/v1/auth/codes', {
        body: { purpose: 'verify', phone: newPhone() },
      });
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('UNAVAILABLE');

      const wrong = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, {
        token: admin,
        body: { provider: gw.id, secrets: gw.wrongSecret },
      });
      expect(wrong.status).toBe(200);
      const forgedBefore = fake.forged;
      const sentBefore = fake.sent.length;
      const res = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone: newPhone() } });
      expect(res.status).toBe(503);
      expect(fake.forged).toBe(forgedBefore + 1);
      expect(fake.sent.length).toBe(sentBefore);
      await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, { token: admin, body: gw.body(fake) });
    });

    it('asks for the password again before credentials change, not before switching it off', async () => {
      clock.advance(60 * 60_000);
      const stale = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, {
        token: admin,
        body: { provider: gw.id, settings: { signName: '别人的签名' } },
      });
      expect(stale.status).toBe(403);
      expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
      const off = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, {
        token: admin,
        body: { provider: gw.id, enabled: false },
      });
      expect(off.status).toBe(200);
      const res = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone: newPhone() } });
      expect(res.body.error.code).toBe('SMS_NOT_CONFIGURED');
    });

    it('never writes a code, a full number or a secret to the log', () => {
      expect(sentCodes.length).toBe(7);
      const text = captured.text();
      expect(text).toContain('SMS sent');
      for (const code of sentCodes) expect(text).not.toContain(code);
      for (const phone of phones) expect(text).not.toContain(phone);
      expect(text).toMatch(/"phone":"\+?\d{3}\*{4}\d{4}"/);
      expect(text).not.toContain(Object.values(gw.body(fake).secrets as Record<string, string>)[0]);
      expect(text).not.toMatch(/验证码|Your Kameng code|"notify"/);
    });
  });
}

describe(`one SMS gateway at a time (${dialectName})`, () => {
  let t: TestApp;
  let aliyun: FakeAliyunSms;
  let tencent: FakeTencentSms;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'off' }, configuredSender: true, clock });
    aliyun = await startFakeAliyunSms({ clock });
    tencent = await startFakeTencentSms({ clock });
  });
  afterAll(async () => {
    await aliyun.close();
    await tencent.close();
    await t.close();
  });

  it('enabling one gateway turns the other off; codes go through the enabled one', async () => {
    const admin = await loginAdmin(t);
    for (const [gw, fake] of [
      [CASES[0]!, aliyun],
      [CASES[1]!, tencent],
    ] as const) {
      const r = await call(t.app, 'PUT', `/api/v1/admin/sms-gateways/${gw.id}`, { token: admin, body: gw.body(fake) });
      expect(r.status).toBe(200);
    }
    const list = await call(t.app, 'GET', '/api/v1/admin/sms-gateways', { token: admin });
    expect(list.body.items.map((g: { provider: string; enabled: boolean }) => [g.provider, g.enabled])).toEqual([
      ['aliyun', false],
      ['tencent', true],
    ]);
    const res = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone: newPhone() } });
    expect(res.status).toBe(202);
    expect(tencent.sent).toHaveLength(1);
    expect(aliyun.sent).toHaveLength(0);
  });
});
