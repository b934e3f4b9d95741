import type { Executor } from '../../platform/db/database.ts';
import { type AccountId, agentAccounts, PLATFORM_COMMISSION, supplierAccounts } from './account-ids.ts';
import { type Ctx, type PostResult, postEntry, type Transfer } from './entries.ts';
import {
  type AgentShareInput,
  checkShares,
  type HeldShare,
  insertShares,
  proportion,
  setShares,
  shareOpenTransfers,
  shareSettleTransfers,
  sharesOf,
  shareVoidTransfers,
} from './hold-shares.ts';
import * as q from './ledger.queries.ts';
import type { HoldStatus } from './ledger.tables.ts';

// Escrow (PROMISES.md #17): a sale is a hold, settled to the supplier when its window ends, voided on a
// refund or an upheld dispute, frozen while disputed; each hold resolves once.

export interface OpenHoldInput {
  orderId: string;
  supplierId: string;
  supplierShareCents: number;
  commissionCents: number;
  payer: AccountId;
  releaseAt: number;
  /** 分站 sales: each agent's margin, held with the supplier's share (hold-shares.ts) */
  agentShares?: readonly AgentShareInput[] | undefined;
}

/**
 * A sale goes into escrow: payer → supplier_held (the share) and payer → platform:commission (the fee),
 * one entry, plus a pending hold. Idempotent per order: the second call answers `duplicate`.
 */
export async function openHold(tx: Executor, deps: Ctx, h: OpenHoldInput): Promise<PostResult> {
  for (const [name, v] of [
    ['supplierShareCents', h.supplierShareCents],
    ['commissionCents', h.commissionCents],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`hold ${h.orderId}: ${name} ${v}`);
  }
  const shares = h.agentShares ?? [];
  checkShares(h.orderId, shares);
  const sharesTotal = shares.reduce((s, a) => s + a.amountCents, 0);
  if (h.supplierShareCents + h.commissionCents + sharesTotal <= 0)
    throw new RangeError(`hold ${h.orderId}: nothing to hold`);
  const held = supplierAccounts(h.supplierId).held;
  const transfers: Transfer[] = [];
  if (h.supplierShareCents > 0) transfers.push({ from: h.payer, to: held, amountCents: h.supplierShareCents });
  if (h.commissionCents > 0) transfers.push({ from: h.payer, to: PLATFORM_COMMISSION, amountCents: h.commissionCents });
  transfers.push(...shareOpenTransfers(h.payer, shares));
  const result = await postEntry(tx, deps, {
    id: `hold:${h.orderId}`,
    kind: 'sale_hold',
    refType: 'order',
    refId: h.orderId,
    transfers,
  });
  if (result.status === 'insufficient_funds') return result;
  await q.insertHold(tx, {
    order_id: h.orderId,
    supplier_id: h.supplierId,
    share_cents: h.supplierShareCents,
    commission_cents: h.commissionCents,
    payer: h.payer,
    status: 'pending',
    frozen_share_cents: 0,
    frozen_commission_cents: 0,
    release_at: h.releaseAt,
    resolved_at: null,
    created_at: deps.clock.now(),
  });
  await insertShares(tx, h.orderId, shares);
  return result;
}

/** pending → posted: the share moves from supplier_held to supplier_available. False if not pending. */
export async function settleHold(tx: Executor, deps: Ctx, orderId: string): Promise<boolean> {
  const hold = await q.findHold(tx, orderId);
  if (!hold) return false;
  if (!(await q.transitionHold(tx, orderId, ['pending'], 'posted', deps.clock.now()))) return false;
  const accounts = supplierAccounts(hold.supplier_id);
  const transfers: Transfer[] = [];
  if (hold.share_cents > 0)
    transfers.push({ from: accounts.held, to: accounts.available, amountCents: hold.share_cents });
  transfers.push(...(await shareSettleTransfers(tx, orderId)));
  if (transfers.length > 0) {
    const r = await postEntry(tx, deps, {
      id: `hold-settle:${orderId}`,
      kind: 'hold_settle',
      refType: 'order',
      refId: orderId,
      transfers,
    });
    if (r.status === 'insufficient_funds') throw new Error(`escrow of order ${orderId} is missing from ${r.accountId}`);
  }
  return true;
}

/**
 * pending (or frozen, when a dispute is upheld) → voided: the share and the commission go back to
 * `refundTo`. False if the hold was already posted or voided.
 */
export async function voidHold(tx: Executor, deps: Ctx, orderId: string, refundTo: AccountId): Promise<boolean> {
  const hold = await q.findHold(tx, orderId);
  if (!hold) return false;
  if (!(await q.transitionHold(tx, orderId, ['pending', 'frozen'], 'voided', deps.clock.now()))) return false;
  const transfers: Transfer[] = [];
  const held = supplierAccounts(hold.supplier_id).held;
  if (hold.share_cents > 0) transfers.push({ from: held, to: refundTo, amountCents: hold.share_cents });
  if (hold.commission_cents > 0) {
    transfers.push({ from: PLATFORM_COMMISSION, to: refundTo, amountCents: hold.commission_cents });
  }
  transfers.push(...(await shareVoidTransfers(tx, orderId, refundTo)));
  if (transfers.length === 0) return true;
  const r = await postEntry(tx, deps, {
    id: `hold-void:${orderId}`,
    kind: 'hold_void',
    refType: 'order',
    refId: orderId,
    transfers,
  });
  if (r.status === 'insufficient_funds') throw new Error(`escrow of order ${orderId} is missing from ${r.accountId}`);
  return true;
}

