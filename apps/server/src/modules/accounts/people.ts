import type { UserDto } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import * as q from './accounts.queries.ts';
import { toUserDto } from './users.ts';

// What other modules show instead of an id: a person's email or phone, a supplier's shop name.

export interface Contact {
  email: string | null;
  phone: string | null;
}

export async function contactsOf(db: Executor, userIds: readonly string[]): Promise<Map<string, Contact>> {
  const rows = await q.contactsOfMany(db, [...new Set(userIds)]);
  return new Map(rows.map((r) => [r.id, { email: r.email, phone: r.phone }]));
}

/** Each supplier's shop name (the one of its latest approved application); a supplier without one is absent. */
export async function shopNamesOf(db: Executor, userIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await q.approvedShopNames(db, [...new Set(userIds)]);
  return new Map(rows.map((r) => [r.user_id, r.shop_name]));
}

/** The users whose email or phone contains `text` (at most `limit`), for searching lists by a person. */
export function usersByContact(db: Executor, text: string, limit = 200): Promise<string[]> {
  return q.userIdsByContact(db, text, limit);
}

/** The suppliers whose approved shop name contains `text` (at most `limit`), for searching lists by a shop. */
export function suppliersByShopName(db: Executor, text: string, limit = 200): Promise<string[]> {
  return q.supplierIdsByShopName(db, text, limit);
}

/** A shop as buyers see it: a supplier that still sells, under its shop name. */
export async function findShop(deps: Deps, id: string): Promise<{ id: string; name: string }> {
  const roles = await q.rolesOf(deps.readDb, id);
  const name = roles.includes('supplier') ? (await shopNamesOf(deps.readDb, [id])).get(id) : undefined;
  if (!name) throw new AppError('NOT_FOUND', 'No such shop');
  return { id, name };
}

/** Who is signed in, or null: what a page asks first, without an error for a visitor. */
export async function sessionUser(deps: Deps, auth: AuthContext | null): Promise<UserDto | null> {
  if (!auth) return null;
  const user = await q.findUserById(deps.db, auth.userId);
  return user ? toUserDto(user, auth.roles) : null;
}

/** The user whose email or phone (+86 accepted) is exactly `login`, or null: for granting one buyer something. */
export async function userIdByEmailOrPhone(db: Executor, login: string): Promise<string | null> {
  const text = login.trim();
  const user = text.includes('@')
    ? await q.findUserByLogin(db, { email: text.toLowerCase() })
    : await q.findUserByLogin(db, { phone: text.replace(/^(\+?86)(?=1\d{10}$)/, '') });
  return user?.id ?? null;
}
