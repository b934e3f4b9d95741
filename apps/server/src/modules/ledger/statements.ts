import type { PostingDto, TrialBalanceDto } from '@kameng/contracts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  type AccountId,
  PAYOUTS_EXTERNAL,
  PLATFORM_COMMISSION,
  supplierAccounts,
  walletAccount,
} from './account-ids.ts';
import { balanceCents, trialBalance } from './entries.ts';
import * as q from './ledger.queries.ts';

// What the ledger shows: balances and postings of wallets, suppliers and any account, the trial balance
// on demand, and the daily summary (China Standard Time days).

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
    q.frozenBySupplier(db, supplierId),
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

/** Every posting booked against these references, oldest first (the traceability export of an order). */
export async function postingsOfRefs(db: Executor, refIds: string[]) {
  return (await q.entriesOfRefs(db, refIds)).map((r) => ({
    entryId: r.entry_id,
    kind: r.kind,
    refType: r.ref_type,
    refId: r.ref_id,
    accountId: r.account_id,
    amountCents: Number(r.amount_cents),
    at: Number(r.created_at),
  }));
}
