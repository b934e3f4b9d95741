import { hash as bcryptHash } from '@node-rs/bcrypt';
import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { HOUR, MINUTE } from '../../platform/rate-limit.ts';
import * as q from './accounts.queries.ts';
import { isCommonPassword } from './common-passwords.ts';
import { createSession, type LoginResult } from './sessions.ts';
import { factorsFor, proveSecondFactor, requireStepUp } from './step-up.ts';
import { parseLogin, passwordMatches, toUserDto } from './users.ts';
import { consumeCode, requireChannel } from './verification-codes.ts';

// The password rules (PROMISES.md #24), changing a password and resetting it with a code.

export async function hashPassword(deps: Deps, password: string, context: (string | null)[]): Promise<string> {
  if (isCommonPassword(password, context)) {
    throw new AppError('WEAK_PASSWORD', 'This password is too common or too easy to guess; choose another', {
      issues: [{ path: ['password'], message: 'too common' }],
    });
  }
  return bcryptHash(password, deps.config.bcryptCost);
}

/** Changing the password ends every session, then signs this client in again with a fresh token. */
export async function changePassword(
  deps: Deps,
  auth: AuthContext,
  body: { currentPassword: string; newPassword: string; totp?: string | undefined; smsCode?: string | undefined },
  meta: RequestMeta,
): Promise<LoginResult> {
  await deps.limiter.consume(`chpw:user:${auth.userId}`, { max: 10, windowMs: 15 * MINUTE }, 'password changes');
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user || !(await passwordMatches(body.currentPassword, user.password_hash))) {
    throw new AppError('INVALID_CREDENTIALS', 'The current password is wrong');
  }
  // the second factor: given here, or confirmed within the step-up window (a sign-in with it counts)
  if (body.totp || body.smsCode || (await factorsFor(deps, user)).length === 0)
    await proveSecondFactor(deps, user, body);
  else await requireStepUp(deps, auth);
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
  if (parsed) await requireChannel(deps, 'email' in parsed ? 'email' : 'sms');
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
