import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import type { DailySignupsDto, Role, UserDto } from '@kameng/contracts';
import * as OTPAuth from 'otpauth';
import { writeAudit } from '../../platform/audit.ts';
import { newId, randomInt } from '../../platform/clock.ts';
import { decrypt, deriveKey, encrypt, hmacHex, newToken, safeEqual, sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import { fillDays, lastCstDays } from '../../platform/days.ts';
import type { Deps } from '../../platform/deps.ts';
import { type AuthContext, csrfTokenFor, TWO_FACTOR_ROLES } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import type { Channel } from '../../platform/sender.ts';
import { isCommonPassword } from './common-passwords.ts';
import * as q from './accounts.queries.ts';

export const SESSION_TTL_MS = 30 * 24 * HOUR;
export const RECENT_AUTH_MS = 10 * MINUTE;
const CODE_TTL_MS = 5 * MINUTE;
const CODE_MAX_ATTEMPTS = 5;
const TOUCH_EVERY_MS = MINUTE;

import type { RequestMeta } from '../../platform/http/route-helpers.ts';

export type { RequestMeta };

type Login = { email: string } | { phone: string };

/** An identifier typed at the login box: an email if it has an @, otherwise a mainland mobile number. */
export function parseLogin(raw: string): Login | null {
  const s = raw.trim();
  if (s.includes('@')) return { email: s.toLowerCase() };
  const phone = s.replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(phone) ? { phone } : null;
}

export function toUserDto(u: q.UserRow, roles: Role[]): UserDto {
  return {
    id: u.id,
    email: u.email,
    phone: u.phone,
    roles,
    status: u.status,
    emailVerified: u.email_verified_at !== null,
    phoneVerified: u.phone_verified_at !== null,
    totpEnabled: u.totp_enabled_at !== null,
    createdAt: u.created_at,
  };
}

// a real bcrypt hash of a random string, compared against when the login names no account,
// so an unknown login costs the same time as a wrong password
let dummyHash: string | null = null;
async function dummyCompare(deps: Deps, password: string): Promise<void> {
  dummyHash ??= await bcryptHash(newToken(deps.random), deps.config.bcryptCost);
  await bcryptVerify(password, dummyHash);
}

async function hashPassword(deps: Deps, password: string, context: (string | null)[]): Promise<string> {
  if (isCommonPassword(password, context)) {
    throw new AppError('WEAK_PASSWORD', 'This password is too common or too easy to guess; choose another', {
      issues: [{ path: ['password'], message: 'too common' }],
    });
  }
  return bcryptHash(password, deps.config.bcryptCost);
}

/** Refuses, before anything is recorded, what needs a message on a channel this site cannot send on. */
function requireChannel(deps: Deps, channel: Channel): void {
  if (deps.sender.reaches(channel)) return;
  throw channel === 'sms'
    ? new AppError('SMS_NOT_CONFIGURED', 'SMS is not available here: no SMS provider is configured')
    : new AppError('EMAIL_NOT_CONFIGURED', 'Email is not available here: no mail server (SMTP_URL) is configured');
}

function codeHash(deps: Deps, target: string, purpose: string, code: string): string {
  return hmacHex(deriveKey(deps.config.masterKey, 'verification-code'), `${purpose}:${target}:${code}`);
}

function totpKey(deps: Deps): Buffer {
  return deriveKey(deps.config.masterKey, 'totp');
}

// --- registration and verification codes ---

export async function register(
  deps: Deps,
  body: { email?: string | undefined; phone?: string | undefined; password: string; code?: string | undefined },
  meta: RequestMeta,
): Promise<UserDto> {
  // a phone account needs SMS for its codes (verification, password reset), so it waits for a provider
  if (body.phone !== undefined) requireChannel(deps, 'sms');
  await deps.limiter.consume(`register:ip:${meta.ip}`, { max: 30, windowMs: HOUR }, 'registrations');
  const passwordHash = await hashPassword(deps, body.password, [body.email ?? null, body.phone ?? null]);
  const now = deps.clock.now();
  const id = newId('usr', deps.clock, deps.random);
  const target = body.email ?? body.phone ?? '';
  if (body.code) await consumeCode(deps, target, 'verify', body.code);
  const verifiedAt = body.code ? now : null;
  try {
    return await deps.db.transaction().execute(async (tx) => {
      await q.insertUser(tx, {
        id,
        email: body.email ?? null,
        phone: body.phone ?? null,
        password_hash: passwordHash,
        status: 'active',
        email_verified_at: body.email ? verifiedAt : null,
        phone_verified_at: body.phone ? verifiedAt : null,
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
      await q.grantRole(tx, id, 'buyer', null, now);
      await writeAudit(tx, deps, {
        actorId: id,
        action: 'user.register',
        objectType: 'user',
        objectId: id,
        ip: meta.ip,
      });
      const user = await q.findUserById(tx, id);
      return toUserDto(user!, ['buyer']);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError(
        'ALREADY_EXISTS',
        body.email ? 'This email is already registered' : 'This phone is already registered',
      );
    }
    throw err;
  }
}

/** Sends a 6-digit code. For password reset the answer is the same whether or not the account exists. */
export async function sendCode(
  deps: Deps,
  body: { purpose: 'verify' | 'reset'; email?: string | undefined; phone?: string | undefined },
  meta: RequestMeta,
): Promise<{ sent: true; expiresInSeconds: number }> {
  const target = body.email ?? body.phone ?? '';
  const channel = body.email ? 'email' : 'sms';
  requireChannel(deps, channel);
  await deps.limiter.consume(`code:ip:${meta.ip}`, { max: 20, windowMs: HOUR }, 'code requests');
  await deps.limiter.consume(`code:target:${target}`, { max: 1, windowMs: MINUTE }, 'codes to this address');
  await deps.limiter.consume(`code:target-day:${target}`, { max: 10, windowMs: 24 * HOUR }, 'codes to this address');

  if (body.purpose === 'reset') {
    const user = await q.findUserByLogin(deps.db, body.email ? { email: body.email } : { phone: target });
    if (!user) return { sent: true, expiresInSeconds: CODE_TTL_MS / 1000 };
  }
  const code = String(randomInt(deps.random, 1_000_000)).padStart(6, '0');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await q.invalidateCodes(tx, target, body.purpose, now);
    await q.insertCode(tx, {
      id: newId('vcd', deps.clock, deps.random),
      purpose: body.purpose,
      channel,
      target,
      code_hash: codeHash(deps, target, body.purpose, code),
      expires_at: now + CODE_TTL_MS,
      created_at: now,
    });
  });
  const what = body.purpose === 'reset' ? '重置密码 / password reset' : '验证 / verification';
  await deps.sender.send({
    channel,
    to: target,
    subject: `卡盟 Kameng ${what}`,
    text: `【卡盟】您的验证码是 ${code}，5 分钟内有效。Your Kameng code is ${code}; it expires in 5 minutes.`,
  });
  return { sent: true, expiresInSeconds: CODE_TTL_MS / 1000 };
}

/**
 * Checks and spends a code: single use, 5 minutes, at most 5 wrong guesses. It runs on its own,
 * before the caller's transaction, so a wrong guess is counted even when the caller fails.
 */
async function consumeCode(deps: Deps, target: string, purpose: 'verify' | 'reset', code: string): Promise<void> {
  const db = deps.db;
  const now = deps.clock.now();
  const row = await q.findLiveCode(db, target, purpose, now);
  const invalid = new AppError('CODE_INVALID', 'The code is wrong or has expired; request a new one', {
    issues: [{ path: ['code'], message: 'wrong or expired' }],
  });
  if (!row || row.attempts >= CODE_MAX_ATTEMPTS) throw invalid;
  if (!safeEqual(row.code_hash, codeHash(deps, target, purpose, code))) {
    await q.bumpCodeAttempts(db, row.id);
    throw invalid;
  }
  if (!(await q.consumeCodeRow(db, row.id, now))) throw invalid;
}

export async function verifyContact(
  deps: Deps,
  auth: AuthContext,
  body: { email?: string | undefined; phone?: string | undefined; code: string },
  meta: RequestMeta,
): Promise<UserDto> {
  await deps.limiter.consume(`verify:user:${auth.userId}`, { max: 20, windowMs: HOUR }, 'verification attempts');
  const now = deps.clock.now();
  const found = await q.findUserById(deps.db, auth.userId);
  if (!found) throw new AppError('NOT_FOUND', 'No such user');
  if ((body.email && found.email !== body.email) || (body.phone && found.phone !== body.phone)) {
    throw new AppError('UNPROCESSABLE', 'That address is not on your account');
  }
  await consumeCode(deps, body.email ?? body.phone ?? '', 'verify', body.code);
  return deps.db.transaction().execute(async (tx) => {
    const user = found;
    await q.updateUser(tx, user.id, body.email ? { email_verified_at: now } : { phone_verified_at: now });
    await writeAudit(tx, deps, {
      actorId: user.id,
      action: body.email ? 'user.email_verified' : 'user.phone_verified',
      objectType: 'user',
      objectId: user.id,
      ip: meta.ip,
    });
    return toUserDto((await q.findUserById(tx, user.id))!, await q.rolesOf(tx, user.id));
  });
}

// --- sessions ---

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: number;
  user: UserDto;
}

async function createSession(
  deps: Deps,
  db: import('../../platform/db/database.ts').Executor,
  userId: string,
  meta: RequestMeta,
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
    revoked_at: null,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { token, csrfToken: csrfTokenFor(deriveKey(deps.config.masterKey, 'csrf'), tokenHash), expiresAt };
}

/** Verifies a TOTP code (with replay protection) or spends a recovery code. */
async function checkSecondFactor(deps: Deps, user: q.UserRow, code: string): Promise<boolean> {
  if (!user.totp_secret_enc) return false;
  const trimmed = code.replace(/\s+/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const secret = decrypt(totpKey(deps), user.totp_secret_enc, user.id).toString('utf8');
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 });
    const now = deps.clock.now();
    const delta = totp.validate({ token: trimmed, timestamp: now, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(now / 30_000) + delta;
    return q.advanceTotpStep(deps.db, user.id, step);
  }
  const normalized = trimmed.toLowerCase().replace(/-/g, '');
  return q.useRecoveryCode(deps.db, user.id, sha256Hex(`recovery:${normalized}`), deps.clock.now());
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
  if (!(await bcryptVerify(body.password, user.password_hash))) throw await fail('wrong_password');
  if (user.status !== 'active') throw new AppError('ACCOUNT_FROZEN', 'This account is frozen; contact support');
  if (user.totp_enabled_at !== null) {
    if (!body.totp) throw new AppError('TOTP_REQUIRED', 'Enter the code from your authenticator app');
    if (!(await checkSecondFactor(deps, user, body.totp))) {
      await fail('wrong_totp');
      throw new AppError('TOTP_INVALID', 'The authenticator code is wrong or was already used');
    }
  }
  return deps.db.transaction().execute(async (tx) => {
    const session = await createSession(deps, tx, user.id, meta);
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
    roles: await q.rolesOf(deps.db, s.user_id),
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

/** Sensitive actions (2FA changes, payout accounts, withdrawals) need a password proof within the last 10 minutes. */
export function requireRecentAuth(deps: Deps, auth: AuthContext, maxAgeMs = RECENT_AUTH_MS): void {
  if (deps.clock.now() - auth.reauthAt > maxAgeMs) {
    throw new AppError('REAUTH_REQUIRED', 'Confirm your password to continue', { maxAgeSeconds: maxAgeMs / 1000 });
  }
}

/** The user's email address, when one is on file: what other modules mail to. */
export async function emailOf(db: Executor, userId: string): Promise<string | null> {
  return (await q.findUserById(db, userId))?.email ?? null;
}

export async function reauthenticate(
  deps: Deps,
  auth: AuthContext,
  body: { password: string; totp?: string | undefined },
  meta: RequestMeta,
): Promise<{ reauthAt: number }> {
  await deps.limiter.consume(
    `reauth:user:${auth.userId}`,
    { max: 10, windowMs: 15 * MINUTE },
    'password confirmations',
  );
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user || !(await bcryptVerify(body.password, user.password_hash))) {
    throw new AppError('INVALID_CREDENTIALS', 'Wrong password');
  }
  if (user.totp_enabled_at !== null) {
    if (!body.totp) throw new AppError('TOTP_REQUIRED', 'Enter the code from your authenticator app');
    if (!(await checkSecondFactor(deps, user, body.totp)))
      throw new AppError('TOTP_INVALID', 'The authenticator code is wrong');
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await q.setSessionReauth(tx, auth.sessionId, now);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'auth.reauth',
      objectType: 'session',
      objectId: auth.sessionId,
      ip: meta.ip,
    });
  });
  return { reauthAt: now };
}