/** A part of a hold: the supplier's share, the commission and each agent's margin (in `sharesOf` order). */
interface HoldPart {
  share: number;
  commission: number;
  agents: number[];
}

/**
 * The part of a hold worth `amountCents` of what the buyer paid, in the hold's own proportion: without
 * agents the commission rounded half-up; with agents every part by largest remainder, adding up exactly.
 */
function partOf(
  hold: { share_cents: number; commission_cents: number },
  agents: readonly HeldShare[],
  amountCents: number,
): HoldPart {
  const agentsTotal = agents.reduce((s, a) => s + a.amountCents, 0);
  const total = hold.share_cents + hold.commission_cents + agentsTotal;
  if (amountCents >= total)
    return { share: hold.share_cents, commission: hold.commission_cents, agents: agents.map((a) => a.amountCents) };
  if (agentsTotal === 0) {
    const base = hold.share_cents + hold.commission_cents;
    const commission = Number(
      (BigInt(amountCents) * BigInt(hold.commission_cents) * 2n + BigInt(base)) / (2n * BigInt(base)),
    );
    return { share: amountCents - commission, commission, agents: agents.map(() => 0) };
  }
  const parts = proportion(amountCents, [hold.share_cents, hold.commission_cents, ...agents.map((a) => a.amountCents)]);
  return { share: parts[0]!, commission: parts[1]!, agents: parts.slice(2) };
}

function holdTotal(hold: { share_cents: number; commission_cents: number }, agents: readonly HeldShare[]): number {
  return hold.share_cents + hold.commission_cents + agents.reduce((s, a) => s + a.amountCents, 0);
}

/**
 * A refund out of escrow: `amountCents` leaves the hold for `refundTo`, split between the supplier's share,
 * the commission and (on a 分站 sale) each agent's margin in the hold's own proportion. The hold keeps the
 * rest, so its settlement or void later moves only what is left; all of it voids the hold. `fromFrozen`:
 * the refund is of what an after-sales case holds back, so that much less stays frozen (otherwise what
 * stays frozen is at most what is left). False when the hold is resolved or holds less than that.
 */
export async function releaseHoldPart(
  tx: Executor,
  deps: Ctx,
  p: { orderId: string; amountCents: number; refundTo: AccountId; entryId: string; fromFrozen?: boolean },
): Promise<boolean> {
  const hold = await q.findHold(tx, p.orderId);
  const agents = hold ? await sharesOf(tx, p.orderId) : [];
  const total = hold ? holdTotal(hold, agents) : 0;
  if (!hold || !Number.isSafeInteger(p.amountCents) || p.amountCents <= 0 || p.amountCents > total) return false;
  const { share, commission, agents: agentParts } = partOf(hold, agents, p.amountCents);
  const left = { share: hold.share_cents - share, commission: hold.commission_cents - commission };
  const all = p.amountCents === total;
  const frozenShare = p.fromFrozen ? hold.frozen_share_cents - share : hold.frozen_share_cents;
  const frozenCommission = p.fromFrozen ? hold.frozen_commission_cents - commission : hold.frozen_commission_cents;
  const next = {
    ...left,
    frozenShare: Math.min(left.share, Math.max(0, frozenShare)),
    frozenCommission: Math.min(left.commission, Math.max(0, frozenCommission)),
    ...(all ? { status: 'voided' as const } : {}),
  };
  const expected = { share: hold.share_cents, commission: hold.commission_cents };
  if (!(await q.reduceHold(tx, p.orderId, expected, next, all ? deps.clock.now() : null))) return false;
  // the hold's row is locked by the update above, so its agents' shares are read and written under it
  await setShares(
    tx,
    p.orderId,
    agents.map((a, i) => {
      const amount = a.amountCents - agentParts[i]!;
      const frozen = p.fromFrozen ? a.frozenCents - agentParts[i]! : a.frozenCents;
      return { agentId: a.agentId, amountCents: amount, frozenCents: Math.min(amount, Math.max(0, frozen)) };
    }),
  );
  const held = supplierAccounts(hold.supplier_id).held;
  const transfers: Transfer[] = [];
  if (share > 0) transfers.push({ from: held, to: p.refundTo, amountCents: share });
  if (commission > 0) transfers.push({ from: PLATFORM_COMMISSION, to: p.refundTo, amountCents: commission });
  for (const [i, a] of agents.entries()) {
    const part = agentParts[i]!;
    if (part > 0) transfers.push({ from: agentAccounts(a.agentId).held, to: p.refundTo, amountCents: part });
  }
  const r = await postEntry(tx, deps, {
    id: p.entryId,
    kind: 'hold_void',
    refType: 'order',
    refId: p.orderId,
    transfers,
  });
  if (r.status === 'insufficient_funds') throw new Error(`escrow of order ${p.orderId} is missing from ${r.accountId}`);
  return true;
}

