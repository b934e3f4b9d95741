import { capturedLog } from './support/captured-log.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, uniqueEmail } from './support/client.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';

const codeIn = (text: string) => /验证码是 (\d{6})/.exec(text)?.[1];

async function codeRows(t: TestApp, target: string): Promise<number> {
  const r = await t.deps.db
    .selectFrom('verification_codes')
    .where('target', '=', target)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe(`verification codes outside sandbox mode, no SMS provider, no SMTP_URL (${dialectName})`, () => {
  let t: TestApp;
  const captured = capturedLog();
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'off' }, log: captured.log, configuredSender: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('says at start-up which channels are not configured', () => {
    const line = captured.lines.map((l) => JSON.parse(l)).find((l) => l.unconfigured);
    expect(line).toMatchObject({ level: 40, unconfigured: ['email', 'sms'] });
  });

  it('refuses phone codes, and phone registration, with SMS_NOT_CONFIGURED and records no code', async () => {
    const phone = '13700137001';
    for (const purpose of ['verify', 'reset'] as const) {
      const res = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose, phone } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('SMS_NOT_CONFIGURED');
    }
    expect(await codeRows(t, phone)).toBe(0);

    const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { phone, password: PASSWORD } });
    expect(reg.status).toBe(422);
    expect(reg.body.error.code).toBe('SMS_NOT_CONFIGURED');
    const login = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: phone, password: PASSWORD } });
    expect(login.status).toBe(401);
  });

  it('refuses email codes and password resets with EMAIL_NOT_CONFIGURED and records no code', async () => {
    const email = uniqueEmail();
    // signing up by email still works: only what needs a message is refused
    expect((await call(t.app, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } })).status).toBe(
      201,
    );
    for (const purpose of ['verify', 'reset'] as const) {
      const res = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose, email } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('EMAIL_NOT_CONFIGURED');
    }
    // the same answer for an address with no account: the refusal tells nothing about who is registered
    const ghost = await call(t.app, 'POST', '/api/v1/auth/codes', {
      body: { purpose: 'reset', email: 'ghost@example.cn' },
    });
    expect(ghost.body.error.code).toBe('EMAIL_NOT_CONFIGURED');
    const reset = await call(t.app, 'POST', '/api/v1/auth/password/reset', {
      body: { login: email, code: '123456', newPassword: 'Another-Long-Passw0rd' },
    });
    expect(reset.status).toBe(422);
    expect(reset.body.error.code).toBe('EMAIL_NOT_CONFIGURED');
    expect(await codeRows(t, email)).toBe(0);
  });

  it('never writes a code or a message text to the log', () => {
    expect(captured.lines.length).toBeGreaterThan(0);
    expect(captured.text()).not.toMatch(/验证码|Your Kameng code|"notify"/);
  });
});

describe(`verification codes in sandbox mode without providers (${dialectName})`, () => {
  let t: TestApp;
  const captured = capturedLog();
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' }, log: captured.log, configuredSender: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes codes to the log, marked as the sandbox, where a trial shop reads them', async () => {
    const phone = '13700137002';
    const sent = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone } });
    expect(sent.status).toBe(202);
    const entry = captured.lines.map((l) => JSON.parse(l)).find((l) => l.notify?.to === phone);
    expect(entry).toMatchObject({ level: 30, sandbox: true, notify: { channel: 'sms' } });
    expect(entry.msg).toContain('SANDBOX');
    const code = codeIn(entry.notify.text)!;
    const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { phone, password: PASSWORD, code } });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ phone, phoneVerified: true });

    const email = uniqueEmail();
    expect((await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email } })).status).toBe(202);
    expect(codeIn(captured.text())).toBeDefined();
    expect(captured.lines.some((l) => l.includes(email) && l.includes('"sandbox":true'))).toBe(true);
  });
});

describe(`verification codes outside sandbox mode with providers (${dialectName})`, () => {
  let t: TestApp;
  const captured = capturedLog();
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'off' }, log: captured.log });
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends phone and email codes through the providers and logs none of them', async () => {
    const phone = '13700137003';
    expect((await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', phone } })).status).toBe(202);
    const sms = t.sender.last(phone)!;
    expect(sms.channel).toBe('sms');
    const code = codeIn(sms.text)!;
    const reg = await call(t.app, 'POST', '/api/v1/auth/register', { body: { phone, password: PASSWORD, code } });
    expect(reg.status).toBe(201);

    const email = uniqueEmail();
    expect((await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email } })).status).toBe(202);
    const mail = t.sender.last(email)!;
    expect(mail.channel).toBe('email');
    expect(codeIn(mail.text)).toMatch(/^\d{6}$/);
    expect(captured.text()).not.toMatch(/验证码|Your Kameng code|"notify"/);
  });
});
