import type { Executor } from '../../platform/db/database.ts';
import { type AccountId, agentAccounts } from './account-ids.ts';
import type { Transfer } from './entries.ts';

/**
 * Agents' margins inside an escrow hold (分站 sales, 0021), kept apart from the hold's own row so the hold
 * keeps its shape: each share is held on `agent_held:<agent>`, settles to `agent_available:<agent>` with the
 * supplier's share, goes back to the buyer when the hold is voided, and a partial refund takes its part.
 */
export interface AgentShareInput {
  /** the agent's user id */
  agentId: string;
  amountCents: number;
}

export function checkShares(orderId: string, shares: readonly AgentShareInput[]): void {
  const seen = new Set<string>();
  for (const s of shares) {
    if (!Number.isSafeInteger(s.amountCents) || s.amountCents < 0) {
      throw new RangeError(`hold ${orderId}: agent share ${s.agentId} ${s.amountCents}`);
    }
    if (seen.has(s.agentId)) throw new RangeError(`hold ${orderId}: agent ${s.agentId} twice`);
    seen.add(s.agentId);
  }
}

/** payer → agent_held for each share (the caller adds them to the hold's entry). */
export function shareOpenTransfers(payer: AccountId, shares: readonly AgentShareInput[]): Transfer[] {
  return shares
    .filter((s) => s.amountCents > 0)
    .map((s) => ({ from: payer, to: agentAccounts(s.agentId).held, amountCents: s.amountCents }));
}

export async function insertShares(tx: Executor, orderId: string, shares: readonly AgentShareInput[]): Promise<void> {
  const rows = shares
    .filter((s) => s.amountCents > 0)
    .map((s) => ({
      order_id: orderId,
      agent_id: s.agentId,
      amount_cents: s.amountCents,
      original_cents: s.amountCents,
      frozen_cents: 0,
    }));
  if (rows.length > 0) await tx.insertInto('hold_shares').values(rows).execute();
}

export interface HeldShare {
  agentId: string;
  /** what is still held for him */
  amountCents: number;
  /** of that, what an after-sales case holds back */
  frozenCents: number;
}

export async function sharesOf(db: Executor, orderId: string): Promise<HeldShare[]> {
  const rows = await db
    .selectFrom('hold_shares')
    .select(['agent_id', 'amount_cents', 'frozen_cents'])
    .where('order_id', '=', orderId)
    .orderBy('agent_id')
    .execute();
  return rows.map((r) => ({
    agentId: r.agent_id,
    amountCents: Number(r.amount_cents),
    frozenCents: Number(r.frozen_cents),
  }));
}

/** agent_held → agent_available for what is still held (the hold's own transition guards "once"). */
export async function shareSettleTransfers(db: Executor, orderId: string): Promise<Transfer[]> {
  return (await sharesOf(db, orderId))
    .filter((s) => s.amountCents > 0)
    .map((s) => {
      const a = agentAccounts(s.agentId);
      return { from: a.held, to: a.available, amountCents: s.amountCents };
    });
}

/** agent_held → refundTo for what is still held. */
export async function shareVoidTransfers(db: Executor, orderId: string, refundTo: AccountId): Promise<Transfer[]> {
  return (await sharesOf(db, orderId))
    .filter((s) => s.amountCents > 0)
    .map((s) => ({ from: agentAccounts(s.agentId).held, to: refundTo, amountCents: s.amountCents }));
}

/**
 * Splits `amount` over `parts` in proportion, in integer fen that add up exactly (largest remainder, ties to
 * the earlier part); no part gets more than it has when amount ≤ their sum.
 */
export function proportion(amount: number, parts: readonly number[]): number[] {
  const total = parts.reduce((s, p) => s + p, 0);
  if (total <= 0) return parts.map(() => 0);
  const a = BigInt(amount);
  const t = BigInt(total);
  const out = parts.map((p) => a * BigInt(p));
  const floors = out.map((x) => x / t);
  const rems = out.map((x, i) => ({ i, r: x % t }));
  let left = amount - floors.reduce((s, f) => s + Number(f), 0);
  rems.sort((x, y) => (x.r === y.r ? x.i - y.i : x.r > y.r ? -1 : 1));
  const result = floors.map(Number);
  for (const { i } of rems) {
    if (left <= 0) break;
    result[i]! += 1;
    left -= 1;
  }
  return result;
}

/**
 * Writes what each share still holds and what of it is frozen. Called only after the hold's own row was
 * updated in the same transaction (reduceHold / freezeHoldPart / unfreezeHold), which serialises it.
 */
export async function setShares(tx: Executor, orderId: string, shares: readonly HeldShare[]): Promise<void> {
  for (const s of shares) {
    if (s.amountCents < 0 || s.frozenCents < 0 || s.frozenCents > s.amountCents)
      throw new RangeError(`hold ${orderId}: agent share ${s.agentId} ${s.amountCents}/${s.frozenCents}`);
    await tx
      .updateTable('hold_shares')
      .set({ amount_cents: s.amountCents, frozen_cents: s.frozenCents })
      .where('order_id', '=', orderId)
      .where('agent_id', '=', s.agentId)
      .execute();
  }
}