/**
 * pending → frozen: an after-sales case holds back the part of the hold worth `amountCents` of what the
 * buyer paid (the disputed item's), or all of it when that is more — the agents' margins in the same
 * proportion; the rest can still settle on time (`settleUnfrozen`). False when the hold is not pending.
 */
export async function freezeHold(tx: Executor, _deps: Ctx, orderId: string, amountCents?: number): Promise<boolean> {
  const hold = await q.findHold(tx, orderId);
  if (hold?.status !== 'pending') return false;
  const agents = await sharesOf(tx, orderId);
  const part = partOf(hold, agents, amountCents ?? holdTotal(hold, agents));
  if (!(await q.freezeHoldPart(tx, orderId, part))) return false;
  await setShares(
    tx,
    orderId,
    agents.map((a, i) => ({ agentId: a.agentId, amountCents: a.amountCents, frozenCents: part.agents[i]! })),
  );
  return true;
}

/** frozen → pending: the case is over and nothing is held back. */
export async function unfreezeHold(tx: Executor, _deps: Ctx, orderId: string): Promise<boolean> {
  if (!(await q.unfreezeHold(tx, orderId))) return false;
  const agents = await sharesOf(tx, orderId);
  await setShares(
    tx,
    orderId,
    agents.map((a) => ({ ...a, frozenCents: 0 })),
  );
  return true;
}

/**
 * A frozen hold past its settlement time: what the case does not hold back settles to the supplier and the
 * agents (the commission stays the platform's), and the hold keeps only the frozen part. Answers the
 * supplier's share settled.
 */
export async function settleUnfrozen(tx: Executor, deps: Ctx, orderId: string): Promise<number> {
  const hold = await q.findHold(tx, orderId);
  if (hold?.status !== 'frozen') return 0;
  const agents = await sharesOf(tx, orderId);
  const share = hold.share_cents - hold.frozen_share_cents;
  const commission = hold.commission_cents - hold.frozen_commission_cents;
  const agentParts = agents.map((a) => a.amountCents - a.frozenCents);
  if (share <= 0 && commission <= 0 && agentParts.every((a) => a <= 0)) return 0;
  const next = {
    share: hold.frozen_share_cents,
    commission: hold.frozen_commission_cents,
    frozenShare: hold.frozen_share_cents,
    frozenCommission: hold.frozen_commission_cents,
  };
  const expected = { share: hold.share_cents, commission: hold.commission_cents };
  if (!(await q.reduceHold(tx, orderId, expected, next))) return 0;
  await setShares(
    tx,
    orderId,
    agents.map((a) => ({ ...a, amountCents: a.frozenCents })),
  );
  const transfers: Transfer[] = [];
  const accounts = supplierAccounts(hold.supplier_id);
  if (share > 0) transfers.push({ from: accounts.held, to: accounts.available, amountCents: share });
  for (const [i, a] of agents.entries()) {
    const part = agentParts[i]!;
    const acc = agentAccounts(a.agentId);
    if (part > 0) transfers.push({ from: acc.held, to: acc.available, amountCents: part });
  }
  if (transfers.length > 0) {
    const r = await postEntry(tx, deps, {
      // what is held before settling only ever shrinks: one id per partial settlement
      id: `hold-settle-part:${orderId}:${hold.share_cents}:${agents.reduce((s, a) => s + a.amountCents, 0)}`,
      kind: 'hold_settle',
      refType: 'order',
      refId: orderId,
      transfers,
    });
    if (r.status === 'insufficient_funds') throw new Error(`escrow of order ${orderId} is missing from ${r.accountId}`);
  }
  return share;
}

export interface HoldView {
  orderId: string;
  supplierId: string;
  supplierShareCents: number;
  commissionCents: number;
  /** while frozen: what of the share an after-sales case holds back */
  frozenShareCents: number;
  /** on a 分站 sale: the agents' margins still held */
  agentSharesCents: number;
  /** everything still in escrow: share + commission + the agents' margins */
  heldCents: number;
  payer: AccountId;
  status: HoldStatus;
  releaseAt: number;
  resolvedAt: number | null;
}

export async function getHold(db: Executor, orderId: string): Promise<HoldView | null> {
  const h = await q.findHold(db, orderId);
  if (!h) return null;
  const agentSharesCents = (await sharesOf(db, orderId)).reduce((s, a) => s + a.amountCents, 0);
  return {
    orderId: h.order_id,
    supplierId: h.supplier_id,
    supplierShareCents: h.share_cents,
    commissionCents: h.commission_cents,
    frozenShareCents: h.frozen_share_cents,
    agentSharesCents,
    heldCents: h.share_cents + h.commission_cents + agentSharesCents,
    payer: h.payer,
    status: h.status,
    releaseAt: h.release_at,
    resolvedAt: h.resolved_at,
  };
}
