/**
 * The second factor of sensitive actions (password change, payout-account change, a large withdrawal): per the
 * operators' rule `accounts.secondFactor`, a TOTP code, or an SMS code sent to the account's verified phone. A
 * re-authentication (POST /auth/reauth) records which factor it was given; a sensitive action then needs that
 * factor within the step-up window.
 */
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { maskPhone } from '../../platform/mask.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import * as q from './accounts.queries.ts';
import { checkSecondFactor } from './totp.ts';
import { consumeCode, issueCode, requireChannel } from './verification-codes.ts';

export type StepUpFactor = 'totp' | 'sms';

/** The factors this user may confirm a sensitive action with; empty when he has none (a password is all there is). */
export async function factorsFor(deps: Deps, user: q.UserRow): Promise<StepUpFactor[]> {
  const rule = await getSetting(deps.db, 'accounts.secondFactor');
  const totp = user.totp_enabled_at !== null;
  const sms =
    rule !== 'totp' && user.phone !== null && user.phone_verified_at !== null && (await deps.sender.reaches('sms'));
  if (rule === 'sms' && sms) return ['sms'];
  return [...(totp ? (['totp'] as const) : []), ...(sms ? (['sms'] as const) : [])];
}

/**
 * Checks the second factor given with a password confirmation; returns the factor that was proved ('password'
 * when the user has none). A missing factor answers which ones are accepted.
 */
export async function proveSecondFactor(
  deps: Deps,
  user: q.UserRow,
  body: { totp?: string | undefined; smsCode?: string | undefined },
): Promise<'password' | StepUpFactor> {
  const factors = await factorsFor(deps, user);
  if (factors.length === 0) return 'password';
  if (body.totp && factors.includes('totp')) {
    if (!(await checkSecondFactor(deps, user, body.totp))) {
      throw new AppError('TOTP_INVALID', 'The authenticator code is wrong');
    }
    return 'totp';
  }
  if (body.smsCode && factors.includes('sms')) {
    await consumeCode(deps, user.phone!, 'step_up', body.smsCode);
    return 'sms';
  }
  if (factors.includes('totp')) {
    throw new AppError('TOTP_REQUIRED', 'Enter the code from your authenticator app', { factors });
  }
  throw new AppError('TOTP_REQUIRED', 'Enter the code we text to your phone', {
    factors,
    phone: maskPhone(user.phone!),
  });
}

/** Texts a step-up code to the signed-in user's verified phone, when the rule lets SMS be his second factor. */
export async function sendStepUpCode(deps: Deps, auth: AuthContext, meta: RequestMeta) {
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  await requireChannel(deps, 'sms');
  if (!(await factorsFor(deps, user)).includes('sms')) {
    throw new AppError('INVALID_STATE', 'SMS is not a second factor for this account (no verified phone, or the rule)');
  }
  await deps.limiter.consume(`stepup:user:${user.id}`, { max: 1, windowMs: MINUTE }, 'codes');
  await deps.limiter.consume(`stepup:user-day:${user.id}`, { max: 10, windowMs: 24 * HOUR }, 'codes');
  await deps.limiter.consume(`code:ip:${meta.ip}`, { max: 20, windowMs: HOUR }, 'code requests');
  await issueCode(deps, 'sms', user.phone!, 'step_up');
  await writeAudit(deps.db, deps, {
    actorId: user.id,
    action: 'auth.step_up_code',
    objectType: 'user',
    objectId: user.id,
    ip: meta.ip,
  });
  return { sent: true as const, phone: maskPhone(user.phone!), expiresInSeconds: 300 };
}

/**
 * A sensitive action: the session confirmed its holder within the step-up window, with the second factor the
 * rule asks of him when he has one.
 */
export async function requireStepUp(deps: Deps, auth: AuthContext): Promise<void> {
  const windowMs = (await getSetting(deps.db, 'accounts.stepUpMinutes')) * MINUTE;
  const [session, user] = await Promise.all([
    q.sessionReauth(deps.db, auth.sessionId),
    q.findUserById(deps.db, auth.userId),
  ]);
  if (!session || !user) throw new AppError('UNAUTHENTICATED', 'Sign in again');
  const factors = await factorsFor(deps, user);
  const recent = deps.clock.now() - Number(session.reauth_at) <= windowMs;
  const proved = session.reauth_factor ?? 'password';
  if (!recent || (factors.length > 0 && !factors.includes(proved as StepUpFactor))) {
    throw new AppError('REAUTH_REQUIRED', 'Confirm your password and second factor to continue', {
      maxAgeSeconds: windowMs / 1000,
      factors,
    });
  }
}
