/** The bad-faith signals gathered from cases, and the standing actions taken on them. */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { num } from './disputes.queries.ts';
import type { DisputeStandingsTable } from './disputes.tables.ts';

// ─── bad-faith signals ───

export interface BuyerSignals {
  opened: number;
  lost: number;
  lateClaims: number;
  /** other buyers who opened cases from an address this buyer opened one from */
  sharedIpBuyers: number;
}

export async function buyerSignals(db: Executor, buyerId: string, lateClaimMs: number): Promise<BuyerSignals> {
  const r = await db
    .selectFrom('disputes')
    .select([
      (eb) => eb.fn.countAll<number>().as('opened'),
      sql<number>`sum(case when status = 'rejected' or (status = 'closed' and answer_action = 'reject') then 1 else 0 end)`.as(
        'lost',
      ),
      sql<number>`sum(case when claimed_revealed_at is not null and created_at - claimed_revealed_at > ${lateClaimMs} then 1 else 0 end)`.as(
        'late',
      ),
    ])
    .where('buyer_id', '=', buyerId)
    .executeTakeFirstOrThrow();
  const shared = await db
    .selectFrom('disputes as o')
    .select(sql<number>`count(distinct o.buyer_id)`.as('n'))
    .where('o.buyer_id', '<>', buyerId)
    .where('o.opened_ip', 'in', (eb) =>
      eb.selectFrom('disputes').select('opened_ip').where('buyer_id', '=', buyerId).where('opened_ip', 'is not', null),
    )
    .executeTakeFirstOrThrow();
  return { opened: num(r.opened), lost: num(r.lost), lateClaims: num(r.late), sharedIpBuyers: num(shared.n) };
}

/** The devices (keyed hashes) a buyer opened cases from. */
export async function caseDevicesOf(db: Executor, buyerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('disputes')
    .select('opened_device')
    .distinct()
    .where('buyer_id', '=', buyerId)
    .where('opened_device', 'is not', null)
    .limit(50)
    .execute();
  return rows.map((r) => r.opened_device as string);
}

/** Other buyers who opened cases from any of `devices`. */
export async function claimersOnDevices(db: Executor, devices: string[], except: string): Promise<string[]> {
  if (devices.length === 0) return [];
  const rows = await db
    .selectFrom('disputes')
    .select('buyer_id')
    .distinct()
    .where('opened_device', 'in', devices)
    .where('buyer_id', '<>', except)
    .limit(1000)
    .execute();
  return rows.map((r) => r.buyer_id);
}

/** How many cases `buyerIds` opened, and how many of them opened any. */
export async function claimsOf(db: Executor, buyerIds: string[]): Promise<{ accounts: number; claims: number }> {
  if (buyerIds.length === 0) return { accounts: 0, claims: 0 };
  const r = await db
    .selectFrom('disputes')
    .select([(eb) => eb.fn.countAll<number>().as('claims'), sql<number>`count(distinct buyer_id)`.as('accounts')])
    .where('buyer_id', 'in', buyerIds)
    .executeTakeFirstOrThrow();
  return { accounts: num(r.accounts), claims: num(r.claims) };
}

export interface SupplierSignals {
  cases: number;
  /** claimed keys found re-sold: their secret had been sold on another order first */
  resold: number;
  /** keys handed out as replacements and claimed again */
  reclaimed: number;
  /** cases the platform or a missed deadline decided for the buyer (not the supplier's own refund or replacement) */
  lost: number;
  late: number;
  /** sold keys replaced after a claim (the cases' count: keys a refund took back are not replacements) */
  replaced: number;
}

export async function supplierSignals(db: Executor, supplierId: string): Promise<SupplierSignals> {
  const r = await db
    .selectFrom('disputes')
    .select([
      (eb) => eb.fn.countAll<number>().as('cases'),
      sql<number>`sum(case when ruling_action in ('refund', 'replace') or (supplier_late = 1 and status in ('resolved_refund', 'resolved_replace')) then 1 else 0 end)`.as(
        'lost',
      ),
      sql<number>`sum(supplier_late)`.as('late'),
      sql<number>`sum(claimed_resold)`.as('resold'),
      sql<number>`sum(claimed_replacements)`.as('reclaimed'),
      sql<number>`sum(replaced_count)`.as('replaced'),
    ])
    .where('supplier_id', '=', supplierId)
    .executeTakeFirstOrThrow();
  return {
    cases: num(r.cases),
    lost: num(r.lost),
    late: num(r.late),
    resold: num(r.resold),
    reclaimed: num(r.reclaimed),
    replaced: num(r.replaced),
  };
}

// ─── standings ───

export type StandingRow = DisputeStandingsTable;

export async function standingsOf(db: Executor, userId: string): Promise<StandingRow[]> {
  const rows = await db.selectFrom('dispute_standings').selectAll().where('user_id', '=', userId).execute();
  return rows.map((r) => ({
    ...r,
    score: num(r.score),
    set_at: num(r.set_at),
    lifted_at: r.lifted_at === null ? null : num(r.lifted_at),
  }));
}

/** Sets an action (again, after a lift, only on a higher score); false when nothing changed. */
export async function setStanding(db: Executor, row: StandingRow): Promise<boolean> {
  const r = await db
    .insertInto('dispute_standings')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'action'])
        .doUpdateSet({
          score: row.score,
          reasons: row.reasons,
          undo: row.undo,
          set_at: row.set_at,
          lifted_at: null,
          lifted_by: null,
        })
        // an operator lifted it: it comes back only when the score has grown since
        .where('dispute_standings.lifted_at', 'is not', null)
        .where('dispute_standings.score', '<', row.score),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function liftStanding(db: Executor, userId: string, action: string, by: string, now: number) {
  const r = await db
    .updateTable('dispute_standings')
    .set({ lifted_at: now, lifted_by: by })
    .where('user_id', '=', userId)
    .where('action', '=', action as StandingRow['action'])
    .where('lifted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  return r;
}

export async function inForce(db: Executor, userId: string, action: StandingRow['action']): Promise<boolean> {
  const r = await db
    .selectFrom('dispute_standings')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('action', '=', action)
    .where('lifted_at', 'is', null)
    .executeTakeFirst();
  return r !== undefined;
}

export async function listStandings(db: Executor, limit: number, offset: number) {
  const rows = await db
    .selectFrom('dispute_standings')
    .selectAll()
    .orderBy('set_at', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => ({
    ...r,
    score: num(r.score),
    set_at: num(r.set_at),
    lifted_at: r.lifted_at === null ? null : num(r.lifted_at),
  }));
}
