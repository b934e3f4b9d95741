import { writeAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getUser, type RequestMeta } from '../accounts/accounts.service.ts';
import { categoryPath } from '../catalog/catalog.service.ts';
import * as q from './ledger.queries.ts';
import type { CommissionScope } from './ledger.tables.ts';

// The platform's commission: splitting a sale, finding the rate that applies, and operators setting rates.

export const DEFAULT_COMMISSION_BPS = 500;
export const MAX_COMMISSION_BPS = 5000;

/**
 * Splits a sale into the platform's commission and the supplier's share. The commission is
 * `amount × bps / 10000` rounded half-up to the fen (exactly, in bigint arithmetic); the supplier
 * gets the rest, so the two always add up to the amount.
 */
export function splitCommission(
  amountCents: number,
  bps: number,
): { commissionCents: number; supplierShareCents: number } {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) throw new RangeError(`amount ${amountCents}`);
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new RangeError(`rate ${bps} bps`);
  const commissionCents = Number((BigInt(amountCents) * BigInt(bps) + 5_000n) / 10_000n);
  return { commissionCents, supplierShareCents: amountCents - commissionCents };
}

/** The supplier's own rate, else the nearest category's (categoryIds nearest first), else the platform's (default 5%). */
export async function commissionRateBps(
  db: Executor,
  p: { supplierId: string; categoryIds: string[] },
): Promise<number> {
  const rows = await q.ratesFor(db, p.supplierId, p.categoryIds);
  const find = (scope: CommissionScope, id: string) => rows.find((r) => r.scope === scope && r.scope_id === id);
  const supplier = find('supplier', p.supplierId);
  if (supplier) return supplier.rate_bps;
  for (const id of p.categoryIds) {
    const category = find('category', id);
    if (category) return category.rate_bps;
  }
  return find('platform', '')?.rate_bps ?? DEFAULT_COMMISSION_BPS;
}

function toRateDto(r: q.CommissionRateRow) {
  return {
    scope: r.scope,
    scopeId: r.scope === 'platform' ? null : r.scope_id,
    rateBps: r.rate_bps,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

export async function listCommissionRates(deps: Deps) {
  return { defaultRateBps: DEFAULT_COMMISSION_BPS, items: (await q.listRates(deps.db)).map(toRateDto) };
}

async function checkRateScope(deps: Deps, scope: CommissionScope, scopeId: string): Promise<void> {
  if (scope === 'supplier') {
    const user = await getUser(deps, scopeId).catch(() => null);
    if (!user?.roles.includes('supplier')) throw new AppError('NOT_FOUND', 'No such supplier');
  } else if (scope === 'category') {
    if ((await categoryPath(deps.db, scopeId)).length === 0) throw new AppError('NOT_FOUND', 'No such category');
  }
}

export async function setCommissionRate(
  deps: Deps,
  auth: AuthContext,
  body: { scope: CommissionScope; scopeId?: string | undefined; rateBps: number },
  meta: RequestMeta,
) {
  const scopeId = body.scope === 'platform' ? '' : (body.scopeId ?? '');
  await checkRateScope(deps, body.scope, scopeId);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (tx) => {
    const before = await q.findRate(tx, body.scope, scopeId);
    const row = {
      scope: body.scope,
      scope_id: scopeId,
      rate_bps: body.rateBps,
      updated_by: auth.userId,
      updated_at: now,
    };
    await q.upsertRate(tx, row);
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'commission_rate.set',
      objectType: 'commission_rate',
      objectId: `${body.scope}:${scopeId}`,
      ip: meta.ip,
      details: { before: before?.rate_bps ?? null, after: body.rateBps },
    });
    return toRateDto(row);
  });
}

export async function deleteCommissionRate(
  deps: Deps,
  auth: AuthContext,
  scope: 'category' | 'supplier',
  scopeId: string,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const before = await q.findRate(tx, scope, scopeId);
    if (!before || !(await q.deleteRate(tx, scope, scopeId))) throw new AppError('NOT_FOUND', 'No such rate');
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'commission_rate.delete',
      objectType: 'commission_rate',
      objectId: `${scope}:${scopeId}`,
      ip: meta.ip,
      details: { before: before.rate_bps },
    });
  });
}
