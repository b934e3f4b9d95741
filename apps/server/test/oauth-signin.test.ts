import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, enrolTwoFactor, loginAdmin, type Res, registerAndLogin } from './support/client.ts';
import { type FakeOauth, type FakeOauthUser, startFakeOauth } from './support/fake-oauth.ts';
import { createTestApp, dialectName, type TestApp } from './support/harness.ts';

const SITE = 'https://shop.kameng.test';
const cookieOf = (res: Res, name: string) => res.cookies.find((c) => c.name === name)?.value;

for (const provider of ['wechat', 'qq'] as const) {
  describe(`signing in with ${provider} (${dialectName})`, () => {
    let t: TestApp;
    let fake: FakeOauth;
    let admin: string;
    const callbackUrl = `${SITE}/api/v1/auth/oauth/${provider}/callback`;

    /** Starts a sign-in (or a binding, with `token`): the state from the provider URL and this browser's cookie. */
    async function start(o: { mode?: 'signin' | 'bind'; token?: string; returnTo?: string } = {}) {
      const q = new URLSearchParams({ mode: o.mode ?? 'signin', ...(o.returnTo ? { returnTo: o.returnTo } : {}) });
      const res = await call(t.app, 'GET', `/api/v1/auth/oauth/${provider}/start?${q}`, {
        ...(o.token ? { token: o.token } : {}),
      });
      expect(res.status).toBe(302);
      const location = new URL(String(res.headers.location));
      return { location, state: location.searchParams.get('state')!, browser: cookieOf(res, 'kameng_oauth')! };
    }

    async function callback(code: string, state: string, browser: string | undefined, token?: string) {
      const q = new URLSearchParams({ code, state });
      return call(t.app, 'GET', `/api/v1/auth/oauth/${provider}/callback?${q}`, {
        ...(token ? { token } : {}),
        headers: browser ? { cookie: `kameng_oauth=${browser}` } : {},
      });
    }

    /** A whole sign-in as `u`; the session token it set. */
    async function signInAs(u: FakeOauthUser): Promise<string> {
      const s = await start();
      const res = await callback(fake.consent(u, callbackUrl), s.state, s.browser);
      expect(res.status).toBe(302);
      return cookieOf(res, 'kameng_session')!;
    }

    async function meOf(token: string) {
      return (await call(t.app, 'GET', '/api/v1/me', { token })).body;
    }

    beforeAll(async () => {
      t = await createTestApp({ env: { KAMENG_SANDBOX: 'off' } });
      fake = await startFakeOauth(provider);
      admin = await loginAdmin(t);
      const off = await call(t.app, 'GET', `/api/v1/auth/oauth/${provider}/start`);
      expect(off.status).toBe(404);
      const res = await call(t.app, 'PUT', `/api/v1/admin/oauth-apps/${provider}`, {
        token: admin,
        body: {
          provider,
          enabled: true,
          settings: { appId: fake.appId, siteUrl: SITE, authorizeUrl: fake.authorizeUrl, apiBase: fake.server.url },
          secrets: { appSecret: fake.appSecret },
        },
      });
      expect(res.status).toBe(200);
      expect(res.body.secrets.appSecret).toBe(`••••${fake.appSecret.slice(-4)}`);
      expect(res.body.callbackUrl).toBe(callbackUrl);
    });
    afterAll(async () => {
      await fake.close();
      await t.close();
    });

    it('keeps the app secret from everyone but the admin, and asks for the password before changing it', async () => {
      const user = await registerAndLogin(t.app);
      expect((await call(t.app, 'GET', '/api/v1/admin/oauth-apps', { token: user.token })).status).toBe(403);
      const list = await call(t.app, 'GET', '/api/v1/admin/oauth-apps', { token: admin });
      expect(JSON.stringify(list.body)).not.toContain(fake.appSecret);
      const providers = await call(t.app, 'GET', '/api/v1/auth/oauth/providers');
      expect(providers.body.items).toContainEqual({ provider, sandbox: false });
    });

    it('sends the browser to the provider with a state and binds it to this browser', async () => {
      const s = await start();
      expect(s.location.origin + s.location.pathname).toBe(fake.authorizeUrl);
      expect(s.location.searchParams.get(provider === 'wechat' ? 'appid' : 'client_id')).toBe(fake.appId);
      expect(s.location.searchParams.get('redirect_uri')).toBe(callbackUrl);
      expect(s.state.length).toBeGreaterThanOrEqual(32);
      expect(s.browser.length).toBeGreaterThanOrEqual(32);
    });

    it('makes an account at the first sign-in and finds it at the next', async () => {
      const u = fake.user('张三');
      const s = await start({ returnTo: '/orders' });
      const res = await callback(fake.consent(u, callbackUrl), s.state, s.browser);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/orders');
      const token = cookieOf(res, 'kameng_session')!;
      const me = await meOf(token);
      expect(me).toMatchObject({ email: null, phone: null, roles: ['buyer'] });
      const ids = await call(t.app, 'GET', '/api/v1/me/oauth', { token });
      expect(ids.body).toMatchObject({ items: [{ provider, nickname: '张三' }], hasPassword: false });

      expect((await meOf(await signInAs(u))).id).toBe(me.id);
      // the only way into this account cannot be unbound
      const unbind = await call(t.app, 'DELETE', `/api/v1/me/oauth/${provider}`, { token });
      expect(unbind.status).toBe(422);
      // and no password opens it
      const pw = await call(t.app, 'POST', '/api/v1/auth/reauth', { token, body: { password: '' } });
      expect(pw.status).toBeGreaterThanOrEqual(400);
    });

    it('an account made by sign-in adds an email and a password, then signs in with them and may unbind', async () => {
      const u = fake.user('李雷');
      const token = await signInAs(u);
      const email = `oauth.${provider}.${Date.now()}@example.cn`;
      expect((await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email } })).status).toBe(
        202,
      );
      const code = /\b(\d{6})\b/.exec(t.sender.last(email)!.text)![1]!;
      const noPassword = await call(t.app, 'POST', '/api/v1/me/credentials', { token, body: { email, code } });
      expect(noPassword.status).toBe(400);
      const weak = await call(t.app, 'POST', '/api/v1/me/credentials', {
        token,
        body: { email, code, password: '12345678' },
      });
      expect(weak.status).toBe(422);
      const mass = await call(t.app, 'POST', '/api/v1/me/credentials', {
        token,
        body: { email, code, password: 'Oauth-Made-Pass-9', roles: ['admin'] },
      });
      expect(mass.status).toBe(400);
      const wrong = await call(t.app, 'POST', '/api/v1/me/credentials', {
        token,
        body: { email, code: code === '000000' ? '111111' : '000000', password: 'Oauth-Made-Pass-9' },
      });
      expect(wrong.body.error.code).toBe('CODE_INVALID');
      const added = await call(t.app, 'POST', '/api/v1/me/credentials', {
        token,
        body: { email, code, password: 'Oauth-Made-Pass-9' },
      });
      expect(added.status).toBe(200);
      expect(added.body).toMatchObject({ email, emailVerified: true, roles: ['buyer'] });
      const replay = await call(t.app, 'POST', '/api/v1/me/credentials', {
        token,
        body: { email, code, password: 'Oauth-Made-Pass-9' },
      });
      expect(replay.status).toBe(409);
      const ids = await call(t.app, 'GET', '/api/v1/me/oauth', { token });
      expect(ids.body.hasPassword).toBe(true);
      const login = await call(t.app, 'POST', '/api/v1/auth/login', {
        body: { login: email, password: 'Oauth-Made-Pass-9' },
      });
      expect(login.status).toBe(200);
      expect(login.body.user.id).toBe(added.body.id);
      // someone else's address cannot be taken over this way
      const other = await registerAndLogin(t.app);
      const second = await signInAs(fake.user('韩梅梅'));
      await call(t.app, 'POST', '/api/v1/auth/codes', { body: { purpose: 'verify', email: other.email } });
      const theirs = /\b(\d{6})\b/.exec(t.sender.last(other.email)!.text)![1]!;
      const taken = await call(t.app, 'POST', '/api/v1/me/credentials', {
        token: second,
        body: { email: other.email, code: theirs, password: 'Oauth-Made-Pass-9' },
      });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('ALREADY_EXISTS');
      expect((await call(t.app, 'DELETE', `/api/v1/me/oauth/${provider}`, { token })).status).toBe(200);
    });

    it('refuses a forged state, a state from another browser and a reused state, and starts no session', async () => {
      const u = fake.user('李四');
      const forged = await callback(fake.consent(u, callbackUrl), 'forged-state-value-000000000000', 'x');
      expect(forged.status).toBe(403);
      expect(forged.body.error.code).toBe('CSRF_FAILED');

      const s = await start();
      const other = await start();
      const code = fake.consent(u, callbackUrl);
      for (const browser of [undefined, other.browser]) {
        const res = await callback(code, s.state, browser);
        expect(res.status).toBe(403);
        expect(cookieOf(res, 'kameng_session')).toBeUndefined();
      }
      const ok = await callback(code, s.state, s.browser);
      expect(ok.status).toBe(302);
      const replay = await callback(code, s.state, s.browser);
      expect(replay.status).toBe(403);
      expect(cookieOf(replay, 'kameng_session')).toBeUndefined();
    });

    it('refuses a replayed code under a fresh state', async () => {
      const u = fake.user('王五');
      const code = fake.consent(u, callbackUrl);
      const first = await start();
      expect((await callback(code, first.state, first.browser)).status).toBe(302);
      const second = await start();
      const refusedBefore = fake.refused;
      const replay = await callback(code, second.state, second.browser);
      expect(replay.status).toBe(422);
      expect(cookieOf(replay, 'kameng_session')).toBeUndefined();
      expect(fake.refused).toBe(refusedBefore + 1);
    });

    it('binds to the signed-in account from the security page, and unbinds', async () => {
      const user = await registerAndLogin(t.app);
      expect((await call(t.app, 'GET', `/api/v1/auth/oauth/${provider}/start?mode=bind`)).status).toBe(401);
      const u = fake.user('赵六');
      const s = await start({ mode: 'bind', token: user.token });
      // the callback must come back to the same signed-in account
      const stranger = await registerAndLogin(t.app);
      const hijack = await callback(fake.consent(u, callbackUrl), s.state, s.browser, stranger.token);
      expect(hijack.status).toBe(403);

      const s2 = await start({ mode: 'bind', token: user.token });
      const bound = await callback(fake.consent(u, callbackUrl), s2.state, s2.browser, user.token);
      expect(bound.status).toBe(302);
      expect(bound.headers.location).toBe(`/account/security?bound=${provider}`);
      expect((await meOf(await signInAs(u))).id).toBe(user.userId);

      // the same identity cannot be bound to a second account
      const s3 = await start({ mode: 'bind', token: stranger.token });
      const taken = await callback(fake.consent(u, callbackUrl), s3.state, s3.browser, stranger.token);
      expect(taken.status).toBe(409);

      const ids = await call(t.app, 'GET', '/api/v1/me/oauth', { token: user.token });
      expect(ids.body).toMatchObject({ items: [{ provider, nickname: '赵六' }], hasPassword: true });
      const other = provider === 'wechat' ? 'qq' : 'wechat';
      expect((await call(t.app, 'DELETE', `/api/v1/me/oauth/${other}`, { token: user.token })).status).toBe(404);
      const unbind = await call(t.app, 'DELETE', `/api/v1/me/oauth/${provider}`, { token: user.token });
      expect(unbind.status).toBe(200);
      // a cookie session must echo its CSRF token to unbind, like every write
      expect(
        (
          await call(t.app, 'DELETE', `/api/v1/me/oauth/${provider}`, {
            headers: { cookie: `kameng_session=${user.token}` },
          })
        ).status,
      ).toBe(403);
      expect((await call(t.app, 'GET', '/api/v1/me/oauth', { token: user.token })).body.items).toEqual([]);
      // unbound: the identity now makes a new account of its own
      expect((await meOf(await signInAs(u))).id).not.toBe(user.userId);
    });

    it('asks an account with two-step sign-in for its authenticator code after the provider', async () => {
      const user = await registerAndLogin(t.app);
      const factor = await enrolTwoFactor(t.app, user.token, t.clock);
      const u = fake.user('员工');
      const b = await start({ mode: 'bind', token: user.token });
      expect((await callback(fake.consent(u, callbackUrl), b.state, b.browser, user.token)).status).toBe(302);

      const s = await start();
      const res = await callback(fake.consent(u, callbackUrl), s.state, s.browser);
      expect(res.status).toBe(302);
      expect(cookieOf(res, 'kameng_session')).toBeUndefined();
      const next = new URL(String(res.headers.location), SITE);
      expect(next.pathname).toBe('/login');
      const ticket = next.searchParams.get('ticket')!;
      const cookie = { cookie: `kameng_oauth=${s.browser}` };
      const wrong = await call(t.app, 'POST', '/api/v1/auth/oauth/totp', {
        headers: cookie,
        body: { ticket, totp: '000000' },
      });
      expect(wrong.body.error.code).toBe('TOTP_INVALID');
      const otherBrowser = await call(t.app, 'POST', '/api/v1/auth/oauth/totp', {
        headers: { cookie: 'kameng_oauth=someone-else' },
        body: { ticket, totp: factor.next() },
      });
      expect(otherBrowser.status).toBe(403);
      const ok = await call(t.app, 'POST', '/api/v1/auth/oauth/totp', {
        headers: cookie,
        body: { ticket, totp: factor.next() },
      });
      expect(ok.status).toBe(200);
      expect((await meOf(ok.body.token)).id).toBe(user.userId);
      const again = await call(t.app, 'POST', '/api/v1/auth/oauth/totp', {
        headers: cookie,
        body: { ticket, totp: factor.next() },
      });
      expect(again.status).toBe(403);
    });
  });
}

