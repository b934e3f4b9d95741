import type { DailySignupsDto, Role, UserDto } from '@kameng/contracts';
import { verify as bcryptVerify } from '@node-rs/bcrypt';
import { writeAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import { fillDays, lastCstDays } from '../../platform/days.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { maskPhone } from '../../platform/mask.ts';
import * as q from './accounts.queries.ts';

// Who a user is (the view every answer shows, the login typed at the box) and what operators do to users.

type Login = { email: string } | { phone: string };

/** An identifier typed at the login box: an email if it has an @, otherwise a mainland mobile number. */
/** An account made by a third-party sign-in has no password ('' ): nothing matches it. */
export async function passwordMatches(password: string, hash: string): Promise<boolean> {
  return hash !== '' && bcryptVerify(password, hash);
}

export function parseLogin(raw: string): Login | null {
  const s = raw.trim();
  if (s.includes('@')) return { email: s.toLowerCase() };
  const phone = s.replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(phone) ? { phone } : null;
}

/**
 * The user sees himself whole; operators see the phone number masked (PIPL: it reaches a person wherever he is)
 * and reveal it by an audited call. Email stays whole for operators: it is how they find accounts and orders.
 */
export function toUserDto(u: q.UserRow, roles: Role[], shown: 'owner' | 'operator' = 'owner'): UserDto {
  return {
    id: u.id,
    email: u.email,
    phone: u.phone === null || shown === 'owner' ? u.phone : maskPhone(u.phone),
    roles,
    status: u.status,
    emailVerified: u.email_verified_at !== null,
    phoneVerified: u.phone_verified_at !== null,
    totpEnabled: u.totp_enabled_at !== null,
    createdAt: u.created_at,
  };
}

/** The user's email address, when one is on file: what other modules mail to. */
export async function emailOf(db: Executor, userId: string): Promise<string | null> {
  return (await q.findUserById(db, userId))?.email ?? null;
}

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
  return { items: rows.map((r) => toUserDto(r, roles.get(r.id) ?? [], 'operator')), total };
}

export async function getUser(deps: Deps, id: string) {
  const user = await q.findUserById(deps.db, id);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  return toUserDto(user, await q.rolesOf(deps.db, id), 'operator');
}

/** A user's email and phone in full, for an operator; every reveal is audited. */
export async function revealUserContact(deps: Deps, auth: AuthContext, id: string, meta: RequestMeta) {
  const user = await q.findUserById(deps.db, id);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'user.contact_reveal',
    objectType: 'user',
    objectId: id,
    ip: meta.ip,
  });
  return { email: user.email, phone: user.phone };
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
    return toUserDto(user, await q.rolesOf(tx, userId), 'operator');
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
    return toUserDto((await q.findUserById(tx, userId))!, targetRoles, 'operator');
  });
}

/** New accounts per CST day over the last `days` days (operator dashboard). */
export async function signupsPerDay(deps: Deps, days: number): Promise<DailySignupsDto> {
  const range = lastCstDays(deps.clock.now(), days);
  return { items: fillDays(range, await q.signupsPerDay(deps.db, range.from, range.to), { users: 0 }) };
}