/** Changing the password ends every session, then signs this client in again with a fresh token. */
export async function changePassword(
  deps: Deps,
  auth: AuthContext,
  body: { currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<LoginResult> {
  await deps.limiter.consume(`chpw:user:${auth.userId}`, { max: 10, windowMs: 15 * MINUTE }, 'password changes');
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user || !(await bcryptVerify(body.currentPassword, user.password_hash))) {
    throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
  }
  const hash = await hashPassword(deps, body.newPassword, [user.email, user.phone]);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    await q.updateUser(tx, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
    await q.revokeAllSessions(tx, user.id, now);
    const session = await createSession(deps, tx, user.id, meta);
    await writeAudit(tx, deps, {
      actorId: user.id,
      action: 'auth.password_changed',
      objectType: 'user',
      objectId: user.id,
      ip: meta.ip,
    });
    return { ...session, user: toUserDto(user, await q.rolesOf(tx, user.id)) };
  });
}

export async function resetPassword(
  deps: Deps,
  body: { login: string; code: string; newPassword: string },
  meta: RequestMeta,
): Promise<void> {
  await deps.limiter.consume(`reset:ip:${meta.ip}`, { max: 20, windowMs: HOUR }, 'password resets');
  const parsed = parseLogin(body.login);
  if (parsed) requireChannel(deps, 'email' in parsed ? 'email' : 'sms');
  const user = parsed ? await q.findUserByLogin(deps.db, parsed) : undefined;
  const target = parsed ? ('email' in parsed ? parsed.email : parsed.phone) : '';
  if (!user) {
    throw new AppError('CODE_INVALID', 'The code is wrong or has expired; request a new one', {
      issues: [{ path: ['code'], message: 'wrong or expired' }],
    });
  }
  const hash = await hashPassword(deps, body.newPassword, [user.email, user.phone]);
  const now = deps.clock.now();
  await consumeCode(deps, target, 'reset', body.code);
  await deps.db.transaction().execute(async (tx) => {
    await q.updateUser(tx, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
    await q.revokeAllSessions(tx, user.id, now);
    await writeAudit(tx, deps, {
      actorId: user.id,
      action: 'auth.password_reset',
      objectType: 'user',
      objectId: user.id,
      ip: meta.ip,
    });
  });
}

// --- TOTP two-factor ---

export async function enrollTotp(deps: Deps, auth: AuthContext) {
  requireRecentAuth(deps, auth);
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  if (user.totp_enabled_at !== null)
    throw new AppError('CONFLICT', 'Two-factor sign-in is already on; turn it off first');
  const secret = new OTPAuth.Secret({ buffer: new Uint8Array(deps.random.bytes(20)).buffer });
  const totp = new OTPAuth.TOTP({
    issuer: 'Kameng',
    label: user.email ?? user.phone ?? user.id,
    secret,
    digits: 6,
    period: 30,
  });
  await q.updateUser(deps.db, user.id, {
    totp_secret_enc: encrypt(totpKey(deps), secret.base32, user.id),
    totp_last_step: null,
    updated_at: deps.clock.now(),
  });
  const otpauthUri = totp.toString();
  // loaded on the first 2FA set-up, not at start
  const { default: QRCode } = await import('qrcode');
  return { secret: secret.base32, otpauthUri, qrCodeDataUrl: await QRCode.toDataURL(otpauthUri) };
}

export async function confirmTotp(deps: Deps, auth: AuthContext, code: string, meta: RequestMeta) {
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user?.totp_secret_enc) throw new AppError('CONFLICT', 'Start enrolment first');
  if (user.totp_enabled_at !== null) throw new AppError('CONFLICT', 'Two-factor sign-in is already on');
  if (!(await checkSecondFactor(deps, user, code)))
    throw new AppError('TOTP_INVALID', 'The authenticator code is wrong');
  const now = deps.clock.now();
  const codes = Array.from({ length: 10 }, () => {
    const raw = deps.random.bytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  await deps.db.transaction().execute(async (tx) => {
    await q.updateUser(tx, user.id, { totp_enabled_at: now, updated_at: now });
    await q.replaceRecoveryCodes(
      tx,
      user.id,
      codes.map((c) => ({
        id: newId('rcv', deps.clock, deps.random),
        code_hash: sha256Hex(`recovery:${c.replace('-', '')}`),
      })),
      now,
    );
    await writeAudit(tx, deps, {
      actorId: user.id,
      action: 'auth.totp_enabled',
      objectType: 'user',
      objectId: user.id,
      ip: meta.ip,
    });
  });
  return { recoveryCodes: codes };
}

export async function disableTotp(
  deps: Deps,
  auth: AuthContext,
  body: { password: string; code: string },
  meta: RequestMeta,
) {
  await deps.limiter.consume(`totp-off:user:${auth.userId}`, { max: 10, windowMs: 15 * MINUTE }, 'attempts');
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user || user.totp_enabled_at === null) throw new AppError('CONFLICT', 'Two-factor sign-in is not on');
  // refused rather than leaving the roles unusable: a supplier or operator never runs without a second factor
  const keeps = auth.roles.filter((r) => TWO_FACTOR_ROLES.has(r));
  if (keeps.length > 0) {
    throw new AppError('FORBIDDEN', 'Suppliers and staff must keep two-factor sign-in on', {
      reason: 'role_requires_2fa',
      roles: keeps,
    });
  }
  if (!(await bcryptVerify(body.password, user.password_hash)))
    throw new AppError('INVALID_CREDENTIALS', 'Wrong password');
  if (!(await checkSecondFactor(deps, user, body.code)))
    throw new AppError('TOTP_INVALID', 'The authenticator code is wrong');
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await q.updateUser(tx, user.id, {
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      updated_at: now,
    });
    await q.replaceRecoveryCodes(tx, user.id, [], now);
    await writeAudit(tx, deps, {
      actorId: user.id,
      action: 'auth.totp_disabled',
      objectType: 'user',
      objectId: user.id,
      ip: meta.ip,
    });
  });
}

