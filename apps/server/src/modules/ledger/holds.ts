import type { Executor } from '../../platform/db/database.ts';
import { type AccountId, agentAccounts, PLATFORM_COMMISSION, supplierAccounts } from './account-ids.ts';
import { type Ctx, type PostResult, postEntry, type Transfer } from './entries.ts';
import {
  type AgentShareInput,
  checkShares,
  insertShares,
  proportion,
  reduceShares,
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

/**
 * A partial refund out of escrow: `amountCents` leaves the hold for `refundTo`, split between the
 * supplier's share and the commission in the hold's own proportion (the commission rounded half-up), and
 * the hold keeps the rest, so its settlement or void later moves only what is left. The hold stays
 * unresolved. False when the hold is resolved or holds less than that.
 */
export async function releaseHoldPart(
  tx: Executor,
  deps: Ctx,
  p: { orderId: string; amountCents: number; refundTo: AccountId; entryId: string },
): Promise<boolean> {
  const hold = await q.findHold(tx, p.orderId);
  const agents = hold ? await sharesOf(tx, p.orderId) : [];
  const agentsTotal = agents.reduce((s, a) => s + a.amountCents, 0);
  const total = hold ? hold.share_cents + hold.commission_cents + agentsTotal : 0;
  if (!hold || !Number.isSafeInteger(p.amountCents) || p.amountCents <= 0 || p.amountCents >= total) return false;
  let commission: number;
  let share: number;
  let agentParts: Array<{ agentId: string; amountCents: number }> = [];
  if (agentsTotal === 0) {
    commission = Number(
      (BigInt(p.amountCents) * BigInt(hold.commission_cents) * 2n + BigInt(total)) / (2n * BigInt(total)),
    );
    share = p.amountCents - commission;
  } else {
    // every share gives back its proportion, in whole fen that add up to the amount exactly
    const parts = proportion(p.amountCents, [
      hold.share_cents,
      hold.commission_cents,
      ...agents.map((a) => a.amountCents),
    ]);
    share = parts[0]!;
    commission = parts[1]!;
    agentParts = agents.map((a, i) => ({ agentId: a.agentId, amountCents: parts[i + 2]! }));
  }
  if (!(await q.reduceHold(tx, p.orderId, share, commission))) return false;
  if (!(await reduceShares(tx, p.orderId, agentParts))) throw new Error(`agent shares of ${p.orderId} hold less`);
  const held = supplierAccounts(hold.supplier_id).held;
  const transfers: Transfer[] = [];
  if (share > 0) transfers.push({ from: held, to: p.refundTo, amountCents: share });
  if (commission > 0) transfers.push({ from: PLATFORM_COMMISSION, to: p.refundTo, amountCents: commission });
  for (const a of agentParts) {
    if (a.amountCents > 0)
      transfers.push({ from: agentAccounts(a.agentId).held, to: p.refundTo, amountCents: a.amountCents });
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

/** pending → frozen: a disputed hold is not settled until unfrozen (or voided). */
export async function freezeHold(tx: Executor, _deps: Ctx, orderId: string): Promise<boolean> {
  return q.transitionHold(tx, orderId, ['pending'], 'frozen', null);
}

/** frozen → pending. */
export async function unfreezeHold(tx: Executor, _deps: Ctx, orderId: string): Promise<boolean> {
  return q.transitionHold(tx, orderId, ['frozen'], 'pending', null);
}

export interface HoldView {
  orderId: string;
  supplierId: string;
  supplierShareCents: number;
  commissionCents: number;
  payer: AccountId;
  status: HoldStatus;
  releaseAt: number;
  resolvedAt: number | null;
}

export async function getHold(db: Executor, orderId: string): Promise<HoldView | null> {
  const h = await q.findHold(db, orderId);
  if (!h) return null;
  return {
    orderId: h.order_id,
    supplierId: h.supplier_id,
    supplierShareCents: h.share_cents,
    commissionCents: h.commission_cents,
    payer: h.payer,
    status: h.status,
    releaseAt: h.release_at,
    resolvedAt: h.resolved_at,
  };
}
