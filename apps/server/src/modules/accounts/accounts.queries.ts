import type { Role } from '@kameng/contracts';
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import { cstDayOf } from '../../platform/days.ts';
import type {
  AccountClosuresTable,
  CodePurpose,
  OauthAppsTable,
  OauthIdentitiesTable,
  OauthStatesTable,
  SessionsTable,
  SupplierApplicationsTable,
  UsersTable,
} from './accounts.tables.ts';

export type UserRow = UsersTable;

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByLogin(
  db: Executor,
  login: { email: string } | { phone: string },
): Promise<UserRow | undefined> {
  const q = db.selectFrom('users').selectAll();
  return (
    'email' in login ? q.where('email', '=', login.email) : q.where('phone', '=', login.phone)
  ).executeTakeFirst();
}

export async function insertUser(db: Executor, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUser(db: Executor, id: string, patch: Partial<Omit<UserRow, 'id'>>): Promise<number> {
  const r = await db.updateTable('users').set(patch).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function rolesOf(db: Executor, userId: string): Promise<Role[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).orderBy('role').execute();
  return rows.map((r) => r.role);
}

export async function rolesOfMany(db: Executor, userIds: string[]): Promise<Map<string, Role[]>> {
  const out = new Map<string, Role[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('user_roles')
    .select(['user_id', 'role'])
    .where('user_id', 'in', userIds)
    .orderBy('role')
    .execute();
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.role]);
  return out;
}

export async function grantRole(db: Executor, userId: string, role: Role, by: string | null, now: number) {
  await db
    .insertInto('user_roles')
    .values({ user_id: userId, role, granted_at: now, granted_by: by })
    .onConflict((oc) => oc.columns(['user_id', 'role']).doNothing())
    .execute();
}

export async function revokeRolesExcept(db: Executor, userId: string, keep: Role[]) {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).where('role', 'not in', keep).execute();
}

export async function anyUserWithRole(db: Executor, role: Role): Promise<boolean> {
  const r = await db.selectFrom('user_roles').select('user_id').where('role', '=', role).limit(1).executeTakeFirst();
  return r !== undefined;
}

export interface SearchUsersFilter {
  q?: string | undefined;
  role?: Role | undefined;
  status?: 'active' | 'frozen' | undefined;
  limit: number;
  offset: number;
}

