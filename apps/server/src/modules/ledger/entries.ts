import type { TrialBalanceDto } from '@kameng/contracts';
import { newId } from '../../platform/clock.ts';
import { sha256Hex } from '../../platform/crypto.ts';
import type { Executor } from '../../platform/db/database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import { addLast, runsHotRowsLast } from '../../platform/db/hot-rows.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/http/errors.ts';
import { type AccountId, parseAccountId } from './account-ids.ts';
import * as q from './ledger.queries.ts';

// Posting balanced journal entries, reading a balance, and the trial balance that proves the book.

/** What the ledger's transactional functions need besides the transaction: time and ids. */
export type Ctx = Pick<Deps, 'clock' | 'random'>;

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

function accountRow(id: AccountId) {
  const a = parseAccountId(id);
  return { id, kind: a.kind, owner_id: a.ownerId, may_go_negative: a.mayGoNegative ? 1 : 0 };
}

/**
 * Posts one balanced journal entry inside the caller's transaction.
 *
 * How it stays correct under concurrency, on both databases:
 * - A debit that may be refused (a wallet's, a supplier's) changes a balance only through
 *   `applyGuardedDelta`, whose WHERE clause refuses to take the account below zero (an account never used
 *   has no money: refused). On PostgreSQL the UPDATE locks the row until the caller commits
 *   and re-evaluates the condition against the latest committed balance after waiting, so two debits can
 *   never both spend the same money; SQLite has a single writer (BEGIN IMMEDIATE), so they simply queue.
 *   Accounts are made on first use (`ensureAccounts`, which remembers the ones it has seen).
 * - Accounts are updated in id order, so two entries touching the same accounts lock them in the same
 *   order and cannot deadlock each other. In a transaction opened by `transactionWithHotRowsLast`, the
 *   changes no balance can refuse wait for its end and run there in key order (platform/db/hot-rows.ts);
 *   only the refusable debits run here.
 * - Nothing else is written until every refusable debit has succeeded. If one is refused, the deltas
 *   already applied are taken back (we still hold their row locks, so the compensating update restores
 *   exactly the previous value) and no journal row or posting exists: the entry leaves nothing behind
 *   and the caller's transaction may go on or roll back. Only the empty account rows made on first use
 *   remain, which hold no money.
 * - Idempotency: the journal insert settles it (ON CONFLICT DO NOTHING; PostgreSQL makes a second writer
 *   of one id wait for the first to commit). An entry id seen before returns `duplicate` when its transfers
 *   hash matches and throws CONFLICT otherwise: its deltas are taken back first. A refused debit also asks
 *   whether the entry exists, so a replay answers `duplicate` even when the money has been spent since.
 */
export async function postEntry(tx: Executor, deps: Ctx, entry: EntryInput): Promise<PostResult> {
  validateEntry(entry);
  if (!tx.isTransaction) {
    // a caller without a transaction still gets an all-or-nothing entry
    return tx.transaction().execute((inner) => postEntry(inner, deps, entry));
  }
  const hash = transfersHash(entry.transfers);
  const now = deps.clock.now();
  const deltas = netDeltas(entry.transfers);
  // postings name their accounts: every account exists before the entry is written
  await q.ensureAccounts(
    tx,
    deltas.map(([id]) => accountRow(id)),
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
    if (delta > 0 || parseAccountId(id).mayGoNegative) {
      if (deferring) unrefusable.push([id, delta]);
      else {
        await addUnrefusable(tx, id, delta, now);
        applied.push([id, delta]);
      }
      continue;
    }
    if (!(await q.applyGuardedDelta(tx, id, delta))) {
      await undo();
      return (await replayOutcome(tx, entry.id, hash)) ?? { status: 'insufficient_funds', accountId: id };
    }
    applied.push([id, delta]);
  }

  const posting = (accountId: AccountId, amountCents: number) => ({
    id: newId('pst', deps.clock, deps.random),
    account_id: accountId,
    amount_cents: amountCents,
  });
  const inserted = await q.insertEntry(
    tx,
    dialectOf(tx),
    {
      id: entry.id,
      kind: entry.kind,
      ref_type: entry.refType ?? null,
      ref_id: entry.refId ?? null,
      memo: entry.memo ?? null,
      transfers_hash: hash,
      created_at: now,
    },
    entry.transfers.flatMap((t) => [posting(t.from, -t.amountCents), posting(t.to, t.amountCents)]),
  );
  if (!inserted) {
    await undo();
    const outcome = await replayOutcome(tx, entry.id, hash);
    if (!outcome) throw new Error(`journal entry ${entry.id} neither inserted nor found`);
    return outcome;
  }
  for (const [id, delta] of unrefusable) {
    await addLast(tx, `ledger:${id}`, delta, (t, d) => ({
      query: q.addUnrefusable(t, accountRow(id), d, now),
      whenNone: () => Promise.reject(new Error(`balance of ${id} refused a change of ${d}`)),
    }));
  }
  return { status: 'posted' };
}

async function addUnrefusable(tx: Executor, id: AccountId, delta: number, now: number): Promise<void> {
  const changed = await q.addUnrefusable(tx, accountRow(id), delta, now).execute();
  if (changed.length !== 1) throw new Error(`balance of ${id} refused a change of ${delta}`);
}

/** An account's balance; 0 for an account that has never been used. */
export async function balanceCents(db: Executor, accountId: AccountId): Promise<number> {
  return (await q.balancesOf(db, [accountId])).get(accountId) ?? 0;
}

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