// --- supplier onboarding ---

function toApplicationDto(a: q.ApplicationRow) {
  return {
    id: a.id,
    userId: a.user_id,
    shopName: a.shop_name,
    contact: a.contact,
    realName: a.real_name,
    note: a.note,
    status: a.status,
    reason: a.reason,
    reviewedBy: a.reviewed_by,
    reviewedAt: a.reviewed_at,
    createdAt: a.created_at,
  };
}

export async function applyForSupplier(
  deps: Deps,
  auth: AuthContext,
  body: { shopName: string; contact: string; realName: string; note?: string | undefined },
  meta: RequestMeta,
) {
  if (auth.roles.includes('supplier')) throw new AppError('CONFLICT', 'You are already a supplier');
  const id = newId('sap', deps.clock, deps.random);
  const now = deps.clock.now();
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const row: q.ApplicationRow = {
        id,
        user_id: auth.userId,
        shop_name: body.shopName,
        contact: body.contact,
        real_name: body.realName,
        note: body.note ?? null,
        status: 'pending',
        reason: null,
        reviewed_by: null,
        reviewed_at: null,
        created_at: now,
      };
      await q.insertApplication(tx, row);
      await writeAudit(tx, deps, {
        actorId: auth.userId,
        action: 'supplier_application.submit',
        objectType: 'supplier_application',
        objectId: id,
        ip: meta.ip,
      });
      return toApplicationDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', 'You already have an application under review');
    throw err;
  }
}

