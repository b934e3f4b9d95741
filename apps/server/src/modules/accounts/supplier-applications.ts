import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/dialect.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { RequestMeta } from '../../platform/http/route-helpers.ts';
import { maskContact, maskName } from '../../platform/mask.ts';
import * as q from './accounts.queries.ts';

// A buyer applies to become a supplier; an operator approves (granting the role) or rejects.

/** The applicant sees his own details; operators see the real name and contact masked until they reveal them. */
export function toApplicationDto(a: q.ApplicationRow, shown: 'owner' | 'masked' = 'masked') {
  return {
    id: a.id,
    userId: a.user_id,
    shopName: a.shop_name,
    contact: shown === 'owner' ? a.contact : maskContact(a.contact),
    realName: shown === 'owner' ? a.real_name : maskName(a.real_name),
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
      return toApplicationDto(row, 'owner');
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', 'You already have an application under review');
    throw err;
  }
}

export async function myApplications(deps: Deps, auth: AuthContext) {
  const { rows } = await q.listApplications(deps.db, { userId: auth.userId, limit: 50, offset: 0 });
  return rows.map((r) => toApplicationDto(r, 'owner'));
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
  return { items: rows.map((r) => toApplicationDto(r)), total };
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

/** The applicant's real name and contact in full, for an operator; every reveal is audited. */
export async function revealApplication(deps: Deps, auth: AuthContext, id: string, meta: RequestMeta) {
  const app = await q.findApplication(deps.db, id);
  if (!app) throw new AppError('NOT_FOUND', 'No such application');
  await writeAudit(deps.db, deps, {
    actorId: auth.userId,
    action: 'supplier_application.reveal',
    objectType: 'supplier_application',
    objectId: id,
    ip: meta.ip,
    details: { userId: app.user_id },
  });
  return { realName: app.real_name, contact: app.contact };
}
