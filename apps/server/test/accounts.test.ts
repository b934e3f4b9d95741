import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, PASSWORD, registerAndLogin, uniqueEmail } from './support/client.ts';
import { createTestApp, dialectName, ManualClock, type TestApp } from './support/harness.ts';

describe(`accounts (${dialectName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('register', () => {
    it('registers with email and with a mainland phone number', async () => {
      const email = uniqueEmail();
      const a = await call(t.app, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
      expect(a.status).toBe(201);
      expect(a.body.user).toMatchObject({ email, phone: null, roles: ['buyer'], emailVerified: false });
      expect(a.body.user.id).toMatch(/^usr_/);
      expect(JSON.stringify(a.body)).not.toContain('password');

      const b = await call(t.app, 'POST', '/api/v1/auth/register', {
        body: { phone: '+8613800138000', password: PASSWORD },
      });
      expect(b.status).toBe(201);
      expect(b.body.user).toMatchObject({ email: null, phone: '13800138000' });
    });

    it('refuses a second account with the same email, case-insensitively', async () => {
      const email = uniqueEmail();
      expect((await call(t.app, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } })).status).toBe(
        201,
      );
      const again = await call(t.app, 'POST', '/api/v1/auth/register', {
        body: { email: email.toUpperCase(), password: PASSWORD },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('ALREADY_EXISTS');
    });

    it.each([
      ['missing password', { email: 'x@example.cn' }, 'password'],
      ['missing email and phone', { password: PASSWORD }, 'email'],
      ['both email and phone', { email: 'x@example.cn', phone: '13800138000', password: PASSWORD }, 'email'],
      ['wrong type', { email: 12345, password: PASSWORD }, 'email'],
      ['password too short', { email: 'x@example.cn', password: 'Ab1!' }, 'password'],
      ['password too long', { email: 'x@example.cn', password: 'a'.repeat(129) }, 'password'],
      ['oversized email', { email: `${'a'.repeat(300)}@example.cn`, password: PASSWORD }, 'email'],
      ['bad phone', { phone: '12345', password: PASSWORD }, 'phone'],
      ['unknown field', { email: 'x@example.cn', password: PASSWORD, roles: ['admin'] }, ''],
    ])('rejects %s with 400 and details', async (_name, body, path) => {
      const res = await call(t.app, 'POST', '/api/v1/auth/register', { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(Array.isArray(res.body.error.details.issues)).toBe(true);
      if (path) expect(res.body.error.details.issues.map((i: { path: string[] }) => i.path[0])).toContain(path);
    });

    it('refuses common passwords with 422', async () => {
      for (const password of ['password123', '12345678', 'qwertyuiop', 'woaini1314', 'aaaaaaaa']) {
        const res = await call(t.app, 'POST', '/api/v1/auth/register', { body: { email: uniqueEmail(), password } });
        expect(res.status, password).toBe(422);
        expect(res.body.error.code).toBe('WEAK_PASSWORD');
      }
    });

    it('rejects malformed JSON and a non-JSON body as 4xx, never 500', async () => {
      const bad = await call(t.app, 'POST', '/api/v1/auth/register', { raw: '{"email": ' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('BAD_REQUEST');
      const text = await call(t.app, 'POST', '/api/v1/auth/register', {
        raw: 'email=a@b.cn',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 413 for a body over the limit', async () => {
      const res = await call(t.app, 'POST', '/api/v1/auth/register', {
        raw: JSON.stringify({ email: 'x@example.cn', password: PASSWORD, pad: 'x'.repeat(1_100_000) }),
      });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('login and sessions', () => {
    it('signs in with email or phone, sets an httpOnly cookie, and /me answers', async () => {
      const email = uniqueEmail();
      await call(t.app, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD } });
      const res = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: email, password: PASSWORD } });
      expect(res.status).toBe(200);
      expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(res.body.user.email).toBe(email);
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toMatch(/kameng_session=[^;]+;.*HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);

      const me = await call(t.app, 'GET', '/api/v1/me', { token: res.body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: res.body.user.id, email, phone: null, roles: ['buyer'] });

      const viaCookie = await call(t.app, 'GET', '/api/v1/me', {
        headers: { cookie: `kameng_session=${res.body.token}` },
      });
      expect(viaCookie.status).toBe(200);

      await call(t.app, 'POST', '/api/v1/auth/register', { body: { phone: '13912345678', password: PASSWORD } });
      const byPhone = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { login: '13912345678', password: PASSWORD },
      });
      expect(byPhone.status).toBe(200);
    });

    it('gives the same 401 for a wrong password and an unknown account', async () => {
      const { email } = await registerAndLogin(t.app);
      const wrong = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { login: email, password: 'Wrong-password-1' },
      });
      const unknown = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { login: 'nobody@example.cn', password: 'Wrong-password-1' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('rotates the token on every login and rejects a garbage token', async () => {
      const { email, token } = await registerAndLogin(t.app);
      const again = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: email, password: PASSWORD } });
      expect(again.body.token).not.toBe(token);
      expect((await call(t.app, 'GET', '/api/v1/me', { token: 'A'.repeat(43) })).status).toBe(401);
      const malformed = await call(t.app, 'GET', '/api/v1/me', { headers: { authorization: 'Bearer not a token' } });
      expect(malformed.status).toBe(401);
    });

    it('logout ends the session', async () => {
      const { token } = await registerAndLogin(t.app);
      expect((await call(t.app, 'POST', '/api/v1/auth/logout', { token })).status).toBe(200);
      const me = await call(t.app, 'GET', '/api/v1/me', { token });
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('lists my sessions and a revoked session gets 401', async () => {
      const { email, token } = await registerAndLogin(t.app);
      const second = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: email, password: PASSWORD } });
      const list = await call(t.app, 'GET', '/api/v1/me/sessions', { token });
      expect(list.body.items).toHaveLength(2);
      const other = list.body.items.find((s: { current: boolean }) => !s.current);
      expect((await call(t.app, 'DELETE', `/api/v1/me/sessions/${other.id}`, { token })).status).toBe(200);
      expect((await call(t.app, 'GET', '/api/v1/me', { token: second.body.token })).status).toBe(401);
      expect((await call(t.app, 'GET', '/api/v1/me', { token })).status).toBe(200);
    });

    it("cannot revoke another user's session", async () => {
      const a = await registerAndLogin(t.app);
      const b = await registerAndLogin(t.app);
      const bSessions = await call(t.app, 'GET', '/api/v1/me/sessions', { token: b.token });
      const res = await call(t.app, 'DELETE', `/api/v1/me/sessions/${bSessions.body.items[0].id}`, { token: a.token });
      expect(res.status).toBe(404);
      expect((await call(t.app, 'GET', '/api/v1/me', { token: b.token })).status).toBe(200);
    });

    it('a password change ends every session and issues a new one', async () => {
      const { email, token } = await registerAndLogin(t.app);
      const other = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: email, password: PASSWORD } });
      const wrong = await call(t.app, 'POST', '/api/v1/me/password', {
        token,
        body: { currentPassword: 'not-it-at-all', newPassword: 'Another-Secret-9' },
      });
      expect(wrong.status).toBe(401);
      const res = await call(t.app, 'POST', '/api/v1/me/password', {
        token,
        body: { currentPassword: PASSWORD, newPassword: 'Another-Secret-9' },
      });
      expect(res.status).toBe(200);
      expect((await call(t.app, 'GET', '/api/v1/me', { token })).status).toBe(401);
      expect((await call(t.app, 'GET', '/api/v1/me', { token: other.body.token })).status).toBe(401);
      expect((await call(t.app, 'GET', '/api/v1/me', { token: res.body.token })).status).toBe(200);
      const old = await call(t.app, 'POST', '/api/v1/auth/login', { body: { login: email, password: PASSWORD } });
      expect(old.status).toBe(401);
    });

    it('cookie-authenticated writes need the CSRF token; bearer writes do not', async () => {
      const { token, csrfToken } = await registerAndLogin(t.app);
      const cookie = `kameng_session=${token}`;
      const noCsrf = await call(t.app, 'POST', '/api/v1/supplier/applications', {
        headers: { cookie },
        body: { shopName: 'A', contact: 'qq 1', realName: '张三' },
      });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.body.error.code).toBe('CSRF_FAILED');
      const forged = await call(t.app, 'POST', '/api/v1/supplier/applications', {
        headers: { cookie, 'x-csrf-token': 'f'.repeat(43) },
        body: { shopName: 'A', contact: 'qq 1', realName: '张三' },
      });
      expect(forged.status).toBe(403);
      const ok = await call(t.app, 'POST', '/api/v1/supplier/applications', {
        headers: { cookie, 'x-csrf-token': csrfToken },
        body: { shopName: 'A', contact: 'qq 1', realName: '张三' },
      });
      expect(ok.status).toBe(201);
    });
  });

  describe('verification codes and password reset', () => {
    it('verifies an email with a 6-digit code, once', async () => {
      const { email, token } = await registerAndLogin(t.app);
      const sent = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email } });
      expect(sent.status).toBe(202);
      const code = /\b(\d{6})\b/.exec(t.sender.last(email)!.text)![1]!;
      const wrongCode = code === '000000' ? '111111' : '000000';
      const bad = await call(t.app, 'POST', '/api/v1/me/verify', { token, body: { email, code: wrongCode } });
      expect(bad.status).toBe(422);
      const ok = await call(t.app, 'POST', '/api/v1/me/verify', { token, body: { email, code } });
      expect(ok.status).toBe(200);
      expect(ok.body.emailVerified).toBe(true);
      const reuse = await call(t.app, 'POST', '/api/v1/me/verify', { token, body: { email, code } });
      expect(reuse.status).toBe(422);
    });

    it('limits code sends per target', async () => {
      const email = uniqueEmail();
      expect((await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email } })).status).toBe(
        202,
      );
      const again = await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email } });
      expect(again.status).toBe(429);
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('resets a password by code and ends every session; says nothing about unknown accounts', async () => {
      const { email, token } = await registerAndLogin(t.app);
      const unknown = await call(t.app, 'POST', '/api/v1/auth/codes', {
        body: { purpose: 'reset', email: 'ghost@example.cn' },
      });
      expect(unknown.status).toBe(202);
      expect(t.sender.last('ghost@example.cn')).toBeUndefined();

      await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'reset', email } });
      const code = /\b(\d{6})\b/.exec(t.sender.last(email)!.text)![1]!;
      const res = await call(t.app, 'POST', '/api/v1/auth/password/reset', {
        body: { login: email, code, newPassword: 'Brand-New-Secret-7' },
      });
      expect(res.status).toBe(200);
      expect((await call(t.app, 'GET', '/api/v1/me', { token })).status).toBe(401);
      const login = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { login: email, password: 'Brand-New-Secret-7' },
      });
      expect(login.status).toBe(200);
    });

    it('a code expires after 5 minutes', async () => {
      const clock = new ManualClock(Date.now());
      const tc = await createTestApp({ clock });
      try {
        const { email, token } = await registerAndLogin(tc.app);
        await call(tc.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email } });
        const code = /\b(\d{6})\b/.exec(tc.sender.last(email)!.text)![1]!;
        clock.advance(5 * 60_000 + 1);
        const res = await call(tc.app, 'POST', '/api/v1/me/verify', { token, body: { email, code } });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('CODE_INVALID');
      } finally {
        await tc.close();
      }
    });
  });

  describe('two-factor sign-in', () => {
    it('enrols with re-auth, then requires a TOTP code at login; codes cannot be replayed; recovery codes work once', async () => {
      const clock = new ManualClock(Date.now());
      const tc = await createTestApp({ clock });
      try {
        const { email, token } = await registerAndLogin(tc.app);
        clock.advance(11 * 60_000);
        const stale = await call(tc.app, 'POST', '/api/v1/me/2fa/enroll', { token });
        expect(stale.status).toBe(403);
        expect(stale.body.error.code).toBe('REAUTH_REQUIRED');
        expect(
          (await call(tc.app, 'POST', '/api/v1/auth/reauth', { token, body: { password: PASSWORD } })).status,
        ).toBe(200);
        const enroll = await call(tc.app, 'POST', '/api/v1/me/2fa/enroll', { token });
        expect(enroll.status).toBe(200);
        expect(enroll.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
        expect(enroll.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
        const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enroll.body.secret), digits: 6, period: 30 });
        const code = () => totp.generate({ timestamp: clock.now() });

        const confirm = await call(tc.app, 'POST', '/api/v1/me/2fa/confirm', { token, body: { code: code() } });
        expect(confirm.status).toBe(200);
        expect(confirm.body.recoveryCodes).toHaveLength(10);

        const without = await call(tc.app, 'POST', '/api/v1/auth/login', {
          body: { login: email, password: PASSWORD },
        });
        expect(without.status).toBe(401);
        expect(without.body.error.code).toBe('TOTP_REQUIRED');

        clock.advance(30_000);
        const fresh = code();
        const withCode = await call(tc.app, 'POST', '/api/v1/auth/login', {
          body: { login: email, password: PASSWORD, totp: fresh },
        });
        expect(withCode.status).toBe(200);
        const replay = await call(tc.app, 'POST', '/api/v1/auth/login', {
          body: { login: email, password: PASSWORD, totp: fresh },
        });
        expect(replay.status).toBe(401);
        expect(replay.body.error.code).toBe('TOTP_INVALID');

        const recovery = confirm.body.recoveryCodes[0];
        const byRecovery = await call(tc.app, 'POST', '/api/v1/auth/login', {
          body: { login: email, password: PASSWORD, totp: recovery },
        });
        expect(byRecovery.status).toBe(200);
        const recoveryAgain = await call(tc.app, 'POST', '/api/v1/auth/login', {
          body: { login: email, password: PASSWORD, totp: recovery },
        });
        expect(recoveryAgain.status).toBe(401);

        clock.advance(30_000);
        const off = await call(tc.app, 'POST', '/api/v1/me/2fa/disable', {
          token: withCode.body.token,
          body: { password: PASSWORD, code: code() },
        });
        expect(off.status).toBe(200);
        const plain = await call(tc.app, 'POST', '/api/v1/auth/login', { body: { login: email, password: PASSWORD } });
        expect(plain.status).toBe(200);
      } finally {
        await tc.close();
      }
    });
  });
});
