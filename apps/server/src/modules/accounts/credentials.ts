/**
 * An account made by WeChat or QQ sign-in has neither an email, a phone nor a password: from the security page its
 * owner adds an email or a phone (proved by the code sent to it) and a password, so he can sign in without the
 * third party and unbind it later.
 */
import type { UserDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import * as q from './accounts.queries.ts';
import { hashPassword } from './passwords.ts';
import { requireRecentAuth } from './sessions.ts';
import { toUserDto } from './users.ts';
import { consumeCode } from './verification-codes.ts';

export async function addSignInCredentials(
  deps: Deps,
  auth: AuthContext,
  body: { email?: string | undefined; phone?: string | undefined; code: string; password?: string | undefined },
  meta: RequestMeta,
): Promise<UserDto> {
  await deps.limiter.consume(`credentials:user:${auth.userId}`, { max: 20, windowMs: HOUR }, 'attempts');
  await requireRecentAuth(deps, auth);
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  const kind = body.email ? 'email' : 'phone';
  const target = body.email ?? body.phone ?? '';
  if (user[kind] !== null) {
    throw new AppError(
      'CONFLICT',
      `Your account already has ${kind === 'email' ? 'an email' : 'a phone'}; it is changed elsewhere`,
    );
  }
  const hasPassword = user.password_hash !== '';
  if (!hasPassword && !body.password) {
    throw new AppError('VALIDATION_FAILED', 'Choose a password to sign in with', {
      issues: [{ path: ['password'], message: 'required' }],
    });
  }
  if (hasPassword && body.password) {
    throw new AppError('VALIDATION_FAILED', 'Your account has a password; change it under 修改密码', {
      issues: [{ path: ['password'], message: 'already set' }],
    });
  }
  const hash = body.password ? await hashPassword(deps, body.password, [user.email, user.phone, target]) : undefined;
  await consumeCode(deps, target, 'verify', body.code);
  const now = deps.clock.now();
  try {
    return await deps.db.transaction().execute(async (tx) => {
      await q.updateUser(tx, user.id, {
        ...(kind === 'email' ? { email: target, email_verified_at: now } : { phone: target, phone_verified_at: now }),
        ...(hash ? { password_hash: hash, password_changed_at: now } : {}),
        updated_at: now,
      });
      await writeAudit(tx, deps, {
        actorId: user.id,
        action: 'user.credentials_added',
        objectType: 'user',
        objectId: user.id,
        ip: meta.ip,
        details: { kind, password: Boolean(hash) },
      });
      return toUserDto((await q.findUserById(tx, user.id))!, await q.rolesOf(tx, user.id));
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('ALREADY_EXISTS', `This ${kind} belongs to another account`);
    throw err;
  }
}