export async function searchUsers(db: Executor, f: SearchUsersFilter): Promise<{ rows: UserRow[]; total: number }> {
  let q = db.selectFrom('users');
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb('users.id', '=', f.q as string),
        eb('users.email', 'like', eb.val(like)),
        eb('users.phone', 'like', eb.val(like)),
      ]),
    );
  }
  if (f.status) q = q.where('users.status', '=', f.status);
  if (f.role) {
    const role = f.role;
    q = q.where('users.id', 'in', (eb) => eb.selectFrom('user_roles').select('user_id').where('role', '=', role));
  }
  const [rows, count] = await Promise.all([
    q.selectAll('users').orderBy('users.created_at', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

// sessions

export async function insertSession(db: Executor, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The session a token names, with its user's roles (one query: every signed-in request asks this). */
export async function findActiveSession(db: Executor, tokenHash: string, now: number) {
  const roles =
    dialectOf(db) === 'postgres'
      ? sql<string | null>`(select string_agg(r.role, ',') from user_roles r where r.user_id = sessions.user_id)`
      : sql<string | null>`(select group_concat(r.role, ',') from user_roles r where r.user_id = sessions.user_id)`;
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.user_id',
      'sessions.reauth_at',
      'sessions.last_seen_at',
      'users.totp_enabled_at',
      roles.as('roles'),
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .where('users.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return undefined;
  const { roles: list, ...session } = row;
  return { ...session, roles: (list ? (list.split(',') as Role[]) : []).sort() };
}

export async function touchSession(db: Executor, id: string, now: number) {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function setSessionReauth(
  db: Executor,
  id: string,
  now: number,
  factor: 'password' | 'totp' | 'sms' | 'oauth',
) {
  await db
    .updateTable('sessions')
    .set({ reauth_at: now, reauth_factor: factor, last_seen_at: now })
    .where('id', '=', id)
    .execute();
}

/** The session proved a second factor without a new password confirmation: its step-up window stays as it was. */
export async function setSessionFactor(db: Executor, id: string, factor: 'totp' | 'sms') {
  await db.updateTable('sessions').set({ reauth_factor: factor }).where('id', '=', id).execute();
}

export async function sessionReauth(db: Executor, id: string) {
  return db.selectFrom('sessions').select(['reauth_at', 'reauth_factor']).where('id', '=', id).executeTakeFirst();
}

export async function listSessions(db: Executor, userId: string, now: number) {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function revokeSession(db: Executor, userId: string, sessionId: string, now: number): Promise<number> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function revokeAllSessions(db: Executor, userId: string, now: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

// verification codes

export async function invalidateCodes(db: Executor, target: string, purpose: CodePurpose, now: number) {
  await db
    .updateTable('verification_codes')
    .set({ consumed_at: now })
    .where('target', '=', target)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .execute();
}

export async function insertCode(
  db: Executor,
  row: {
    id: string;
    purpose: CodePurpose;
    channel: 'email' | 'sms';
    target: string;
    code_hash: string;
    expires_at: number;
    created_at: number;
  },
) {
  await db
    .insertInto('verification_codes')
    .values({ ...row, attempts: 0, consumed_at: null })
    .execute();
}

export async function findLiveCode(db: Executor, target: string, purpose: CodePurpose, now: number) {
  return db
    .selectFrom('verification_codes')
    .selectAll()
    .where('target', '=', target)
    .where('purpose', '=', purpose)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function bumpCodeAttempts(db: Executor, id: string) {
  await db
    .updateTable('verification_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

/** Marks the code used; returns false when another request consumed it first. */
export async function consumeCodeRow(db: Executor, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('verification_codes')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// recovery codes

export async function replaceRecoveryCodes(
  db: Executor,
  userId: string,
  rows: { id: string; code_hash: string }[],
  now: number,
) {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (rows.length === 0) return;
  await db
    .insertInto('recovery_codes')
    .values(rows.map((r) => ({ ...r, user_id: userId, used_at: null, created_at: now })))
    .execute();
}

export async function useRecoveryCode(db: Executor, userId: string, codeHash: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Moves the last accepted TOTP step forward only; a replayed code finds no row to update. */
export async function advanceTotpStep(db: Executor, userId: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// supplier applications

export type ApplicationRow = SupplierApplicationsTable;

export async function insertApplication(db: Executor, row: ApplicationRow) {
  await db.insertInto('supplier_applications').values(row).execute();
}

export async function findApplication(db: Executor, id: string) {
  return db.selectFrom('supplier_applications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApplications(
  db: Executor,
  f: { userId?: string; status?: ApplicationRow['status'] | undefined; limit: number; offset: number },
) {
  let q = db.selectFrom('supplier_applications');
  if (f.userId) q = q.where('user_id', '=', f.userId);
  if (f.status) q = q.where('status', '=', f.status);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Decides a pending application; returns false if it was no longer pending. */
export async function decideApplication(
  db: Executor,
  id: string,
  patch: { status: 'approved' | 'rejected'; reason: string | null; reviewed_by: string; reviewed_at: number },
): Promise<boolean> {
  const r = await db
    .updateTable('supplier_applications')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Accounts registered in [from, to), per CST day. */
export async function signupsPerDay(db: Executor, from: number, to: number): Promise<{ day: number; users: number }[]> {
  const day = cstDayOf(sql.ref('created_at'));
  const rows = await db
    .selectFrom('users')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .select((eb) => [day.as('day'), eb.fn.countAll<number>().as('users')])
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ day: Number(r.day), users: Number(r.users) }));
}

// ─── third-party sign-in ───

export async function findOauthApp(db: Executor, provider: string) {
  return db.selectFrom('oauth_apps').selectAll().where('provider', '=', provider).executeTakeFirst();
}

export async function listOauthApps(db: Executor) {
  return db.selectFrom('oauth_apps').selectAll().execute();
}

export async function upsertOauthApp(db: Executor, row: OauthAppsTable): Promise<void> {
  const { provider: _p, created_at: _c, ...changes } = row;
  await db
    .insertInto('oauth_apps')
    .values(row)
    .onConflict((oc) => oc.column('provider').doUpdateSet(changes))
    .execute();
}

export async function insertOauthState(db: Executor, row: OauthStatesTable): Promise<void> {
  await db.insertInto('oauth_states').values(row).execute();
}

/** Spends a state once: the row, if it was live and unspent; a second caller gets nothing. */
export async function spendOauthState(db: Executor, stateHash: string, now: number) {
  const r = await db
    .updateTable('oauth_states')
    .set({ used_at: now })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  return db.selectFrom('oauth_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
}

export async function deleteExpiredOauthStates(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('oauth_states').where('expires_at', '<', now).execute();
}

export async function findIdentity(db: Executor, provider: string, openid: string, unionid: string | null) {
  const byOpenid = await db
    .selectFrom('oauth_identities')
    .selectAll()
    .where('provider', '=', provider as OauthIdentitiesTable['provider'])
    .where('openid', '=', openid)
    .executeTakeFirst();
  if (byOpenid || !unionid) return byOpenid;
  return db
    .selectFrom('oauth_identities')
    .selectAll()
    .where('provider', '=', provider as OauthIdentitiesTable['provider'])
    .where('unionid', '=', unionid)
    .executeTakeFirst();
}

export async function insertIdentity(db: Executor, row: OauthIdentitiesTable): Promise<void> {
  await db.insertInto('oauth_identities').values(row).execute();
}

export async function identitiesOf(db: Executor, userId: string) {
  return db.selectFrom('oauth_identities').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function deleteIdentity(db: Executor, userId: string, provider: string): Promise<number> {
  const r = await db
    .deleteFrom('oauth_identities')
    .where('user_id', '=', userId)
    .where('provider', '=', provider as OauthIdentitiesTable['provider'])
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
export type OauthAppRow = OauthAppsTable;

// ─── personal data ───

export async function applicationsOf(db: Executor, userId: string) {
  return db.selectFrom('supplier_applications').selectAll().where('user_id', '=', userId).execute();
}

/** What a closed account leaves nowhere: codes sent to its addresses, identities, recovery codes, sign-ins. */
export async function eraseSignInTraces(db: Executor, userId: string, targets: string[]): Promise<void> {
  if (targets.length > 0) await db.deleteFrom('verification_codes').where('target', 'in', targets).execute();
  await db.deleteFrom('oauth_identities').where('user_id', '=', userId).execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('oauth_states').where('user_id', '=', userId).execute();
}

export async function insertClosure(db: Executor, row: AccountClosuresTable): Promise<void> {
  await db.insertInto('account_closures').values(row).execute();
}

// names other modules show instead of ids

export async function contactsOfMany(
  db: Executor,
  ids: string[],
): Promise<{ id: string; email: string | null; phone: string | null }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('users').select(['id', 'email', 'phone']).where('id', 'in', ids).execute();
}

/** The shop names of approved applications, oldest decision first (a later approval renames the shop). */
export async function approvedShopNames(
  db: Executor,
  userIds: string[],
): Promise<{ user_id: string; shop_name: string }[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('supplier_applications')
    .select(['user_id', 'shop_name'])
    .where('user_id', 'in', userIds)
    .where('status', '=', 'approved')
    .orderBy('reviewed_at')
    .execute();
}

export async function supplierIdsByShopName(db: Executor, text: string, limit: number): Promise<string[]> {
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .selectFrom('supplier_applications')
    .select('user_id')
    .distinct()
    .where('status', '=', 'approved')
    .where('shop_name', 'like', like)
    .limit(limit)
    .execute();
  return rows.map((r) => r.user_id);
}

export async function userIdsByContact(db: Executor, text: string, limit: number): Promise<string[]> {
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb.or([eb('email', 'like', eb.val(like)), eb('phone', 'like', eb.val(like))]))
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

// ─── master-key rotation ───

export function sealedTotpSecrets(db: Executor) {
  return db
    .selectFrom('users')
    .select(['id', 'totp_secret_enc'])
    .where('totp_secret_enc', 'is not', null)
    .orderBy('id')
    .execute();
}

export async function setTotpSecret(db: Executor, id: string, sealed: string): Promise<void> {
  await db.updateTable('users').set({ totp_secret_enc: sealed }).where('id', '=', id).execute();
}

export function sealedOauthApps(db: Executor) {
  return db.selectFrom('oauth_apps').select(['provider', 'secrets_enc']).where('secrets_enc', 'is not', null).execute();
}

export async function setOauthAppSecrets(db: Executor, provider: string, sealed: string): Promise<void> {
  await db.updateTable('oauth_apps').set({ secrets_enc: sealed }).where('provider', '=', provider).execute();
}
