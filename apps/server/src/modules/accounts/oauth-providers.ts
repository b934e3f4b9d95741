import type { OauthProvider } from '@kameng/contracts';
import type { Logger } from 'pino';
import { deriveKey, hmacHex, safeEqual, sha256Hex } from '../../platform/crypto.ts';
import { AppError } from '../../platform/http/errors.ts';

// The two providers' OAuth 2.0 web sign-in, code exchanged on the server: WeChat (微信开放平台 网站应用,
// snsapi_login QR page, /sns/oauth2/access_token then /sns/userinfo) and QQ (QQ 互联, /oauth2.0/token,
// /oauth2.0/me with unionid, /user/get_user_info). And the sandbox that stands in for both.

/** Who the provider says signed in. */
export interface ProviderIdentity {
  openid: string;
  unionid: string | null;
  nickname: string | null;
}

export interface OauthClient {
  /** true: the built-in sandbox, not the provider */
  sandbox: boolean;
  authorizeUrl(state: string, redirectUri: string): string;
  exchange(code: string, redirectUri: string, state: string): Promise<ProviderIdentity>;
}

export interface OauthAppConfig {
  appId: string;
  appSecret: string;
  authorizeUrl?: string | undefined;
  apiBase?: string | undefined;
}

const LABEL: Record<OauthProvider, string> = { wechat: 'WeChat', qq: 'QQ' };

function refused(provider: OauthProvider): AppError {
  return new AppError('UNPROCESSABLE', `${LABEL[provider]} did not accept this sign-in; start again`, { provider });
}

async function getJson(
  log: Logger,
  provider: OauthProvider,
  url: string,
  step: string,
): Promise<Record<string, unknown>> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as Record<string, unknown>;
  } catch (err) {
    // the URL carries the app secret or an access token: only the step is logged
    log.warn({ provider, step, err: (err as Error).message }, 'third-party sign-in: provider unreachable');
    throw refused(provider);
  }
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);

function wechat(log: Logger, c: OauthAppConfig): OauthClient {
  const api = (c.apiBase ?? 'https://api.weixin.qq.com').replace(/\/+$/, '');
  return {
    sandbox: false,
    authorizeUrl(state, redirectUri) {
      const q = new URLSearchParams({
        appid: c.appId,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'snsapi_login',
        state,
      });
      return `${c.authorizeUrl ?? 'https://open.weixin.qq.com/connect/qrconnect'}?${q}#wechat_redirect`;
    },
    async exchange(code) {
      const q = new URLSearchParams({ appid: c.appId, secret: c.appSecret, code, grant_type: 'authorization_code' });
      const token = await getJson(log, 'wechat', `${api}/sns/oauth2/access_token?${q}`, 'access_token');
      const accessToken = str(token.access_token);
      const openid = str(token.openid);
      if (!accessToken || !openid) {
        log.warn({ provider: 'wechat', errcode: token.errcode }, 'third-party sign-in: code refused');
        throw refused('wechat');
      }
      const info = await getJson(
        log,
        'wechat',
        `${api}/sns/userinfo?${new URLSearchParams({ access_token: accessToken, openid })}`,
        'userinfo',
      );
      // userinfo is the same user or nothing: a different openid means a confused or hostile answer
      if (str(info.openid) !== null && info.openid !== openid) throw refused('wechat');
      return {
        openid,
        unionid: str(token.unionid) ?? str(info.unionid),
        nickname: str(info.nickname),
      };
    },
  };
}

function qq(log: Logger, c: OauthAppConfig): OauthClient {
  const api = (c.apiBase ?? 'https://graph.qq.com').replace(/\/+$/, '');
  return {
    sandbox: false,
    authorizeUrl(state, redirectUri) {
      const q = new URLSearchParams({
        response_type: 'code',
        client_id: c.appId,
        redirect_uri: redirectUri,
        state,
        scope: 'get_user_info',
      });
      return `${c.authorizeUrl ?? 'https://graph.qq.com/oauth2.0/authorize'}?${q}`;
    },
    async exchange(code, redirectUri) {
      const q = new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: c.appId,
        client_secret: c.appSecret,
        code,
        redirect_uri: redirectUri,
        fmt: 'json',
      });
      const token = await getJson(log, 'qq', `${api}/oauth2.0/token?${q}`, 'token');
      const accessToken = str(token.access_token);
      if (!accessToken) {
        log.warn({ provider: 'qq', error: token.error ?? token.code }, 'third-party sign-in: code refused');
        throw refused('qq');
      }
      const me = await getJson(
        log,
        'qq',
        `${api}/oauth2.0/me?${new URLSearchParams({ access_token: accessToken, unionid: '1', fmt: 'json' })}`,
        'me',
      );
      const openid = str(me.openid);
      // a token issued to another app must not sign anyone in here
      if (!openid || me.client_id !== c.appId) {
        log.warn({ provider: 'qq', error: me.error ?? 'client_id mismatch' }, 'third-party sign-in: token refused');
        throw refused('qq');
      }
      const info = await getJson(
        log,
        'qq',
        `${api}/user/get_user_info?${new URLSearchParams({ access_token: accessToken, oauth_consumer_key: c.appId, openid })}`,
        'get_user_info',
      );
      return { openid, unionid: str(me.unionid), nickname: info.ret === 0 ? str(info.nickname) : null };
    },
  };
}

export function oauthClientFor(log: Logger, provider: OauthProvider, c: OauthAppConfig): OauthClient {
  return provider === 'wechat' ? wechat(log, c) : qq(log, c);
}

// ─── the sandbox (KAMENG_SANDBOX=on, no app configured) ───

function sandboxMac(masterKey: Buffer, provider: OauthProvider, state: string, name: string): string {
  return hmacHex(deriveKey(masterKey, 'oauth-sandbox'), `${provider}:${state}:${name}`);
}

/**
 * The code the sandbox's consent page hands back: the chosen name and a MAC over it and the state, so it
 * is good for this one sign-in only (the state is spent when it is used).
 */
export function sandboxCode(masterKey: Buffer, provider: OauthProvider, state: string, name: string): string {
  const n = Buffer.from(name, 'utf8').toString('base64url');
  return `sbx.${n}.${sandboxMac(masterKey, provider, state, name)}`;
}

export function sandboxClient(masterKey: Buffer, provider: OauthProvider): OauthClient {
  return {
    sandbox: true,
    authorizeUrl(state, redirectUri) {
      return `/oauth-sandbox/${provider}?${new URLSearchParams({ state, redirect_uri: redirectUri })}`;
    },
    async exchange(code, _redirectUri, state) {
      const [tag, n, mac] = code.split('.');
      const name = tag === 'sbx' && n ? Buffer.from(n, 'base64url').toString('utf8') : '';
      if (!name || !mac || !safeEqual(mac, sandboxMac(masterKey, provider, state, name))) throw refused(provider);
      return { openid: `sbx_${sha256Hex(`${provider}:${name}`).slice(0, 24)}`, unionid: null, nickname: name };
    },
  };
}
