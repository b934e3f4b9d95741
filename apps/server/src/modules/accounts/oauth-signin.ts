import type { OauthIdentityDto, OauthProvider } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { newToken, sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as q from './accounts.queries.ts';
import { activeOauthClient } from './oauth-apps.ts';
import { sandboxCode } from './oauth-providers.ts';
import { createSession } from './sessions.ts';
import { checkSecondFactor } from './totp.ts';

// Signing in with WeChat or QQ: the start (a single-use `state` bound to this browser by a cookie only it
// holds), the callback (state checked and spent, code exchanged on the server, the account found, made or
// bound), the second step for accounts with two-step sign-in, and binding/unbinding from 账号安全.

const STATE_TTL_MS = 10 * MINUTE;
const TICKET_TTL_MS = 5 * MINUTE;

export interface OauthStart {
  location: string;
  /** the value of the browser-binding cookie this start set */
  browserNonce: string;
}

export async function startOauth(
  deps: Deps,
  provider: OauthProvider,
  opts: { mode: 'signin' | 'bind'; returnTo?: string | undefined },
  auth: AuthContext | null,
): Promise<OauthStart> {
  const active = await activeOauthClient(deps, provider);
  if (!active) throw new AppError('NOT_FOUND', `Signing in with ${provider} is not available here`);
  if (opts.mode === 'bind' && !auth) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  const state = newToken(deps.random, 24);
  const browserNonce = newToken(deps.random, 24);
  const now = deps.clock.now();
  await q.deleteExpiredOauthStates(deps.db, now);
  await q.insertOauthState(deps.db, {
    state_hash: sha256Hex(state),
    provider,
    purpose: opts.mode,
    browser_hash: sha256Hex(browserNonce),
    user_id: opts.mode === 'bind' ? auth!.userId : null,
    return_to: opts.returnTo ?? null,
    expires_at: now + STATE_TTL_MS,
    used_at: null,
    created_at: now,
  });
  return { location: active.client.authorizeUrl(state, active.redirectUri), browserNonce };
}

export type OauthOutcome =
  | { kind: 'session'; token: string; csrfToken: string; expiresAt: number; returnTo: string }
  | { kind: 'totp'; ticket: string; returnTo: string }
  | { kind: 'bound'; returnTo: string };

const badState = () =>
  new AppError('CSRF_FAILED', 'This sign-in link is not valid (expired, used, or started in another browser)');

/** Finds the live row for a state or ticket started in this browser, and spends it: once, whoever races. */
async function spend(deps: Deps, secret: string, browserNonce: string | undefined, purposes: readonly string[]) {
  const now = deps.clock.now();
  const hash = sha256Hex(secret);
  const row = await deps.db.selectFrom('oauth_states').selectAll().where('state_hash', '=', hash).executeTakeFirst();
  if (!row || !browserNonce || row.browser_hash !== sha256Hex(browserNonce) || !purposes.includes(row.purpose)) {
    throw badState();
  }
  const spent = await q.spendOauthState(deps.db, hash, now);
  if (!spent) throw badState();
  return spent;
}

export async function oauthCallback(
  deps: Deps,
  provider: OauthProvider,
  query: { code: string; state: string },
  browserNonce: string | undefined,
  auth: AuthContext | null,
  meta: RequestMeta,
): Promise<OauthOutcome> {
  const row = await spend(deps, query.state, browserNonce, ['signin', 'bind']);
  if (row.provider !== provider) throw badState();
  const active = await activeOauthClient(deps, provider);
  if (!active) throw new AppError('NOT_FOUND', `Signing in with ${provider} is not available here`);
  const who = await active.client.exchange(query.code, active.redirectUri, query.state);
  const returnTo = row.return_to ?? '/';

  if (row.purpose === 'bind') {
    // the browser that started the binding is still signed in as the same account
    if (!auth || auth.userId !== row.user_id) throw badState();
    await bindIdentity(deps, auth.userId, provider, who, meta);
    return { kind: 'bound', returnTo: row.return_to ?? '/account/security' };
  }

  const userId = await findOrCreateUser(deps, provider, who, meta);
  const user = (await q.findUserById(deps.db, userId))!;
  if (user.status !== 'active') throw new AppError('ACCOUNT_FROZEN', 'This account is frozen; contact support');
  if (user.totp_enabled_at !== null) {
    // staff and anyone with two-step sign-in: the provider proves the first factor only
    const ticket = newToken(deps.random, 24);
    const now = deps.clock.now();
    await q.insertOauthState(deps.db, {
      state_hash: sha256Hex(ticket),
      provider,
      purpose: 'totp',
      browser_hash: sha256Hex(browserNonce!),
      user_id: userId,
      return_to: returnTo,
      expires_at: now + TICKET_TTL_MS,
      used_at: null,
      created_at: now,
    });
    return { kind: 'totp', ticket, returnTo };
  }
  return { kind: 'session', ...(await signIn(deps, userId, provider, meta, 'oauth')), returnTo };
}

/** The second step after a third-party sign-in into an account with two-step sign-in. */
export async function completeOauthTotp(
  deps: Deps,
  body: { ticket: string; totp: string },
  browserNonce: string | undefined,
  meta: RequestMeta,
): Promise<{ token: string; csrfToken: string; expiresAt: number; returnTo: string }> {
  const hash = sha256Hex(body.ticket);
  await deps.limiter.consume(`oauth-totp:${hash}`, { max: 5, windowMs: 15 * MINUTE }, 'authenticator codes');
  const row = await deps.db.selectFrom('oauth_states').selectAll().where('state_hash', '=', hash).executeTakeFirst();
  const now = deps.clock.now();
  if (
    row?.purpose !== 'totp' ||
    row.used_at !== null ||
    row.expires_at <= now ||
    !browserNonce ||
    row.browser_hash !== sha256Hex(browserNonce)
  ) {
    throw badState();
  }
  const user = await q.findUserById(deps.db, row.user_id!);
  if (!user || !(await checkSecondFactor(deps, user, body.totp))) {
    throw new AppError('TOTP_INVALID', 'The authenticator code is wrong or was already used');
  }
  await spend(deps, body.ticket, browserNonce, ['totp']);
  return { ...(await signIn(deps, user.id, row.provider, meta, 'totp')), returnTo: row.return_to ?? '/' };
}

async function signIn(
  deps: Deps,
  userId: string,
  provider: OauthProvider,
  meta: RequestMeta,
  factor: 'oauth' | 'totp',
) {
  return deps.db.transaction().execute(async (tx) => {
    const session = await createSession(deps, tx, userId, meta, factor);
    await writeAudit(tx, deps, {
      actorId: userId,
      action: 'auth.login',
      objectType: 'user',
      objectId: userId,
      ip: meta.ip,
      details: { via: provider },
    });
    return session;
  });
}

interface Who {
  openid: string;
  unionid: string | null;
  nickname: string | null;
}

async function findOrCreateUser(deps: Deps, provider: OauthProvider, who: Who, meta: RequestMeta): Promise<string> {
  const found = await q.findIdentity(deps.db, provider, who.openid, who.unionid);
  if (found) return found.user_id;
  const now = deps.clock.now();
  const userId = newId('usr', deps.clock, deps.random);
  try {
    await deps.db.transaction().execute(async (tx) => {
      await q.insertUser(tx, {
        id: userId,
        email: null,
        phone: null,
        // no password: this account signs in through its identity until it sets one
        password_hash: '',
        status: 'active',
        email_verified_at: null,
        phone_verified_at: null,
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
      await q.grantRole(tx, userId, 'buyer', null, now);
      await insertIdentity(tx, deps, userId, provider, who);
      await writeAudit(tx, deps, {
        actorId: userId,
        action: 'user.register',
        objectType: 'user',
        objectId: userId,
        ip: meta.ip,
        details: { via: provider },
      });
    });
    return userId;
  } catch (err) {
    // the same person finishing two sign-ins at once: the other one made the account
    if (!isUniqueViolation(err)) throw err;
    const again = await q.findIdentity(deps.db, provider, who.openid, who.unionid);
    if (!again) throw err;
    return again.user_id;
  }
}

async function insertIdentity(tx: Executor, deps: Deps, userId: string, provider: OauthProvider, who: Who) {
  await q.insertIdentity(tx, {
    id: newId('oid', deps.clock, deps.random),
    user_id: userId,
    provider,
    openid: who.openid,
    unionid: who.unionid,
    nickname: who.nickname?.slice(0, 64) ?? null,
    created_at: deps.clock.now(),
  });
}

async function bindIdentity(deps: Deps, userId: string, provider: OauthProvider, who: Who, meta: RequestMeta) {
  const existing = await q.findIdentity(deps.db, provider, who.openid, who.unionid);
  if (existing?.user_id === userId) return;
  if (existing) throw new AppError('CONFLICT', `This ${provider} account already signs in to another account`);
  try {
    await deps.db.transaction().execute(async (tx) => {
      await insertIdentity(tx, deps, userId, provider, who);
      await writeAudit(tx, deps, {
        actorId: userId,
        action: 'user.oauth_bound',
        objectType: 'user',
        objectId: userId,
        ip: meta.ip,
        details: { provider },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('CONFLICT', `Your account already has a ${provider} identity; unbind it first`);
    }
    throw err;
  }
}

/** A password and an email or phone to type it with: a way in that needs no third party. */
function canSignInWithPassword(u: q.UserRow): boolean {
  return u.password_hash !== '' && (u.email !== null || u.phone !== null);
}

export async function myIdentities(
  deps: Deps,
  auth: AuthContext,
): Promise<{ items: OauthIdentityDto[]; hasPassword: boolean }> {
  const [rows, user] = await Promise.all([q.identitiesOf(deps.db, auth.userId), q.findUserById(deps.db, auth.userId)]);
  return {
    items: rows.map((r) => ({ provider: r.provider, nickname: r.nickname, createdAt: r.created_at })),
    hasPassword: user ? canSignInWithPassword(user) : false,
  };
}

export async function unbindIdentity(
  deps: Deps,
  auth: AuthContext,
  provider: OauthProvider,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await q.findUserById(tx, auth.userId);
    const rows = await q.identitiesOf(tx, auth.userId);
    if (!user || !rows.some((r) => r.provider === provider)) throw new AppError('NOT_FOUND', 'Not bound');
    if (!canSignInWithPassword(user) && rows.length <= 1) {
      throw new AppError(
        'UNPROCESSABLE',
        'This is the only way into your account; set a password or bind another first',
        {
          reason: 'last_sign_in_method',
        },
      );
    }
    await q.deleteIdentity(tx, auth.userId, provider);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'user.oauth_unbound',
      objectType: 'user',
      objectId: auth.userId,
      ip: meta.ip,
      details: { provider },
    });
  });
}

/** Which providers the sign-in page offers, and whether each is the sandbox. */
export async function availableProviders(
  deps: Deps,
): Promise<{ items: { provider: OauthProvider; sandbox: boolean }[] }> {
  const items: { provider: OauthProvider; sandbox: boolean }[] = [];
  for (const provider of ['wechat', 'qq'] as const) {
    const active = await activeOauthClient(deps, provider);
    if (active) items.push({ provider, sandbox: active.client.sandbox });
  }
  return { items };
}

/**
 * The sandbox's consent page approves as `name`: answers where the browser goes next, the callback with a
 * code good for this state only. Only while the sandbox stands in for the provider.
 */
export async function sandboxAuthorize(
  deps: Deps,
  provider: OauthProvider,
  body: { state: string; name: string },
): Promise<{ redirect: string }> {
  const active = await activeOauthClient(deps, provider);
  if (!active?.client.sandbox) throw new AppError('NOT_FOUND', 'The sandbox sign-in is off');
  const code = sandboxCode(deps.config.masterKey, provider, body.state, body.name);
  return { redirect: `${active.redirectUri}?${new URLSearchParams({ code, state: body.state })}` };
}
