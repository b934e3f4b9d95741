import { randomBytes } from 'node:crypto';
import { type FakeReply, type FakeServer, startFakeServer } from './fake-server.ts';

/** A person at the provider. */
export interface FakeOauthUser {
  openid: string;
  unionid: string;
  nickname: string;
}

/**
 * WeChat's (微信开放平台 网站应用) or QQ's (QQ 互联) OAuth 2.0 web sign-in on 127.0.0.1: the authorize page
 * (which approves at once as `approveAs`, for the browser journey), the server-side code exchange (app id
 * and secret checked, each code good once and only for the redirect it was issued to), and the user info.
 */
export interface FakeOauth {
  provider: 'wechat' | 'qq';
  server: FakeServer;
  appId: string;
  appSecret: string;
  /** the authorize URL to configure (the page the browser is sent to) */
  authorizeUrl: string;
  /** who the authorize page signs in as */
  approveAs: FakeOauthUser;
  user(nickname: string): FakeOauthUser;
  /** the person consents: a code for `state`, as the provider would append to the redirect */
  consent(u: FakeOauthUser, redirectUri: string): string;
  /** code exchanges that were refused */
  refused: number;
  close(): Promise<void>;
}

export async function startFakeOauth(provider: 'wechat' | 'qq'): Promise<FakeOauth> {
  const codes = new Map<string, { user: FakeOauthUser; redirectUri: string; used: boolean }>();
  const tokens = new Map<string, FakeOauthUser>();
  const appId = provider === 'wechat' ? `wx${randomBytes(8).toString('hex')}` : String(100000000 + (Date.now() % 1e8));
  const appSecret = randomBytes(16).toString('hex');
  const json = (o: unknown) => ({ body: JSON.stringify(o) });
  const user = (nickname: string): FakeOauthUser => ({
    openid: `o${randomBytes(12).toString('hex')}`,
    unionid: `u${randomBytes(12).toString('hex')}`,
    nickname,
  });
  const consent = (u: FakeOauthUser, redirectUri: string) => {
    const code = randomBytes(16).toString('hex');
    codes.set(code, { user: u, redirectUri, used: false });
    return code;
  };
  /** a code spent once; a second exchange (a replay) is refused and the first token stays good */
  const spend = (code: string, redirectUri: string | null) => {
    const c = codes.get(code);
    if (!c || c.used || (redirectUri !== null && redirectUri !== c.redirectUri)) return null;
    c.used = true;
    const token = randomBytes(16).toString('hex');
    tokens.set(token, c.user);
    return { token, user: c.user };
  };
  const state = { refused: 0 };
  const server = await startFakeServer((req): FakeReply => {
    const p = (k: string) => req.query.get(k) ?? '';
    const authorizePath = provider === 'wechat' ? '/connect/qrconnect' : '/oauth2.0/authorize';
    if (req.path === authorizePath) {
      const id = provider === 'wechat' ? p('appid') : p('client_id');
      if (id !== appId) return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'unknown app' };
      const code = consent(fake.approveAs, p('redirect_uri'));
      const to = new URL(p('redirect_uri'));
      to.searchParams.set('code', code);
      to.searchParams.set('state', p('state'));
      if (provider === 'qq') return { status: 302, headers: { location: to.toString() } };
      // WeChat's QR page sends the browser on with script once the phone confirms (so its own
      // `#wechat_redirect` fragment stays behind)
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: `<!doctype html><title>微信登录</title><script>location.replace(${JSON.stringify(to.toString())})</script>`,
      };
    }
    if (provider === 'wechat') {
      if (req.path === '/sns/oauth2/access_token') {
        if (p('appid') !== appId || p('secret') !== appSecret) {
          state.refused += 1;
          return json({ errcode: 40125, errmsg: 'invalid appsecret' });
        }
        const got = p('grant_type') === 'authorization_code' ? spend(p('code'), null) : null;
        if (!got) {
          state.refused += 1;
          return json({ errcode: 40163, errmsg: 'code been used' });
        }
        return json({
          access_token: got.token,
          expires_in: 7200,
          refresh_token: randomBytes(8).toString('hex'),
          openid: got.user.openid,
          scope: 'snsapi_login',
          unionid: got.user.unionid,
        });
      }
      if (req.path === '/sns/userinfo') {
        const u = tokens.get(p('access_token'));
        if (!u || u.openid !== p('openid')) return json({ errcode: 40001, errmsg: 'invalid credential' });
        return json({ openid: u.openid, nickname: u.nickname, unionid: u.unionid, headimgurl: '' });
      }
    } else {
      if (req.path === '/oauth2.0/token') {
        if (p('client_id') !== appId || p('client_secret') !== appSecret) {
          state.refused += 1;
          return json({ error: 100013, error_description: 'access token is illegal' });
        }
        const got = p('grant_type') === 'authorization_code' ? spend(p('code'), p('redirect_uri')) : null;
        if (!got) {
          state.refused += 1;
          return json({ error: 100019, error_description: 'code to access token error' });
        }
        return json({ access_token: got.token, expires_in: 7776000, refresh_token: randomBytes(8).toString('hex') });
      }
      if (req.path === '/oauth2.0/me') {
        const u = tokens.get(p('access_token'));
        if (!u) return json({ error: 100016, error_description: 'access token check failed' });
        return json({ client_id: appId, openid: u.openid, ...(p('unionid') === '1' ? { unionid: u.unionid } : {}) });
      }
      if (req.path === '/user/get_user_info') {
        const u = tokens.get(p('access_token'));
        if (!u || p('oauth_consumer_key') !== appId || p('openid') !== u.openid) return json({ ret: -1, msg: 'bad' });
        return json({ ret: 0, msg: '', nickname: u.nickname });
      }
    }
    return { status: 404, body: '{}' };
  });
  const fake: FakeOauth = {
    provider,
    server,
    appId,
    appSecret,
    authorizeUrl: `${server.url}${provider === 'wechat' ? '/connect/qrconnect' : '/oauth2.0/authorize'}`,
    approveAs: user(provider === 'wechat' ? '微信用户小明' : 'QQ用户小红'),
    user,
    consent,
    get refused() {
      return state.refused;
    },
    set refused(v: number) {
      state.refused = v;
    },
    close: () => server.close(),
  };
  return fake;
}
