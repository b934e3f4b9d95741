import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import type { UserDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { deriveKey, newToken, sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import { type AuthContext, csrfTokenFor } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import * as q from './accounts.queries.ts';
import { proveSecondFactor } from './step-up.ts';
import { checkSecondFactor } from './totp.ts';
import { parseLogin, passwordMatches, toUserDto } from './users.ts';

// Sign-in, the sessions it creates, resolving a presented token, and re-authentication for sensitive actions.

export const SESSION_TTL_MS = 30 * 24 * HOUR;

const TOUCH_EVERY_MS = MINUTE;

// a real bcrypt hash of a random string, compared against when the login names no account,
// so an unknown login costs the same time as a wrong password
let dummyHash: string | null = null;
async function dummyCompare(deps: Deps, password: string): Promise<void> {
  dummyHash ??= await bcryptHash(newToken(deps.random), deps.config.bcryptCost);
  await bcryptVerify(password, dummyHash);
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: number;
  user: UserDto;
}

export async function createSession(
  deps: Deps,
  db: Executor,
  userId: string,
  meta: RequestMeta,
  factor: 'password' | 'totp' | 'sms' | 'oauth' = 'password',
): Promise<{ token: string; csrfToken: string; expiresAt: number }> {
  const now = deps.clock.now();
  const token = newToken(deps.random, 32);
  const tokenHash = sha256Hex(token);
  const expiresAt = now + SESSION_TTL_MS;
  await q.insertSession(db, {
    id: newId('ses', deps.clock, deps.random),
    user_id: userId,
    token_hash: tokenHash,
    created_at: now,
    last_seen_at: now,
    expires_at: expiresAt,
    reauth_at: now,
    reauth_factor: factor,
    revoked_at: null,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, csrfToken: csrfTokenFor(deriveKey(deps.config.masterKey, 'csrf'), tokenHash), expiresAt };
}

export async function login(
  deps: Deps,
  body: { login: string; password: string; totp?: string | undefined },
  meta: RequestMeta,
): Promise<LoginResult> {
  const parsed = parseLogin(body.login);
  const accountKey = `login:acct:${parsed ? ('email' in parsed ? parsed.email : parsed.phone) : body.login}`;
  await deps.limiter.consume(accountKey, { max: 10, windowMs: 15 * MINUTE }, 'sign-in attempts for this account');
  const user = parsed ? await q.findUserByLogin(deps.db, parsed) : undefined;
  const fail = async (reason: string) => {
    await writeAudit(deps.db, deps, {
      actorId: user?.id ?? null,
      action: 'auth.login_failed',
      objectType: 'user',
      ...(user ? { objectId: user.id } : {}),
      ip: meta.ip,
      details: { reason },
    });
    return new AppError('INVALID_CREDENTIALS', 'Wrong account or password');
  };
  if (!user) {
    await dummyCompare(deps, body.password);
    throw await fail('unknown_login');
  }
  if (!(await passwordMatches(body.password, user.password_hash))) throw await fail('wrong_password');
  if (user.status !== 'active') throw new AppError('ACCOUNT_FROZEN', 'This account is frozen; contact support');
  if (user.totp_enabled_at !== null) {
    if (!body.totp) throw new AppError('TOTP_REQUIRED', 'Enter the code from your authenticator app');
    if (!(await checkSecondFactor(deps, user, body.totp))) {
      await fail('wrong_totp');
      throw new AppError('TOTP_INVALID', 'The authenticator code is wrong or was already used');
    }
  }
  return deps.db.transaction().execute(async (tx) => {
    const session = await createSession(deps, tx, user.id, meta, user.totp_enabled_at !== null ? 'totp' : 'password');
    await writeAudit(tx, deps, {
      actorId: user.id,
      action: 'auth.login',
      objectType: 'user',
      objectId: user.id,
      ip: meta.ip,
    });
    return { ...session, user: toUserDto(user, await q.rolesOf(tx, user.id)) };
  });
}

/** Resolves a presented token to its session; null when unknown, expired, revoked or the user is frozen. */
export async function authenticate(
  deps: Deps,
  token: string,
  via: 'cookie' | 'bearer',
  _ip: string,
): Promise<AuthContext | null> {
  const tokenHash = sha256Hex(token);
  const now = deps.clock.now();
  const s = await q.findActiveSession(deps.db, tokenHash, now);
  if (!s) return null;
  if (now - s.last_seen_at > TOUCH_EVERY_MS) await q.touchSession(deps.db, s.session_id, now);
  return {
    userId: s.user_id,
    sessionId: s.session_id,
    roles: s.roles,
    twoFactor: s.totp_enabled_at !== null,
    reauthAt: s.reauth_at,
    via,
    tokenHash,
  };
}

export async function logout(deps: Deps, auth: AuthContext, meta: RequestMeta): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    await q.revokeSession(tx, auth.userId, auth.sessionId, deps.clock.now());
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'auth.logout',
      objectType: 'session',
      objectId: auth.sessionId,
      ip: meta.ip,
    });
  });
}

