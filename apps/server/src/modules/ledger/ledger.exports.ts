/**
 * The ledger's lists as CSV or .xlsx, with their filters: postings (of an account, a supplier's own, or
 * the whole book) and withdrawals (every one for operators, a supplier's own for him). Payout accounts stay
 * masked, as on screen.
 */
import type { WithdrawalDto } from '@kameng/contracts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { type ExportColumn, type ExportSpec, keysetPages } from '../../platform/http/export.ts';
import { supplierAccounts, walletAccount } from './account-ids.ts';
import type { WithdrawalStatus } from './ledger.tables.ts';
import * as q from './ledger.queries.ts';
import * as wq from './withdrawals.queries.ts';
import { type SupplierFilter, suppliersFor, toWithdrawalDtos } from './withdrawals.service.ts';

const PAGE = 1000;

interface PostingFilters {
  from?: number | undefined;
  to?: number | undefined;
  kind?: string | undefined;
}

const POSTING_COLUMNS: ExportColumn<q.PostingListRow>[] = [
  { header: '时间 Time (CST)', kind: 'time', value: (p) => p.created_at },
  { header: '账户 Account', kind: 'text', value: (p) => p.account_id, width: 36 },
  { header: '金额(元) Amount (CNY)', kind: 'money', value: (p) => p.amount_cents },
  { header: '类型 Kind', kind: 'text', value: (p) => p.kind, width: 20 },
  { header: '关联 Ref type', kind: 'text', value: (p) => p.ref_type, width: 12 },
  { header: '关联单号 Ref', kind: 'text', value: (p) => p.ref_id, width: 32 },
  { header: '分录 Entry', kind: 'text', value: (p) => p.entry_id, width: 40 },
  { header: '记账 Posting', kind: 'text', value: (p) => p.id, width: 32 },
  { header: '备注 Memo', kind: 'text', value: (p) => p.memo },
];

function postings(deps: Deps, f: PostingFilters & { accountIds?: string[] | undefined }) {
  return keysetPages<q.PostingListRow>(PAGE, (after) => q.postingsAfter(deps.db, f, after, PAGE));
}

/** Operators: one account's postings, or every posting of the book, in the range and of the kind given. */
export function exportPostings(
  deps: Deps,
  f: PostingFilters & { accountId?: string | undefined },
): ExportSpec<q.PostingListRow> {
  const { accountId, ...rest } = f;
  return {
    name: 'ledger-postings',
    columns: POSTING_COLUMNS,
    rows: postings(deps, { ...rest, accountIds: accountId ? [accountId] : undefined }),
  };
}

/** A supplier's own escrow, available and withdrawing postings. */
export function exportMySupplierPostings(
  deps: Deps,
  auth: AuthContext,
  f: PostingFilters & { account?: 'held' | 'available' | 'withdrawing' | undefined },
): ExportSpec<q.PostingListRow> {
  const a = supplierAccounts(auth.userId);
  const { account, ...rest } = f;
  const accountIds = account ? [a[account]] : [a.held, a.available, a.withdrawing];
  return { name: 'my-postings', columns: POSTING_COLUMNS, rows: postings(deps, { ...rest, accountIds }) };
}

/**
 * A user's wallet postings in [from, to), newest first, page by page: what a monthly statement of his
 * purchases lists (orders' module adds what each order bought).
 */
export function walletPostingPages(deps: Deps, userId: string, range: { from: number; to: number }) {
  const f = { ...range, accountIds: [walletAccount(userId)] };
  return pagesOf<q.PostingListRow>(PAGE, (after) => q.postingsAfter(deps.db, f, after, PAGE));
}

/** Like keysetPages, a page at a time: the caller decorates a whole page with one query. */
async function* pagesOf<R>(pageSize: number, page: (after: R | undefined) => Promise<R[]>) {
  let after: R | undefined;
  for (;;) {
    const rows = await page(after);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1];
  }
}

const WITHDRAWAL_COLUMNS: ExportColumn<WithdrawalDto>[] = [
  { header: '提现单号 Withdrawal', kind: 'text', value: (w) => w.id, width: 32 },
  { header: '申请时间 Requested (CST)', kind: 'time', value: (w) => w.createdAt },
  { header: '供应商 Supplier', kind: 'text', value: (w) => w.supplierId, width: 32 },
  { header: '金额(元) Amount (CNY)', kind: 'money', value: (w) => w.amountCents },
  { header: '状态 Status', kind: 'text', value: (w) => w.status, width: 12 },
  { header: '收款方式 Payout kind', kind: 'text', value: (w) => w.payoutAccount.kind, width: 10 },
  { header: '收款人 Holder', kind: 'text', value: (w) => w.payoutAccount.holderName, width: 12 },
  { header: '银行 Bank', kind: 'text', value: (w) => w.payoutAccount.bankName, width: 16 },
  { header: '收款账号 Account', kind: 'text', value: (w) => w.payoutAccount.accountMasked, width: 12 },
  { header: '审批 Approvals', kind: 'int', value: (w) => w.approvals.length },
  { header: '需审批 Required', kind: 'int', value: (w) => w.requiredApprovals },
  { header: '打款时间 Paid (CST)', kind: 'time', value: (w) => w.paidAt },
  { header: '打款流水 Payout ref', kind: 'text', value: (w) => w.payoutRef, width: 24 },
  { header: '原因 Reason', kind: 'text', value: (w) => w.reason },
];

/** Operators' exports show the payout holder's name masked, as their list does; a supplier's own, whole. */
function withdrawals(
  deps: Deps,
  f: { supplierId?: string | undefined; supplierIds?: string[] | undefined; status?: WithdrawalStatus | undefined },
  shown: 'owner' | 'operator',
) {
  return keysetPages<WithdrawalDto>(PAGE, async (after) => {
    const page = await wq.withdrawalsAfter(deps.db, f, after && { at: after.createdAt, id: after.id }, PAGE);
    return toWithdrawalDtos(deps.db, page, shown);
  });
}

export function exportWithdrawals(
  deps: Deps,
  f: SupplierFilter & { status?: WithdrawalStatus | undefined },
): ExportSpec<WithdrawalDto> {
  const { shop, ...rest } = f;
  const rows = async function* () {
    yield* withdrawals(deps, { ...rest, supplierIds: await suppliersFor(deps, { shop }) }, 'operator');
  };
  return { name: 'withdrawals', columns: WITHDRAWAL_COLUMNS, rows: rows() };
}

export function exportMyWithdrawals(
  deps: Deps,
  auth: AuthContext,
  f: { status?: WithdrawalStatus | undefined },
): ExportSpec<WithdrawalDto> {
  return {
    name: 'my-withdrawals',
    columns: WITHDRAWAL_COLUMNS,
    rows: withdrawals(deps, { ...f, supplierId: auth.userId }, 'owner'),
  };
}
