/**
 * What the scores cause, above the operators' thresholds: a buyer's new cases go straight to the platform
 * (so only an arbitrator can refund him); a supplier is warned, then has settlement delayed, then is taken
 * off sale. Every action is in the audit log and an operator can lift it; a lifted action comes back only
 * when the score has grown since.
 */
import type { BadFaithScore, StandingDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { HOUR } from '../../platform/rate-limit.ts';
import { getSetting } from '../../platform/settings.ts';
import { invalidateCatalogCache, putBackOnSale, takeSupplierOffSale } from '../catalog/catalog.service.ts';
import { createNotice } from '../notify/notify.service.ts';
import { deliveredOrderCount, sharedDevicesOf } from '../orders/orders.service.ts';
import { supplierKeyRecord } from '../vault/vault.service.ts';
import * as q from './standings.queries.ts';
import { scoreBuyer, scoreSupplier } from './disputes.scores.ts';
import type { StandingAction } from './disputes.tables.ts';

export async function buyerScore(db: Executor, buyerId: string): Promise<BadFaithScore> {
  const lateClaimHours = await getSetting(db, 'disputes.lateClaimHours');
  const [signals, orders, device] = await Promise.all([
    q.buyerSignals(db, buyerId, lateClaimHours * HOUR),
    deliveredOrderCount(db, { buyerId }),
    sharedDeviceClaims(db, buyerId),
  ]);
  return scoreBuyer({ ...signals, orders, lateClaimHours, ...device });
}

/**
 * Claims by other accounts on this buyer's devices: the keyed device hashes he ordered or opened cases
 * from, shared by accounts that ordered or opened cases from them too (one person, several accounts).
 */
async function sharedDeviceClaims(db: Executor, buyerId: string) {
  const { devices, otherBuyers } = await sharedDevicesOf(db, buyerId, await q.caseDevicesOf(db, buyerId));
  const claimers = await q.claimersOnDevices(db, devices, buyerId);
  const { accounts, claims } = await q.claimsOf(db, [...new Set([...otherBuyers, ...claimers])]);
  return { sharedDeviceBuyers: accounts, sharedDeviceClaims: claims };
}

export async function supplierScore(db: Executor, supplierId: string): Promise<BadFaithScore> {
  const [signals, keys, orders] = await Promise.all([
    q.supplierSignals(db, supplierId),
    supplierKeyRecord(db, supplierId),
    deliveredOrderCount(db, { supplierId }),
  ]);
  return scoreSupplier({ ...signals, ...keys, replacedAfterSale: signals.replaced, orders });
}

async function apply(
  tx: Executor,
  deps: Deps,
  userId: string,
  side: 'buyer' | 'supplier',
  action: StandingAction,
  s: BadFaithScore,
  undo: unknown = null,
): Promise<boolean> {
  const set = await q.setStanding(tx, {
    user_id: userId,
    action,
    side,
    score: s.score,
    reasons: JSON.stringify(s.reasons),
    undo: undo === null ? null : JSON.stringify(undo),
    set_at: deps.clock.now(),
    lifted_at: null,
    lifted_by: null,
  });
  if (set) {
    await writeAudit(tx, deps, {
      actorId: null,
      action: 'dispute.standing.set',
      objectType: 'user',
      objectId: userId,
      details: { action, score: s.score, reasons: s.reasons },
    });
  }
  return set;
}

/** Whether the buyer's new case goes straight to the platform; sets the fast track when his score calls for it. */
export async function buyerFastTracked(tx: Executor, deps: Deps, buyerId: string): Promise<boolean> {
  const s = await buyerScore(tx, buyerId);
  if (s.score >= (await getSetting(tx, 'disputes.buyerFastTrackScore'))) {
    await apply(tx, deps, buyerId, 'buyer', 'fast_track', s);
  }
  return q.inForce(tx, buyerId, 'fast_track');
}

const SUPPLIER_STEPS: [
  StandingAction,
  'disputes.supplierWarnScore' | 'disputes.supplierDelayScore' | 'disputes.supplierSuspendScore',
  string,
][] = [
  ['warned', 'disputes.supplierWarnScore', '售后警告 / After-sales warning'],
  ['settlement_delayed', 'disputes.supplierDelayScore', '结算已延后 / Settlement delayed'],
  ['suspended', 'disputes.supplierSuspendScore', '已暂停销售 / Suspended from sale'],
];

/** After a case ends: the supplier's score and the actions its thresholds call for, in their own transaction. */
export async function reviewSupplier(deps: Deps, supplierId: string): Promise<void> {
  const offSale = await deps.db.transaction().execute(async (tx) => {
    const s = await supplierScore(tx, supplierId);
    let changed = false;
    for (const [action, key, title] of SUPPLIER_STEPS) {
      if (s.score < (await getSetting(tx, key))) continue;
      if (await q.inForce(tx, supplierId, action)) continue;
      const undo = action === 'suspended' ? await takeSupplierOffSale(tx, supplierId, deps.clock.now()) : null;
      if (!(await apply(tx, deps, supplierId, 'supplier', action, s, undo))) {
        if (undo) await putBackOnSale(tx, undo, deps.clock.now());
        continue;
      }
      changed ||= action === 'suspended';
      await createNotice(tx, deps, {
        userId: supplierId,
        kind: 'dispute_standing',
        title,
        body: `${title}：售后评分 ${s.score}。\n${s.reasons.join('\n')}\nAn operator can lift it after review.`,
        link: '/supplier/disputes',
        email: true,
      });
    }
    return changed;
  });
  if (offSale) await invalidateCatalogCache(deps);
}

/** The settlementDelayed hook of orders: a supplier whose settlement is delayed keeps his escrow held. */
export async function settlementHeldFor(db: Executor, supplierId: string): Promise<boolean> {
  return q.inForce(db, supplierId, 'settlement_delayed');
}

/** The supplierSuspended hook of catalog: a supplier suspended from sale until an operator lifts it. */
export async function suspendedFromSale(db: Executor, supplierId: string): Promise<boolean> {
  return q.inForce(db, supplierId, 'suspended');
}

function toStanding(r: q.StandingRow): StandingDto {
  return {
    userId: r.user_id,
    side: r.side,
    action: r.action,
    score: r.score,
    reasons: JSON.parse(r.reasons) as string[],
    setAt: r.set_at,
    liftedAt: r.lifted_at,
    liftedBy: r.lifted_by,
  };
}

export async function standingsOf(db: Executor, userId: string): Promise<StandingDto[]> {
  return (await q.standingsOf(db, userId)).map(toStanding);
}

export async function userScores(deps: Deps, userId: string) {
  const [buyer, supplier, standings] = await Promise.all([
    buyerScore(deps.db, userId),
    supplierScore(deps.db, userId),
    standingsOf(deps.db, userId),
  ]);
  return { buyer, supplier, standings };
}

export async function listStandings(deps: Deps, f: { page: number; pageSize: number }) {
  const rows = await q.listStandings(deps.db, f.pageSize, (f.page - 1) * f.pageSize);
  return { items: rows.map(toStanding) };
}

/** An operator lifts an automatic action; a suspension puts back on sale what it took off. */
export async function liftStanding(
  deps: Deps,
  auth: AuthContext,
  userId: string,
  action: StandingAction,
  ip: string,
): Promise<StandingDto> {
  if (userId === auth.userId) throw new AppError('FORBIDDEN', 'Another operator lifts an action on your own account');
  const lifted = await deps.db.transaction().execute(async (tx) => {
    const row = await q.liftStanding(tx, userId, action, auth.userId, deps.clock.now());
    if (!row) throw new AppError('NOT_FOUND', 'No such action in force');
    if (action === 'suspended' && row.undo) await putBackOnSale(tx, JSON.parse(row.undo) as string[], deps.clock.now());
    await writeAudit(tx, deps, {
      actorId: auth.userId,
      action: 'dispute.standing.lift',
      objectType: 'user',
      objectId: userId,
      ip,
      details: { action },
    });
    return row;
  });
  if (action === 'suspended') await invalidateCatalogCache(deps);
  return toStanding({
    ...lifted,
    score: Number(lifted.score),
    set_at: Number(lifted.set_at),
    lifted_at: lifted.lifted_at === null ? null : Number(lifted.lifted_at),
  });
}
