import type { UserDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import * as q from './accounts.queries.ts';
import { hashPassword } from './passwords.ts';
import { toUserDto } from './users.ts';
import { consumeCode, requireChannel } from './verification-codes.ts';

// Signing up, and verifying the email or phone on an account with a code.

export async function register(
  deps: Deps,
  body: { email?: string | undefined; phone?: string | undefined; password: string; code?: string | undefined },
  meta: RequestMeta,
): Promise<UserDto> {
  // a phone account needs SMS for its codes (verification, password reset), so it waits for a provider
  if (body.phone !== undefined) await requireChannel(deps, 'sms');
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