export async function myApplications(deps: Deps, auth: AuthContext) {
  const { rows } = await q.listApplications(deps.db, { userId: auth.userId, limit: 50, offset: 0 });
  return rows.map(toApplicationDto);
}

export async function listApplicationsForReview(
  deps: Deps,
  f: { status?: 'pending' | 'approved' | 'rejected' | undefined; page: number; pageSize: number },
) {
  const { rows, total } = await q.listApplications(deps.db, {
    status: f.status,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return { items: rows.map(toApplicationDto), total };
}

export async function decideSupplierApplication(
  deps: Deps,
  auth: AuthContext,
  id: string,
  decision: { approve: true } | { approve: false; reason: string },
  meta: RequestMeta,
) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const app = await q.findApplication(tx, id);
    if (!app) throw new AppError('NOT_FOUND', 'No such application');
    const ok = await q.decideApplication(tx, id, {
      status: decision.approve ? 'approved' : 'rejected',
      reason: decision.approve ? null : decision.reason,
      reviewed_by: auth.userId,
      reviewed_at: now,
    });
    if (!ok) throw new AppError('CONFLICT', `This application was already ${app.status}`);
    if (decision.approve) await q.grantRole(tx, app.user_id, 'supplier', auth.userId, now);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: decision.approve ? 'supplier_application.approve' : 'supplier_application.reject',
      objectType: 'supplier_application',
      objectId: id,
      ip: meta.ip,
      details: decision.approve ? { userId: app.user_id } : { userId: app.user_id, reason: decision.reason },
    });
    return toApplicationDto((await q.findApplication(tx, id))!);
  });
}

