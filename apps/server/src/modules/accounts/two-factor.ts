import * as OTPAuth from 'otpauth';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { encrypt, sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { type AuthContext, TWO_FACTOR_ROLES } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { MINUTE } from '../../platform/rate-limit.ts';
import * as q from './accounts.queries.ts';
import { passwordMatches } from './users.ts';
import { requireRecentAuth } from './sessions.ts';
import { checkSecondFactor, totpKey } from './totp.ts';

// Turning TOTP two-factor sign-in on and off, and the recovery codes that come with it.

export async function enrollTotp(deps: Deps, auth: AuthContext) {
  await requireRecentAuth(deps, auth);
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
    // the code just given proves the factor for this session's step-up window (opened by its password)
    await q.setSessionFactor(tx, auth.sessionId, 'totp');
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
  if (!(await passwordMatches(body.password, user.password_hash)))
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
