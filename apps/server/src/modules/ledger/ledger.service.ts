import type { PostingDto, TrialBalanceDto } from '@kameng/contracts';
import { writeAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import { addLast, runsHotRowsLast } from '../../platform/db/hot-rows.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import { getUser, type RequestMeta } from '../accounts/accounts.service.ts';
import { categoryPath } from '../catalog/catalog.service.ts';
import * as q from './ledger.queries.ts';
import type { AccountKind, CommissionScope, HoldStatus } from './ledger.tables.ts';

/** What the ledger's transactional functions need besides the transaction: time and ids. */
type Ctx = Pick<Deps, 'clock' | 'random'>;

// ─── accounts ───

/**
 * An account id: `wallet:<userId>`, `supplier_held:<userId>`, `supplier_available:<userId>`,
 * `supplier_withdrawing:<userId>`, `platform:commission`, `platform:channel_fees`,
 * `clearing:<provider>`, `payouts:external`. Plain strings so callers can build them; the kind
 * (and with it whether the account may go negative) is read from the prefix, never passed in.
 */
export type AccountId = string;

export const PLATFORM_COMMISSION: AccountId = 'platform:commission';
export const PAYOUTS_EXTERNAL: AccountId = 'payouts:external';

export const walletAccount = (userId: string): AccountId => `wallet:${userId}`;
export const supplierAccounts = (supplierId: string) => ({
  held: `supplier_held:${supplierId}`,
  available: `supplier_available:${supplierId}`,
  withdrawing: `supplier_withdrawing:${supplierId}`,
});

const USER_KINDS = new Set<AccountKind>(['wallet', 'supplier_held', 'supplier_available', 'supplier_withdrawing']);
const SYSTEM_KINDS = new Set<AccountKind>(['platform', 'clearing', 'payouts']);
const ACCOUNT_ID = /^([a-z_]+):([A-Za-z0-9_.-]{1,80})$/;

export interface AccountInfo {
  id: AccountId;
  kind: AccountKind;
  ownerId: string | null;
  mayGoNegative: boolean;
}

/** Reads an account id; throws on anything that is not one of the known kinds. */
export function parseAccountId(id: string): AccountInfo {
  const m = ACCOUNT_ID.exec(id);
  const kind = m?.[1] as AccountKind | undefined;
  if (!m || !kind || !(USER_KINDS.has(kind) || SYSTEM_KINDS.has(kind))) {
    throw new TypeError(`not a ledger account id: ${JSON.stringify(id)}`);
  }
  const user = USER_KINDS.has(kind);
  return { id, kind, ownerId: user ? m[2]! : null, mayGoNegative: !user };
}

// ─── posting entries ───

export interface Transfer {
  from: AccountId;
  to: AccountId;
  amountCents: number;
}

export interface EntryInput {
  /** the idempotency id: posting it again changes nothing */
  id: string;
  kind: string;
  refType?: string | undefined;
  refId?: string | undefined;
  memo?: string | undefined;
  transfers: Transfer[];
}

export type PostResult =
  | { status: 'posted' }
  | { status: 'duplicate' }
  | { status: 'insufficient_funds'; accountId: AccountId };

/** Throws on an entry no caller should ever build: these are bugs, not user input. */
export function validateEntry(e: EntryInput): void {
  if (typeof e.id !== 'string' || e.id.length === 0 || e.id.length > 200) throw new TypeError('entry id: 1–200 chars');
  if (typeof e.kind !== 'string' || e.kind.length === 0 || e.kind.length > 64) throw new TypeError('entry kind');
  if (!Array.isArray(e.transfers) || e.transfers.length === 0 || e.transfers.length > 100) {
    throw new TypeError(`entry ${e.id}: 1–100 transfers`);
  }
  for (const t of e.transfers) {
    if (!Number.isSafeInteger(t.amountCents) || t.amountCents <= 0) {
      throw new RangeError(`entry ${e.id}: amount ${t.amountCents} is not a positive integer number of fen`);
    }
    if (t.from === t.to) throw new TypeError(`entry ${e.id}: transfer from ${t.from} to itself`);
    parseAccountId(t.from);
    parseAccountId(t.to);
  }
}

/** The hash that tells a replay from a clash; transfer order does not matter. */
export function transfersHash(transfers: Transfer[]): string {
  const lines = transfers.map((t) => `${t.from}\u0000${t.to}\u0000${t.amountCents}`).sort();
  return sha256Hex(lines.join('\n'));
}

/** Net change per account, in account-id order (the lock order). Accounts that net to zero keep a 0. */
export function netDeltas(transfers: Transfer[]): [AccountId, number][] {
  const deltas = new Map<AccountId, number>();
  for (const t of transfers) {
    deltas.set(t.from, (deltas.get(t.from) ?? 0) - t.amountCents);
    deltas.set(t.to, (deltas.get(t.to) ?? 0) + t.amountCents);
  }
  for (const d of deltas.values()) if (!Number.isSafeInteger(d)) throw new RangeError('entry total out of range');
  return [...deltas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

async function replayOutcome(tx: Executor, id: string, hash: string): Promise<PostResult | null> {
  const existing = await q.findEntry(tx, id);
  if (!existing) return null;
  if (existing.transfers_hash !== hash) {
    throw new AppError('CONFLICT', `Journal entry ${id} was already posted with different transfers`, { entryId: id });
  }
  return { status: 'duplicate' };
}

/**
 * Posts one balanced journal entry inside the caller's transaction.
 *
 * How it stays correct under concurrency, on both databases:
 * - Balances change only through `applyGuardedDelta`, whose WHERE clause refuses to take a wallet or
 *   supplier account below zero. On PostgreSQL the UPDATE locks the row until the caller commits and
 *   re-evaluates the condition against the latest committed balance after waiting, so two debits can
 *   never both spend the same money; SQLite has a single writer (BEGIN IMMEDIATE), so they simply queue.
 * - Accounts are updated in id order, so two entries touching the same accounts lock them in the same
 *   order and cannot deadlock each other. In a transaction opened by `transactionWithHotRowsLast`, the
 *   changes no balance can refuse (credits, debits of accounts that may go negative) wait for its end
 *   and run there in key order (platform/db/hot-rows.ts); only the refusable debits run here.
 * - Nothing else is written until every balance update has succeeded. If one is refused, the deltas
 *   already applied are taken back (we still hold their row locks, so the compensating update restores
 *   exactly the previous value) and no journal row or posting exists: the entry leaves nothing behind
 *   and the caller's transaction may go on or roll back. Only the empty account rows created on first
 *   use remain, which hold no money.
 * - Idempotency: an entry id seen before returns `duplicate` when its transfers hash matches and throws
 *   CONFLICT otherwise. Two racing posts of one new id both get past the first check; the journal
 *   insert settles it (PostgreSQL makes the second wait for the first to commit), and the loser takes
 *   back its deltas and answers like a replay.
 */
export async function postEntry(tx: Executor, deps: Ctx, entry: EntryInput): Promise<PostResult> {
  validateEntry(entry);
  if (!tx.isTransaction) {
    // a caller without a transaction still gets an all-or-nothing entry
    return tx.transaction().execute((inner) => postEntry(inner, deps, entry));
  }
  const hash = transfersHash(entry.transfers);
  const replay = await replayOutcome(tx, entry.id, hash);
  if (replay) return replay;

  const now = deps.clock.now();
  const deltas = netDeltas(entry.transfers);
  await q.ensureAccounts(
    tx,
    deltas.map(([id]) => {
      const a = parseAccountId(id);
      return { id, kind: a.kind, owner_id: a.ownerId, may_go_negative: a.mayGoNegative ? 1 : 0 };
    }),
    now,
  );

  const applied: [AccountId, number][] = [];
  // changes no balance can refuse (credits, and debits of accounts that may go negative) wait for the end
  // of the transaction when it allows that: the platform's and suppliers' accounts are touched by every sale
  const unrefusable: [AccountId, number][] = [];
  const undo = async () => {
    for (const [id, delta] of applied.reverse()) await q.revertDelta(tx, id, delta);
  };
  const deferring = runsHotRowsLast(tx);
  for (const [id, delta] of deltas) {
    if (delta === 0) continue;
    if (deferring && (delta > 0 || parseAccountId(id).mayGoNegative)) {
      unrefusable.push([id, delta]);
      continue;
    }
    if (!(await q.applyGuardedDelta(tx, id, delta))) {
      await undo();
      return { status: 'insufficient_funds', accountId: id };
    }
    applied.push([id, delta]);
  }

  const inserted = await q.insertEntry(tx, {
    id: entry.id,
    kind: entry.kind,
    ref_type: entry.refType ?? null,
    ref_id: entry.refId ?? null,
    memo: entry.memo ?? null,
    transfers_hash: hash,
    created_at: now,
  });
  if (!inserted) {
    await undo();
    const outcome = await replayOutcome(tx, entry.id, hash);
    if (!outcome) throw new Error(`journal entry ${entry.id} neither inserted nor found`);
    return outcome;
  }
  for (const [id, delta] of unrefusable) await addLast(tx, `ledger:${id}`, delta, (t, d) => applyUnrefusable(t, id, d));
  await q.insertPostings(
    tx,
    entry.transfers.flatMap((t) => [
      {
        id: newId('pst', deps.clock, deps.random),
        entry_id: entry.id,
        account_id: t.from,
        amount_cents: -t.amountCents,
        created_at: now,
      },
      {
        id: newId('pst', deps.clock, deps.random),
        entry_id: entry.id,
        account_id: t.to,
        amount_cents: t.amountCents,
        created_at: now,
      },
    ]),
  );
  return { status: 'posted' };
}

async function applyUnrefusable(tx: Executor, id: AccountId, delta: number): Promise<void> {
  if (!(await q.applyGuardedDelta(tx, id, delta))) throw new Error(`balance of ${id} refused a change of ${delta}`);
}

/** An account's balance; 0 for an account that has never been used. */
export async function balanceCents(db: Executor, accountId: AccountId): Promise<number> {
  return (await q.balancesOf(db, [accountId])).get(accountId) ?? 0;
}

// ─── commission ───

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

// ─── escrow holds ───

export interface OpenHoldInput {
  orderId: string;
  supplierId: string;
  supplierShareCents: number;
  commissionCents: number;
  payer: AccountId;
  releaseAt: number;
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
  if (h.supplierShareCents + h.commissionCents <= 0) throw new RangeError(`hold ${h.orderId}: nothing to hold`);
  const held = supplierAccounts(h.supplierId).held;
  const transfers: Transfer[] = [];
  if (h.supplierShareCents > 0) transfers.push({ from: h.payer, to: held, amountCents: h.supplierShareCents });
  if (h.commissionCents > 0) transfers.push({ from: h.payer, to: PLATFORM_COMMISSION, amountCents: h.commissionCents });
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
  return result;
}

/** pending → posted: the share moves from supplier_held to supplier_available. False if not pending. */
export async function settleHold(tx: Executor, deps: Ctx, orderId: string): Promise<boolean> {
  const hold = await q.findHold(tx, orderId);
  if (!hold) return false;
  if (!(await q.transitionHold(tx, orderId, ['pending'], 'posted', deps.clock.now()))) return false;
  if (hold.share_cents > 0) {
    const accounts = supplierAccounts(hold.supplier_id);
    const r = await postEntry(tx, deps, {
      id: `hold-settle:${orderId}`,
      kind: 'hold_settle',
      refType: 'order',
      refId: orderId,
      transfers: [{ from: accounts.held, to: accounts.available, amountCents: hold.share_cents }],
    });
    if (r.status === 'insufficient_funds')
      throw new Error(`escrow of order ${orderId} is missing from ${accounts.held}`);
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
  const total = hold ? hold.share_cents + hold.commission_cents : 0;
  if (!hold || !Number.isSafeInteger(p.amountCents) || p.amountCents <= 0 || p.amountCents >= total) return false;
  const commission = Number(
    (BigInt(p.amountCents) * BigInt(hold.commission_cents) * 2n + BigInt(total)) / (2n * BigInt(total)),
  );
  const share = p.amountCents - commission;
  if (!(await q.reduceHold(tx, p.orderId, share, commission))) return false;
  const held = supplierAccounts(hold.supplier_id).held;
  const transfers: Transfer[] = [];
  if (share > 0) transfers.push({ from: held, to: p.refundTo, amountCents: share });
  if (commission > 0) transfers.push({ from: PLATFORM_COMMISSION, to: p.refundTo, amountCents: commission });
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

// ─── trial balance ───

const MAX_LISTED = 100;

/**
 * Proves the book: every posting sums to zero overall and per entry, the stored balances sum to
 * zero, and each account's balance equals the sum of its postings. Negative wallet or supplier
 * balances are listed too (they cannot occur; the check is there to prove it).
 */
export async function trialBalance(db: Executor, now = Date.now()): Promise<TrialBalanceDto> {
  const [postings, balances, mismatches, unbalanced, negative, entries] = await Promise.all([
    q.postingTotals(db),
    q.balanceTotals(db),
    q.balanceMismatches(db, MAX_LISTED),
    q.unbalancedEntries(db, MAX_LISTED),
    q.negativeAccounts(db, MAX_LISTED),
    q.countEntries(db),
  ]);
  return {
    balanced:
      postings.totalCents === 0 &&
      postings.debitsCents === postings.creditsCents &&
      balances.totalCents === 0 &&
      mismatches.length === 0 &&
      unbalanced.length === 0,
    totalPostingsCents: postings.totalCents,
    debitsCents: postings.debitsCents,
    creditsCents: postings.creditsCents,
    totalBalancesCents: balances.totalCents,
    accountsChecked: balances.accounts,
    entriesChecked: entries,
    mismatches,
    unbalancedEntries: unbalanced,
    negativeAccounts: negative,
    checkedAt: now,
  };
}

// ─── views ───

interface PostingQuery {
  page: number;
  pageSize: number;
  from?: number | undefined;
  to?: number | undefined;
  kind?: string | undefined;
}

function toPostingDto(r: q.PostingListRow): PostingDto {
  return {
    id: r.id,
    entryId: r.entry_id,
    accountId: r.account_id,
    kind: r.kind,
    refType: r.ref_type,
    refId: r.ref_id,
    memo: r.memo,
    amountCents: r.amount_cents,
    createdAt: r.created_at,
  };
}

async function postingsPage(db: Executor, accountIds: AccountId[], f: PostingQuery) {
  const { rows, total } = await q.listPostings(db, {
    accountIds,
    from: f.from,
    to: f.to,
    kind: f.kind,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  return { items: rows.map(toPostingDto), total };
}

export async function myWallet(deps: Deps, auth: AuthContext): Promise<{ balanceCents: number }> {
  return { balanceCents: await balanceCents(deps.db, walletAccount(auth.userId)) };
}

export async function myWalletPostings(deps: Deps, auth: AuthContext, f: PostingQuery) {
  return postingsPage(deps.db, [walletAccount(auth.userId)], f);
}

export async function supplierBalance(db: Executor, supplierId: string) {
  const a = supplierAccounts(supplierId);
  const [balances, frozenCents] = await Promise.all([
    q.balancesOf(db, [a.held, a.available, a.withdrawing]),
    q.heldBySupplier(db, supplierId, 'frozen'),
  ]);
  return {
    heldCents: balances.get(a.held) ?? 0,
    frozenCents,
    availableCents: balances.get(a.available) ?? 0,
    withdrawingCents: balances.get(a.withdrawing) ?? 0,
  };
}

export async function mySupplierBalance(deps: Deps, auth: AuthContext) {
  return supplierBalance(deps.db, auth.userId);
}

export async function mySupplierPostings(
  deps: Deps,
  auth: AuthContext,
  f: PostingQuery & { account?: 'held' | 'available' | 'withdrawing' | undefined },
) {
  const a = supplierAccounts(auth.userId);
  return postingsPage(deps.db, f.account ? [a[f.account]] : [a.held, a.available, a.withdrawing], f);
}

export async function accountPostings(deps: Deps, accountId: string, f: PostingQuery) {
  const account = await q.findAccount(deps.db, accountId);
  if (!account) throw new AppError('NOT_FOUND', 'No such ledger account');
  return {
    account: {
      id: account.id,
      kind: account.kind,
      ownerId: account.owner_id,
      mayGoNegative: account.may_go_negative === 1,
      balanceCents: account.balance_cents,
      createdAt: account.created_at,
    },
    ...(await postingsPage(deps.db, [accountId], f)),
  };
}

export async function checkTrialBalance(deps: Deps): Promise<TrialBalanceDto> {
  return trialBalance(deps.db, deps.clock.now());
}

/** China Standard Time has no daylight saving: a calendar day there is [00:00, 24:00) at UTC+8. */
const CST_OFFSET_MS = 8 * 3_600_000;

export function cstDayRange(date: string): { from: number; to: number } {
  const from = Date.parse(`${date}T00:00:00Z`) - CST_OFFSET_MS;
  if (Number.isNaN(from)) throw new AppError('VALIDATION_FAILED', 'date must be YYYY-MM-DD');
  return { from, to: from + 24 * 3_600_000 };
}

/** What the ledger booked on one day (China Standard Time), and where the money stood at its end. */
export async function dailySummary(deps: Deps, date: string) {
  const { from, to } = cstDayRange(date);
  const [flows, closing, entries] = await Promise.all([
    q.flowsBetween(deps.db, from, to),
    q.balancesAt(deps.db, to),
    q.countEntries(deps.db, { from, to }),
  ]);
  const inflow = (bucket: string, ...kinds: string[]) =>
    flows
      .filter((f) => f.bucket === bucket && (kinds.length === 0 || kinds.includes(f.entryKind)))
      .reduce((s, f) => s + f.inCents, 0);
  const outflow = (bucket: string, kind: string) =>
    flows.filter((f) => f.bucket === bucket && f.entryKind === kind).reduce((s, f) => s + f.outCents, 0);
  const net = (bucket: string) =>
    flows.filter((f) => f.bucket === bucket).reduce((s, f) => s + f.inCents - f.outCents, 0);
  return {
    date,
    from,
    to,
    entries,
    commissionCents: net(PLATFORM_COMMISSION),
    heldCents: inflow('supplier_held', 'sale_hold'),
    settledCents: inflow('supplier_available', 'hold_settle'),
    refundedFromEscrowCents: outflow('supplier_held', 'hold_void') + outflow(PLATFORM_COMMISSION, 'hold_void'),
    withdrawalsRequestedCents: inflow('supplier_withdrawing', 'withdrawal_request'),
    withdrawnCents: inflow(PAYOUTS_EXTERNAL),
    topUpsCents: inflow('wallet', 'top_up'),
    closing: {
      heldCents: closing.get('supplier_held') ?? 0,
      availableCents: closing.get('supplier_available') ?? 0,
      withdrawingCents: closing.get('supplier_withdrawing') ?? 0,
      walletsCents: closing.get('wallet') ?? 0,
      commissionCents: closing.get(PLATFORM_COMMISSION) ?? 0,
    },
  };
}