// --- operator user management ---

export async function searchUsers(
  deps: Deps,
  f: {
    q?: string | undefined;
    role?: Role | undefined;
    status?: 'active' | 'frozen' | undefined;
    page: number;
    pageSize: number;
  },
) {
  const { rows, total } = await q.searchUsers(deps.db, { ...f, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
  const roles = await q.rolesOfMany(
    deps.db,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toUserDto(r, roles.get(r.id) ?? [])), total };
}

export async function getUser(deps: Deps, id: string) {
  const user = await q.findUserById(deps.db, id);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  return toUserDto(user, await q.rolesOf(deps.db, id));
}

/** Only an admin sets roles, and nobody changes their own. */
export async function setRoles(deps: Deps, auth: AuthContext, userId: string, roles: Role[], meta: RequestMeta) {
  if (userId === auth.userId) throw new AppError('FORBIDDEN', 'You cannot change your own roles');
  const now = deps.clock.now();
  const wanted = [...new Set<Role>(['buyer', ...roles])];
  return deps.db.transaction().execute(async (tx) => {
    const user = await q.findUserById(tx, userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    const before = await q.rolesOf(tx, userId);
    await q.revokeRolesExcept(tx, userId, wanted);
    for (const r of wanted) await q.grantRole(tx, userId, r, auth.userId, now);
    // a role change takes effect at once: the user signs in again with the new rights
    await q.revokeAllSessions(tx, userId, now);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'user.roles_set',
      objectType: 'user',
      objectId: userId,
      ip: meta.ip,
      details: { before, after: wanted },
    });
    return toUserDto(user, await q.rolesOf(tx, userId));
  });
}