describe(`the sandbox sign-in (KAMENG_SANDBOX=on, no app configured) (${dialectName})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { KAMENG_SANDBOX: 'on' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('stands in for both providers and signs a trial user in', async () => {
    const providers = await call(t.app, 'GET', '/api/v1/auth/oauth/providers');
    expect(providers.body.items).toEqual([
      { provider: 'wechat', sandbox: true },
      { provider: 'qq', sandbox: true },
    ]);
    const start = await call(t.app, 'GET', '/api/v1/auth/oauth/wechat/start');
    const location = new URL(String(start.headers.location), 'http://x');
    expect(location.pathname).toBe('/oauth-sandbox/wechat');
    const state = location.searchParams.get('state')!;
    const browser = cookieOf(start, 'kameng_oauth')!;
    const approve = await call(t.app, 'POST', '/api/v1/sandbox/oauth/wechat/authorize', {
      body: { state, name: '试用买家' },
    });
    expect(approve.status).toBe(200);
    const redirect = new URL(approve.body.redirect, 'http://x');
    // a code made for another state (or by hand) is refused
    const forgedCode = redirect.searchParams.get('code')!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    const forged = await call(
      t.app,
      'GET',
      `/api/v1/auth/oauth/wechat/callback?${new URLSearchParams({ code: forgedCode, state })}`,
      {
        headers: { cookie: `kameng_oauth=${browser}` },
      },
    );
    expect(forged.status).toBe(422);
    // the state was spent by the forged attempt: start again
    const start2 = await call(t.app, 'GET', '/api/v1/auth/oauth/wechat/start');
    const state2 = new URL(String(start2.headers.location), 'http://x').searchParams.get('state')!;
    const approve2 = await call(t.app, 'POST', '/api/v1/sandbox/oauth/wechat/authorize', {
      body: { state: state2, name: '试用买家' },
    });
    const res = await call(t.app, 'GET', approve2.body.redirect, {
      headers: { cookie: `kameng_oauth=${cookieOf(start2, 'kameng_oauth')}` },
    });
    expect(res.status).toBe(302);
    const token = cookieOf(res, 'kameng_session')!;
    const ids = await call(t.app, 'GET', '/api/v1/me/oauth', { token });
    expect(ids.body.items).toMatchObject([{ provider: 'wechat', nickname: '试用买家' }]);
  });
});