export async function me(deps: Deps, auth: AuthContext): Promise<UserDto> {
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  return toUserDto(user, auth.roles);
}

export async function mySessions(deps: Deps, auth: AuthContext) {
  const rows = await q.listSessions(deps.db, auth.userId, deps.clock.now());
  return rows.map((s) => ({
    id: s.id,
    current: s.id === auth.sessionId,
    createdAt: s.created_at,
    lastSeenAt: s.last_seen_at,
    expiresAt: s.expires_at,
    ip: s.ip,
    userAgent: s.user_agent,
  }));
}

export async function revokeMySession(deps: Deps, auth: AuthContext, sessionId: string, meta: RequestMeta) {
  await deps.db.transaction().execute(async (tx) => {
    // scoped to the caller: another user's session id is simply not found
    const n = await q.revokeSession(tx, auth.userId, sessionId, deps.clock.now());
    if (n === 0) throw new AppError('NOT_FOUND', 'No such session');
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'auth.session_revoked',
      objectType: 'session',
      objectId: sessionId,
      ip: meta.ip,
    });
  });
}

/**
 * A sensitive action (payout account, withdrawal, keys, 2FA) needs the password proved within the step-up
 * window (login or POST /auth/reauth; operator-set `accounts.stepUpMinutes`, default 5): inside it the action
 * does not ask again, after it the server refuses with REAUTH_REQUIRED (PROMISES #24).
 */
export async function requireRecentAuth(deps: Deps, auth: AuthContext): Promise<void> {
  const windowMs = (await getSetting(deps.db, 'accounts.stepUpMinutes')) * MINUTE;
  if (deps.clock.now() - auth.reauthAt > windowMs) {
    throw new AppError('REAUTH_REQUIRED', 'Confirm your password to continue', { maxAgeSeconds: windowMs / 1000 });
  }
}

export async function reauthenticate(
  deps: Deps,
  auth: AuthContext,
  body: { password: string; totp?: string | undefined; smsCode?: string | undefined },
  meta: RequestMeta,
): Promise<{ reauthAt: number; stepUpSeconds: number; factor: 'password' | 'totp' | 'sms' }> {
  await deps.limiter.consume(
    `reauth:user:${auth.userId}`,
    { max: 10, windowMs: 15 * MINUTE },
    'password confirmations',
  );
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user || !(await passwordMatches(body.password, user.password_hash))) {
    throw new AppError('INVALID_CREDENTIALS', 'Wrong password');
  }
  const factor = await proveSecondFactor(deps, user, body);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await q.setSessionReauth(tx, auth.sessionId, now, factor);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'auth.reauth',
      objectType: 'session',
      objectId: auth.sessionId,
      ip: meta.ip,
      details: { factor },
    });
  });
  return { reauthAt: now, stepUpSeconds: (await getSetting(deps.db, 'accounts.stepUpMinutes')) * 60, factor };
}
