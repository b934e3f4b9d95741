import { writeAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { TWO_FACTOR_ROLES, type AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { accountClosing, personalDataSection } from './accounts.hooks.ts';
import * as q from './accounts.queries.ts';
import { requireRecentAuth } from './sessions.ts';
import { toApplicationDto } from './supplier-applications.ts';

// A user's rights over his personal information (PIPL 第四十四条–第四十七条): a copy of it (JSON), and
// closing the account — personal fields blanked, while what the ledger and the law need stays: the users
// row and its id (orders, payments and every ledger posting point at it), and the audit log.

/** Everything Kameng keeps about the signed-in user, as JSON. */
export async function exportMyData(deps: Deps, auth: AuthContext): Promise<Record<string, unknown>> {
  await deps.limiter.consume(`export:user:${auth.userId}`, { max: 10, windowMs: HOUR }, 'data exports');
  const user = await q.findUserById(deps.db, auth.userId);
  if (!user) throw new AppError('NOT_FOUND', 'No such user');
  const [roles, sessions, identities, applications] = await Promise.all([
    q.rolesOf(deps.db, user.id),
    q.listSessions(deps.db, user.id, deps.clock.now()),
    q.identitiesOf(deps.db, user.id),
    q.applicationsOf(deps.db, user.id),
  ]);
  const sections: Record<string, unknown> = {};
  for (const key of deps.hooks.keys(personalDataSection)) {
    sections[key] = await deps.hooks.get(personalDataSection, key)(deps, auth);
  }
  return {
    exportedAt: deps.clock.now(),
    account: {
      id: user.id,
      email: user.email,
      phone: user.phone,
      emailVerifiedAt: user.email_verified_at,
      phoneVerifiedAt: user.phone_verified_at,
      twoFactorEnabled: user.totp_enabled_at !== null,
      status: user.status,
      createdAt: user.created_at,
      roles,
    },
    sessions: sessions.map((s) => ({
      createdAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      ip: s.ip,
      userAgent: s.user_agent,
    })),
    thirdPartyIdentities: identities.map((i) => ({
      provider: i.provider,
      nickname: i.nickname,
      createdAt: i.created_at,
    })),
    supplierApplications: applications.map((a) => toApplicationDto(a, 'owner')),
    ...sections,
  };
}

/**
 * Closes the signed-in account (after the password was confirmed again): blanks email, phone, password and
 * second factor, ends every session, drops third-party identities and codes, and lets the other modules
 * refuse or blank theirs. The row and its id stay, so the book and the orders stay whole.
 */
export async function closeMyAccount(deps: Deps, auth: AuthContext, meta: RequestMeta): Promise<{ closed: true }> {
  // a supplier's or staff member's records answer to the platform (and the law) first
  if (auth.roles.some((r) => TWO_FACTOR_ROLES.has(r))) {
    throw new AppError('UNPROCESSABLE', 'Suppliers and staff close their accounts through the platform', {
      reason: 'role_requires_review',
    });
  }
  await requireRecentAuth(deps, auth);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const user = await q.findUserById(tx, auth.userId);
    if (!user) throw new AppError('NOT_FOUND', 'No such user');
    await deps.hooks.emit(accountClosing, tx, deps, user.id);
    const targets = [user.email, user.phone].filter((v): v is string => v !== null);
    await q.eraseSignInTraces(tx, user.id, targets);
    await q.updateUser(tx, user.id, {
      email: null,
      phone: null,
      password_hash: '',
      email_verified_at: null,
      phone_verified_at: null,
      totp_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      status: 'frozen',
      updated_at: now,
    });
    await q.revokeAllSessions(tx, user.id, now);
    await q.insertClosure(tx, { user_id: user.id, closed_at: now, ip: meta.ip });
    await writeAudit(tx, deps, {
      actorId: user.id,
      action: 'user.close',
      objectType: 'user',
      objectId: user.id,
      ip: meta.ip,
    });
  });
  return { closed: true };
}