export async function setUserStatus(
  deps: Deps,
  auth: AuthContext,
  userId: string,
  body: { status: 'active' | 'frozen'; reason: string },
  meta: RequestMeta,
) {
  if (userId === auth.userId) throw new AppError('FORBIDDEN', 'You cannot freeze your own account');
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const user = await q.findUserById(tx, userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    const targetRoles = await q.rolesOf(tx, userId);
    if (targetRoles.includes('admin') && !auth.roles.includes('admin')) {
      throw new AppError('FORBIDDEN', 'Only an admin may freeze an admin');
    }
    await q.updateUser(tx, userId, { status: body.status, updated_at: now });
    if (body.status === 'frozen') await q.revokeAllSessions(tx, userId, now);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: body.status === 'frozen' ? 'user.freeze' : 'user.unfreeze',
      objectType: 'user',
      objectId: userId,
      ip: meta.ip,
      details: { reason: body.reason },
    });
    return toUserDto((await q.findUserById(tx, userId))!, targetRoles);
  });
}

/** Creates the first admin on first start: from the environment, or with a random password printed once. */
export async function ensureBootstrapAdmin(
  deps: Deps,
): Promise<{ created: boolean; email?: string; password?: string }> {
  if (await q.anyUserWithRole(deps.db, 'admin')) return { created: false };
  const email = deps.config.adminEmail ?? 'admin@kameng.local';
  const generated = deps.config.adminPassword ? undefined : newToken(deps.random, 12);
  const password = deps.config.adminPassword ?? generated!;
  const hash = await bcryptHash(password, deps.config.bcryptCost);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    let user = await q.findUserByLogin(tx, { email });
    if (!user) {
      const id = newId('usr', deps.clock, deps.random);
      user = {
        id,
        email,
        phone: null,
        password_hash: hash,
        status: 'active',
        email_verified_at: now,
        phone_verified_at: null,
        totp_secret_enc: null,
        totp_enabled_at: null,
        totp_last_step: null,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      };
      await q.insertUser(tx, user);
    } else {
      await q.updateUser(tx, user.id, { password_hash: hash, password_changed_at: now, updated_at: now });
    }
    for (const r of ['buyer', 'operator', 'admin'] as const) await q.grantRole(tx, user.id, r, null, now);
    await writeAudit(tx, deps, {
      actorId: null,
      action: 'user.bootstrap_admin',
      objectType: 'user',
      objectId: user.id,
    });
  });
  return generated ? { created: true, email, password: generated } : { created: true, email };
}

/** New accounts per CST day over the last `days` days (operator dashboard). */
export async function signupsPerDay(deps: Deps, days: number): Promise<DailySignupsDto> {
  const range = lastCstDays(deps.clock.now(), days);
  return { items: fillDays(range, await q.signupsPerDay(deps.db, range.from, range.to), { users: 0 }) };
}
